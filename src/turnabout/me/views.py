"""The participant's own pages: home, the hub ("My mentoring"), their applications and
their match. Each view gathers its data through selectors; the templates run no queries."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from turnabout.accounts import permissions
from turnabout.engagement import selectors as engagement_selectors
from turnabout.enrollment import selectors as enrollment_selectors
from turnabout.feedback import selectors as feedback_selectors
from turnabout.insights.views import home_outcomes_section
from turnabout.me import selectors
from turnabout.pairing import selectors as pairing_selectors
from turnabout.pairing.forms import EndForm, ReasonForm
from turnabout.people import charts
from turnabout.people import selectors as people_selectors
from turnabout.programs import selectors as program_selectors


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {
        "me": people_selectors.person_for_user(user=user),
        "engagement": selectors.home_pairs(user=user),
        "mine": selectors.home_programs(user=user),
        "matches": selectors.home_matches(user=user),
    }
    # The programs' outcomes (insights); a sponsor sees them instead of headcount.
    outcomes = home_outcomes_section(request)
    context["outcomes"] = outcomes
    sponsor_only = permissions.is_sponsor(user) and not (
        permissions.is_org_admin(user) or permissions.is_program_manager(user)
    )
    if permissions.can_view_aggregates(user) and not (sponsor_only and outcomes):
        overview = people_selectors.org_overview(user=user)
        context["overview"] = overview
        context["department_chart"] = charts.headcount_by_department(overview)
        context["level_chart"] = charts.headcount_by_level(overview)
    return render(request, "me/home.html", context)


def hub(request: HttpRequest) -> HttpResponse:
    """The participant hub ("My mentoring"): a match waiting for an answer, the active
    pairs, the applications and the cohorts open to join, each linking to its own page."""
    return render(
        request,
        "me/hub.html",
        {
            "hub": selectors.participant_hub(user=request.user),
            "is_participant": engagement_selectors.employee_of(request.user) is not None,
            "open_surveys": feedback_selectors.open_surveys_for(request.user),
        },
    )


def applications(request: HttpRequest) -> HttpResponse:
    """ "My programs": the signed-in person's applications and their status."""
    return render(
        request,
        "me/applications.html",
        {
            "applications": enrollment_selectors.applications_of_user(user=request.user),
            "joinable": program_selectors.cohorts_joinable(user=request.user)[:6],
        },
    )


def matches(request: HttpRequest) -> HttpResponse:
    """ "Your match": the person's mentorships, to accept, decline or end."""
    items = list(pairing_selectors.mentorships_of_user(user=request.user)[:50])
    return render(
        request,
        "me/matches.html",
        {
            "cards": pairing_selectors.mentorship_cards(user=request.user, mentorships=items),
            "decline_form": ReasonForm(),
            "end_form": EndForm(),
        },
    )
