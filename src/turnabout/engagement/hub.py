"""Which pages belong to the participant hub ("My mentoring") in the top navigation.

The hub lives at /engagement/, but the pages it leads to live in other apps: the
applications (/applications/…), the match (/pairing/me/, /pairing/pairs/<id>/) and the
cohort pages a participant joins from (/programs/cohorts/<id>/about/ and …/survey/). The
hub link is the current one on all of them. A few of those pages are also used by managers
in their own capacity; only for a person who is both is a query needed to tell which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q
from django.http import HttpRequest

from turnabout.accounts import permissions as roles

HUB = "hub"
PROGRAMS = "programs"

# Pages only participants use (besides the engagement pages themselves).
HUB_VIEWS = frozenset(
    {
        "enrollment:mine",
        "enrollment:join",
        "enrollment:apply",
        "enrollment:edit",
        "enrollment:withdraw",
        "pairing:mine",
        "programs:survey",
        "feedback:mine",
        "feedback:answer",
        "feedback:fit_flag",
    }
)
# Pages under /engagement/ that are the managers' and sponsors' program figures.
PROGRAM_AREA_VIEWS = frozenset({"engagement:programs", "engagement:program"})


def _own_application(user: AbstractBaseUser, kwargs: Mapping[str, Any]) -> str:
    from turnabout.enrollment.models import Application

    own = Application.objects.filter(pk=kwargs["application_pk"], person__user_id=user.pk)
    return HUB if own.exists() else PROGRAMS


def _own_pair(user: AbstractBaseUser, kwargs: Mapping[str, Any]) -> str:
    from turnabout.pairing.models import Mentorship

    own = Mentorship.objects.filter(
        Q(mentor__user_id=user.pk) | Q(mentee__user_id=user.pk), pk=kwargs["mentorship_pk"]
    )
    return HUB if own.exists() else ""  # a manager's view of a pair: the path decides


def _cohort_to_join(user: AbstractBaseUser, kwargs: Mapping[str, Any]) -> str:
    from turnabout.programs.models import Program
    from turnabout.programs.permissions import managed_programs_filter

    managed = Program.objects.filter(managed_programs_filter(user), cohorts__pk=kwargs["cohort_pk"])
    return PROGRAMS if managed.exists() else HUB


# Pages both participants and managers use: whose they are depends on the object.
SHARED_VIEWS: dict[str, Callable[[AbstractBaseUser, Mapping[str, Any]], str]] = {
    "enrollment:detail": _own_application,
    "pairing:mentorship": _own_pair,
    "programs:public": _cohort_to_join,
}


def page_section(request: HttpRequest, *, participant: bool) -> str:
    """HUB or PROGRAMS for the pages the path alone does not place; "" to let it decide."""
    match = request.resolver_match
    if match is None:
        return ""
    name = match.view_name
    if name in PROGRAM_AREA_VIEWS:
        return PROGRAMS
    if not participant:
        return ""
    if name in HUB_VIEWS or match.namespace == "engagement":
        return HUB
    decide = SHARED_VIEWS.get(name)
    if decide is None:
        return ""
    user = request.user
    if not user.is_authenticated:
        return ""
    manages = roles.is_org_admin(user) or roles.is_program_manager(user) or roles.is_sponsor(user)
    if not manages:
        return HUB  # nobody else reaches these pages without a management role
    return decide(user, match.kwargs)
