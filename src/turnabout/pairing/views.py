"""Pages: match runs (progress, review, adjust, compare, publish) and mentorships."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from turnabout.common import errors
from turnabout.common.htmx import is_htmx
from turnabout.common.pages import act, attempt
from turnabout.common.pagination import paginate, query_without_page
from turnabout.pairing import explain, permissions, selectors, services
from turnabout.pairing.explain import CRITERION_LABELS
from turnabout.pairing.forms import (
    CompareForm,
    EndForm,
    ManualPairForm,
    ReasonForm,
    RunSettingsForm,
    person_choice_label,
)
from turnabout.pairing.models import MatchRun, Mentorship
from turnabout.programs.models import Phase

REVIEW_PAGE_SIZE = 50


def index(request: HttpRequest) -> HttpResponse:
    """Managers: the cohorts whose matching they run."""
    cohorts = list(selectors.managed_cohorts(user=request.user))
    if not cohorts:
        return redirect("me:matches")
    return render(request, "pairing/index.html", {"cohorts": cohorts})


WAITING_PAGE_SIZE = 25
UNMATCHED_PAGE_SIZE = 25
EXCLUSIONS_SHOWN = 50
SEARCH_MAX = 100  # characters of a person search


def cohort_page(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_pairing(user=request.user, cohort_id=cohort_pk)
    runs = list(selectors.runs_of_cohort(user=request.user, cohort=cohort)[:100])
    config = selectors.run_settings_of(cohort=cohort)
    waiting: dict[str, Any] = {}
    if cohort.phase != Phase.MATCHING:
        for role, plural in (("mentee", "mentees"), ("mentor", "mentors")):
            waiting[plural] = paginate(
                request,
                selectors.waiting_for_partner(user=request.user, cohort=cohort, role=role),
                param=f"{plural}_page",
                per_page=WAITING_PAGE_SIZE,
            )
    exclusions = selectors.exclusions_of_cohort(user=request.user, cohort=cohort)
    return render(
        request,
        "pairing/cohort.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "runs": runs,
            "form": RunSettingsForm(None, config=config),
            "compare_form": CompareForm(None, runs=runs),
            "counts": selectors.pairing_counts(user=request.user, cohort=cohort),
            "waiting": waiting,
            "query": query_without_page(request),
            "exclusions": list(exclusions[:EXCLUSIONS_SHOWN]),
            "exclusion_count": exclusions.count(),
            "can_run": cohort.phase in (Phase.MATCHING, Phase.MATCHED, Phase.ACTIVE),
        },
    )


@require_POST
def run_start(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_pairing(user=request.user, cohort_id=cohort_pk)
    config = selectors.run_settings_of(cohort=cohort)
    form = RunSettingsForm(request.POST, config=config)
    if not form.is_valid():
        messages.error(request, _("Check the run's settings: %(errors)s") % {"errors": form.errors})
        return redirect("pairing:cohort", cohort.pk)
    started = attempt(
        request,
        lambda: services.match_run_start(
            cohort, settings=form.overrides(), acting_user=request.user
        ),
        success=lambda run: _("Run %(n)d started.") % {"n": run.number},
    )
    if not started.ok:
        return redirect("pairing:cohort", cohort.pk)
    return redirect(started.value)


def _review_context(request: HttpRequest, run: MatchRun) -> dict[str, Any]:
    proposals = selectors.proposal_filter(user=request.user, run=run, filters=request.GET)
    page = paginate(request, proposals.filtered, per_page=REVIEW_PAGE_SIZE)
    return {
        "filter_form": proposals.form,
        "page": page,
        "query": query_without_page(request),
        "criterion": proposals.chosen_criterion,
        "criterion_label": CRITERION_LABELS.get(proposals.chosen_criterion, ""),
        "table": "pairing/_proposals_table.html",
        "target": "proposals",
    }


def run_page(request: HttpRequest, run_pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, run_id=run_pk)
    context: dict[str, Any] = {
        "run": run,
        "cohort": run.cohort,
        "program": run.cohort.program,
        "can_change": run.status == MatchRun.Status.DONE
        and not run.is_published
        and services.run_is_current(run),
    }
    if run.status == MatchRun.Status.DONE:
        context.update(_review_context(request, run))
        if is_htmx(request) and request.headers.get("HX-Target") == "proposals":
            return render(request, "_filtered_list.html#results", context)
        context["manual_form"] = ManualPairForm(None)
        context["hand_pairing"] = [
            (
                role,
                request.GET.get(f"{role}_q", "")[:SEARCH_MAX],
                _person_choices(request, run, role),
                label,
            )
            for role, label in (("mentor", _("Mentor")), ("mentee", _("Mentee")))
        ]
        unmatched = selectors.unmatched_of_run(user=request.user, run=run)
        context["unmatched"] = paginate(
            request, unmatched, param="unmatched_page", per_page=UNMATCHED_PAGE_SIZE
        )
        context["exclude_form"] = ReasonForm()
        context["settings_rows"] = _settings_rows(run.config)
    return render(request, "pairing/run.html", context)


def _person_choices(request: HttpRequest, run: MatchRun, role: str) -> list[tuple[int, str]]:
    """The hand-pairing search results for one role: (application id, label) pairs."""
    found = selectors.pairable_search(
        user=request.user, run=run, role=role, query=request.GET.get(f"{role}_q", "")[:SEARCH_MAX]
    )
    paired: set[int] = set()
    if role == "mentee" and found:
        paired = set(
            run.proposals.filter(mentee_application_id__in=[a.pk for a in found]).values_list(
                "mentee_application_id", flat=True
            )
        )
    return [
        (a.pk, person_choice_label(a, paired=(a.pk in paired) if role == "mentee" else None))
        for a in found
    ]


def person_search(request: HttpRequest, run_pk: int) -> HttpResponse:
    """htmx: the few people of one role whose name matches the hand-pairing search field."""
    run = selectors.run_get(user=request.user, run_id=run_pk)
    role = request.GET.get("role", "")
    if role not in ("mentor", "mentee"):
        return HttpResponseBadRequest(_("Search mentors or mentees: role is mentor or mentee."))
    return render(
        request,
        "pairing/run.html#person_choices",
        {
            "role": role,
            "choices": _person_choices(request, run, role),
            "q": request.GET.get(f"{role}_q", "")[:SEARCH_MAX],
        },
    )


def _settings_rows(config: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        (str(CRITERION_LABELS.get(k, k)), f"{v:g}")
        for k, v in config.get("weights", {}).items()
        if v
    ]
    rules = config.get("constraints", {})
    rows.append((_("Minimum level gap"), str(rules.get("min_level_gap"))))
    if rules.get("max_tz_hours") is not None:
        rows.append((_("Maximum time difference"), f"{rules['max_tz_hours']:g} h"))
    for key, label in (
        ("reporting_line", _("Never in each other's reporting line")),
        ("same_manager", _("Never with the same manager")),
        ("require_language", _("Must share a language")),
    ):
        if rules.get(key):
            rows.append((label, _("yes")))
    rows.append((_("Fairness"), _("yes") if config.get("fairness") else _("no")))
    return rows


def run_status(request: HttpRequest, run_pk: int) -> HttpResponse:
    """The polled progress box; tells htmx to reload the page once the run has finished."""
    run = selectors.run_get(user=request.user, run_id=run_pk)
    if run.status == MatchRun.Status.RUNNING and services.match_runs_reap(cohort=run.cohort):
        run = selectors.run_get(user=request.user, run_id=run_pk)  # its worker died
    response = render(request, "pairing/run.html#status", {"run": run})
    if run.is_finished and is_htmx(request):
        response["HX-Refresh"] = "true"
    return response


def _back_to_run(request: HttpRequest, run: MatchRun) -> HttpResponse:
    query = request.POST.get("query", "")
    url = reverse("pairing:run", args=[run.pk])
    return redirect(f"{url}?{query}" if query and "\n" not in query else url)


@require_POST
def proposal_lock(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_pk)
    locked = request.POST.get("locked") == "1"
    return act(
        request,
        lambda: services.proposal_set_locked(proposal, locked=locked, acting_user=request.user),
        success=_("Pair locked: a re-run keeps it.") if locked else _("Pair unlocked."),
        then=_back_to_run(request, proposal.run),
    )


@require_POST
def proposal_remove(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_pk)
    return act(
        request,
        lambda: services.proposal_remove(proposal, acting_user=request.user),
        success=_("Pair removed; both people are now unmatched in this run."),
        then=_back_to_run(request, proposal.run),
    )


@require_POST
def proposal_exclude(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.pair_exclude(proposal, reason=reason, acting_user=request.user),
        success=_("Pair excluded: no future run of this cohort proposes it."),
        then=_back_to_run(request, proposal.run),
    )


def pair_check(request: HttpRequest, run_pk: int) -> HttpResponse:
    """htmx: warn, before submitting, when a hand-made pair breaks a hard constraint."""
    run = selectors.run_get(user=request.user, run_id=run_pk)
    context: dict[str, Any] = {"run": run, "explanations": [], "checked": False}
    try:
        mentor_id = int(request.GET["mentor_application"])
        mentee_id = int(request.GET["mentee_application"])
    except (KeyError, ValueError):
        return render(request, "pairing/run.html#pair_check", context)
    check = selectors.pair_check(
        user=request.user,
        run=run,
        mentor_application_id=mentor_id,
        mentee_application_id=mentee_id,
    )
    if check is not None:
        context.update(
            checked=True,
            taken=check.taken_by,
            score=check.score,
            reasons=explain.reason_texts(check.reasons),
            explanations=explain.violation_texts(check.violations, run.config),
        )
    return render(request, "pairing/run.html#pair_check", context)


@require_POST
def pair_manual(request: HttpRequest, run_pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, run_id=run_pk)
    form = ManualPairForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a mentor and a mentee."))
        return _back_to_run(request, run)
    data = form.cleaned_data
    return act(
        request,
        lambda: services.proposal_create_manual(
            run,
            mentor_application_id=data["mentor_application"],
            mentee_application_id=data["mentee_application"],
            override_reason=data["override_reason"],
            acting_user=request.user,
        ),
        success=_("Pair made by hand and locked."),
        then=_back_to_run(request, run),
    )


@require_POST
def run_rerun(request: HttpRequest, run_pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, run_id=run_pk)
    started = attempt(
        request,
        lambda: services.match_run_start(run.cohort, based_on=run, acting_user=request.user),
        success=lambda new: _("Run %(n)d started around the locked pairs.") % {"n": new.number},
    )
    return redirect(started.value if started.ok else run)


@require_POST
def run_publish(request: HttpRequest, run_pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, run_id=run_pk)
    published = attempt(
        request,
        lambda: services.match_run_publish(run, acting_user=request.user),
        success=lambda created: (
            ngettext(
                "%(n)d pair published; both partners get an email to accept or decline.",
                "%(n)d pairs published; everybody gets an email to accept or decline.",
                len(created),
            )
            % {"n": len(created)}
        ),
    )
    if not published.ok:
        return redirect(run)
    return redirect("pairing:mentorships", run.cohort_id)


def compare(request: HttpRequest) -> HttpResponse:
    try:
        a_id, b_id = int(request.GET["a"]), int(request.GET["b"])
    except (KeyError, ValueError) as exc:
        raise errors.NotFound(_("Choose two runs to compare.")) from exc
    a = selectors.run_get(user=request.user, run_id=a_id)
    b = selectors.run_get(user=request.user, run_id=b_id)
    comparison = selectors.run_compare(user=request.user, a=a, b=b)
    return render(
        request,
        "pairing/compare.html",
        {"comparison": comparison, "a": a, "b": b, "cohort": a.cohort, "program": a.cohort.program},
    )


def mentorships(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_pairing(user=request.user, cohort_id=cohort_pk)
    status = request.GET.get("status", "")
    if status not in Mentorship.Status.values:
        status = ""
    pairs = selectors.mentorships_of_cohort(user=request.user, cohort=cohort, status=status)
    page = paginate(request, pairs)
    return render(
        request,
        "pairing/mentorships.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "page": page,
            "status": status,
            "statuses": Mentorship.Status.choices,
            "query": query_without_page(request),
            "counts": selectors.pairing_counts(user=request.user, cohort=cohort),
            "end_form": EndForm(),
        },
    )


def mentorship_page(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_pk)
    side = permissions.side_of(request.user, mentorship)
    return render(
        request,
        "pairing/mentorship.html",
        {
            "m": mentorship,
            "cards": selectors.mentorship_cards(user=request.user, mentorships=[mentorship]),
            "is_manager": permissions.can_manage_pairing(request.user, mentorship.cohort),
            "side": side,
            "decline_form": ReasonForm(),
            "end_form": EndForm(),
        },
    )


def _next(request: HttpRequest, mentorship: Mentorship) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(mentorship)


@require_POST
def mentorship_accept(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_pk)
    return act(
        request,
        lambda: services.mentorship_accept(mentorship, acting_user=request.user),
        success=_("You accepted. The pair starts once both of you have."),
        then=_next(request, mentorship),
    )


@require_POST
def mentorship_decline(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.mentorship_decline(mentorship, reason=reason, acting_user=request.user),
        success=_("You declined. The program team will find you a new partner."),
        then=_next(request, mentorship),
    )


@require_POST
def mentorship_end(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly why the mentorship ends."))
        return _next(request, mentorship)
    return act(
        request,
        lambda: services.mentorship_end(
            mentorship, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        success=_("The mentorship has ended; both people can be re-matched."),
        then=_next(request, mentorship),
    )
