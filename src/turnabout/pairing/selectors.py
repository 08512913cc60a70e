"""Reads of runs, proposals and mentorships, each scoped by `pairing.permissions`.

Managers of another program, and anybody else without a right to see a thing, get
NotFound (404), so that ids reveal nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.privacy import suppress_counts
from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.pairing import adapter, permissions
from turnabout.pairing.adapter import CRITERIA, waiting_days
from turnabout.pairing.filters import ProposalFilter
from turnabout.pairing.models import (
    LIVE_STATUSES,
    MatchRun,
    Mentorship,
    PairExclusion,
    Proposal,
    UnmatchedEntry,
)
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase, Program
from turnabout.programs.permissions import managed_programs_filter

SORTS = ("-score", "score", "mentee", "mentor", "criterion")


def cohort_for_pairing(*, user: AnyUser, cohort_id: int) -> Cohort:
    """A cohort whose pairing `user` manages; 404 for everybody else."""
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None or not permissions.can_manage_pairing(user, cohort):
        raise NotFound(_("No such cohort."))
    return cohort


def cohort_for_counts(*, user: AnyUser, cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None or not permissions.can_view_counts(user, cohort):
        raise NotFound(_("No such cohort."))
    return cohort


def managed_cohorts(*, user: AnyUser) -> QuerySet[Cohort]:
    """Cohorts whose pairing `user` manages, in or after the matching phase."""
    programs = Program.objects.filter(managed_programs_filter(user))
    return (
        Cohort.objects.filter(
            program__in=programs,
            phase__in=[Phase.MATCHING, Phase.MATCHED, Phase.ACTIVE, Phase.WRAPPING_UP],
        )
        .select_related("program")
        .order_by("program__name", "-starts_on", "pk")
    )


def run_get(*, user: AnyUser, run_id: int) -> MatchRun:
    run = MatchRun.objects.select_related("cohort__program", "created_by").filter(pk=run_id).first()
    if run is None or not permissions.can_manage_pairing(user, run.cohort):
        raise NotFound(_("No such match run."))
    return run


def runs_of_cohort(*, user: AnyUser, cohort: Cohort) -> QuerySet[MatchRun]:
    if not permissions.can_manage_pairing(user, cohort):
        raise NotFound(_("No such cohort."))
    return MatchRun.objects.filter(cohort=cohort).select_related("created_by").order_by("-number")


def proposal_get(*, user: AnyUser, proposal_id: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("run__cohort__program", "mentor__person", "mentee__person")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not permissions.can_manage_pairing(user, proposal.run.cohort):
        raise NotFound(_("No such proposal."))
    return proposal


def proposal_filter(
    *, user: AnyUser, run: MatchRun, filters: Mapping[str, Any] | None = None
) -> ProposalFilter:
    """A run's proposals with both people, filtered and sorted by `filters` (query
    parameters); a fixed number of queries. Its `.form` is the run page's filter form."""
    if not permissions.can_manage_pairing(user, run.cohort):
        raise NotFound(_("No such match run."))
    qs = Proposal.objects.filter(run=run).select_related("mentor__person", "mentee__person")
    choices = review_filter_choices(run=run)
    return ProposalFilter(
        filters or None, queryset=qs, departments=choices["departments"], levels=choices["levels"]
    )


def proposals_for_review(
    *, user: AnyUser, run: MatchRun, filters: Mapping[str, Any] | None = None
) -> QuerySet[Proposal]:
    return proposal_filter(user=user, run=run, filters=filters).filtered


def unmatched_of_run(*, user: AnyUser, run: MatchRun) -> QuerySet[UnmatchedEntry]:
    if not permissions.can_manage_pairing(user, run.cohort):
        raise NotFound(_("No such match run."))
    return (
        UnmatchedEntry.objects.filter(run=run)
        .select_related("application__person")
        .order_by("application__role", "application__person__last_name", "pk")
    )


def review_filter_choices(*, run: MatchRun) -> dict[str, list[Any]]:
    people = Application.objects.filter(
        Q(pk__in=Proposal.objects.filter(run=run).values("mentor_id"))
        | Q(pk__in=Proposal.objects.filter(run=run).values("mentee_id"))
    ).values_list("person__department", "person__level")
    departments = sorted({d for d, _level in people if d})
    levels = sorted({level for _d, level in people})
    return {"departments": departments, "levels": levels, "criteria": list(CRITERIA)}


def pairable_applications(*, user: AnyUser, run: MatchRun) -> dict[str, list[Application]]:
    """Accepted mentors and mentees of the run's cohort, for the "pair by hand" form."""
    if not permissions.can_manage_pairing(user, run.cohort):
        raise NotFound(_("No such match run."))
    apps = (
        Application.objects.filter(cohort_id=run.cohort_id, status=Application.Status.ACCEPTED)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    return {
        "mentors": [a for a in apps if a.role == ParticipantRole.MENTOR],
        "mentees": [a for a in apps if a.role == ParticipantRole.MENTEE],
    }


def run_settings_of(*, cohort: Cohort) -> dict[str, Any]:
    """The program's matching settings, completed with the engine's defaults (the run
    settings form starts from them)."""
    return adapter.config_mapping(cohort.program.matching_settings)


@dataclass(frozen=True)
class PairPreview:
    """What a hand-made pair would be: its score, reasons and broken hard constraints (as
    codes with parameters), and who the mentee is paired with already in the run."""

    score: float
    reasons: list[Any]
    violations: list[Any]
    taken_by: str


def pair_check(
    *, user: AnyUser, run: MatchRun, mentor_id: int, mentee_id: int
) -> PairPreview | None:
    """Check a pair before a manager makes it by hand; None when either person is not an
    accepted participant of the run's cohort."""
    people = pairable_applications(user=user, run=run)
    mentor = next((a for a in people["mentors"] if a.pk == mentor_id), None)
    mentee = next((a for a in people["mentees"] if a.pk == mentee_id), None)
    if mentor is None or mentee is None:
        return None
    taken = run.proposals.filter(mentee=mentee).select_related("mentor__person").first()
    check = adapter.pair_violations(
        run.cohort, config=run.config, mentor_application=mentor, mentee_application=mentee
    )
    return PairPreview(
        score=check.score,
        reasons=list(check.reasons),
        violations=list(check.violations),
        taken_by=taken.mentor.person.full_name if taken else "",
    )


@dataclass(frozen=True)
class PairChange:
    mentee: Application
    mentor_a: Application | None
    mentor_b: Application | None
    score_a: float | None
    score_b: float | None


@dataclass(frozen=True)
class Comparison:
    a: MatchRun
    b: MatchRun
    same: int
    changes: list[PairChange] = field(default_factory=list)


def run_compare(*, user: AnyUser, a: MatchRun, b: MatchRun) -> Comparison:
    """Two runs of one cohort side by side: their figures and the mentees whose pair differs."""
    if not permissions.can_manage_pairing(user, a.cohort) or a.cohort_id != b.cohort_id:
        raise NotFound(_("No such match run."))
    pairs_a = {
        p.mentee_id: p
        for p in Proposal.objects.filter(run=a).select_related("mentor__person", "mentee__person")
    }
    pairs_b = {
        p.mentee_id: p
        for p in Proposal.objects.filter(run=b).select_related("mentor__person", "mentee__person")
    }
    same = 0
    changes: list[PairChange] = []
    for mentee_id in sorted(set(pairs_a) | set(pairs_b)):
        pa, pb = pairs_a.get(mentee_id), pairs_b.get(mentee_id)
        if pa is not None and pb is not None and pa.mentor_id == pb.mentor_id:
            same += 1
            continue
        mentee = (pa or pb).mentee  # type: ignore[union-attr]
        changes.append(
            PairChange(
                mentee=mentee,
                mentor_a=pa.mentor if pa else None,
                mentor_b=pb.mentor if pb else None,
                score_a=pa.score if pa else None,
                score_b=pb.score if pb else None,
            )
        )
    changes.sort(key=lambda c: (c.mentee.person.last_name, c.mentee.person.first_name))
    return Comparison(a=a, b=b, same=same, changes=changes)


# --- Mentorships ------------------------------------------------------------------------


def _employee_of(user: AnyUser) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.filter(user_id=user.pk).first()


def mentorships_of_user(*, user: AnyUser) -> QuerySet[Mentorship]:
    """The signed-in person's own mentorships (as mentor or mentee), newest first."""
    me = _employee_of(user)
    if me is None:
        return Mentorship.objects.none()
    return (
        Mentorship.objects.filter(Q(mentor=me) | Q(mentee=me))
        .select_related(
            "cohort__program", "mentor", "mentee", "mentor_application", "mentee_application"
        )
        .order_by("-created_at", "-pk")
    )


def mentorships_of_cohort(
    *, user: AnyUser, cohort: Cohort, status: str = ""
) -> QuerySet[Mentorship]:
    if not permissions.can_manage_pairing(user, cohort):
        raise NotFound(_("No such cohort."))
    qs = Mentorship.objects.filter(cohort=cohort).select_related(
        "cohort__program", "mentor", "mentee", "run"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("mentee__last_name", "mentee__first_name", "-created_at", "pk")


def mentorship_get(*, user: AnyUser, mentorship_id: int) -> Mentorship:
    mentorship = (
        Mentorship.objects.select_related(
            "cohort__program",
            "mentor__manager",
            "mentee__manager",
            "mentor_application",
            "mentee_application",
        )
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None or not permissions.can_view_mentorship(user, mentorship):
        raise NotFound(_("No such mentorship."))
    return mentorship


def mentorship_get_to_answer(*, user: AnyUser, mentorship_id: int) -> Mentorship:
    """A mentorship the user may accept, decline or end (its partners and managers); any
    other visible mentorship is not found for them."""
    mentorship = mentorship_get(user=user, mentorship_id=mentorship_id)
    if not permissions.can_end(user, mentorship):
        raise NotFound(_("No such mentorship."))
    return mentorship


@dataclass(frozen=True)
class PartnerSummary:
    """What a partner sees of the other: a profile summary, never scores or HR data."""

    name: str
    title: str
    department: str
    location: str
    timezone: str
    role: str
    topics: list[str]
    interests: list[str]
    goals: str
    formats: list[str]
    availability: list[str]
    languages: list[str]
    email: str


def partner_summary(mentorship: Mentorship, *, side: str) -> PartnerSummary:
    """The other person's profile summary for `side` ("mentor" or "mentee")."""
    if side == "mentor":
        person, app, role = mentorship.mentee, mentorship.mentee_application, "mentee"
        topics = list(app.wants)
    else:
        person, app, role = mentorship.mentor, mentorship.mentor_application, "mentor"
        topics = list(app.skills)
    active = mentorship.status == Mentorship.Status.ACTIVE
    return PartnerSummary(
        name=person.full_name,
        title=person.title,
        department=person.department,
        location=person.location,
        timezone=person.timezone,
        role=role,
        topics=topics,
        interests=list(app.interests),
        goals=app.goals,
        formats=list(app.formats),
        availability=list(app.availability),
        languages=list(app.languages),
        email=person.email if active else "",
    )


def mentorship_cards(*, user: AnyUser, mentorships: Iterable[Mentorship]) -> list[dict[str, Any]]:
    """The user's side of each mentorship they are a partner in: the partner as they may see
    them and whether they have accepted yet (others' mentorships are left out)."""
    cards = []
    for mentorship in mentorships:
        side = permissions.side_of(user, mentorship)
        if side is None:
            continue
        cards.append(
            {
                "m": mentorship,
                "side": side,
                "partner": partner_summary(mentorship, side=side),
                "i_accepted": mentorship.accepted_by(side),
            }
        )
    return cards


def waiting_for_partner(*, user: AnyUser, cohort: Cohort) -> list[Application]:
    """Accepted people without a live pair (mentors: below capacity), longest waiting first.
    People who left the company are not waiting."""
    if not permissions.can_manage_pairing(user, cohort):
        raise NotFound(_("No such cohort."))
    apps = list(
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
        .exclude(person__status=Employee.Status.TERMINATED)
        .select_related("person")
        .order_by("decided_at", "pk")
    )
    live = Mentorship.objects.filter(cohort=cohort, status__in=LIVE_STATUSES)
    mentor_load = Counter(live.values_list("mentor_application_id", flat=True))
    mentees_paired = set(live.values_list("mentee_application_id", flat=True))
    free = [
        a
        for a in apps
        if (a.role == ParticipantRole.MENTOR and mentor_load[a.pk] < a.capacity)
        or (a.role == ParticipantRole.MENTEE and a.pk not in mentees_paired)
    ]
    days = waiting_days(cohort, free)
    return sorted(free, key=lambda a: (-days.get(a.pk, 0), a.person.last_name, a.pk))


@dataclass(frozen=True)
class PairingCounts:
    """Aggregates only: what a sponsor may see (through the privacy floor; the program's
    managers see every pair anyway and get the exact counts)."""

    runs: int
    published_runs: int
    proposed: int | None
    active: int | None
    declined: int | None
    ended: int | None
    floored: bool = False


def pairing_counts(*, user: AnyUser, cohort: Cohort) -> PairingCounts:
    if not permissions.can_view_counts(user, cohort):
        raise PermissionDenied(_("Only this program's managers and sponsors see the counts."))
    found = Counter(Mentorship.objects.filter(cohort=cohort).values_list("status", flat=True))
    by_status: dict[str, int | None] = {
        status: found[status] for status in Mentorship.Status.values
    }
    floored = not permissions.can_manage_pairing(user, cohort)
    if floored:
        by_status = dict(suppress_counts({k: found[k] for k in by_status}))
    runs = MatchRun.objects.filter(cohort=cohort)
    return PairingCounts(
        runs=runs.count(),
        published_runs=runs.filter(published_at__isnull=False).count(),
        proposed=by_status[Mentorship.Status.PROPOSED],
        active=by_status[Mentorship.Status.ACTIVE],
        declined=by_status[Mentorship.Status.DECLINED],
        ended=by_status[Mentorship.Status.ENDED],
        floored=floored,
    )


def exclusions_of_cohort(*, user: AnyUser, cohort: Cohort) -> QuerySet[PairExclusion]:
    if not permissions.can_manage_pairing(user, cohort):
        raise NotFound(_("No such cohort."))
    return PairExclusion.objects.filter(cohort=cohort).select_related("mentor", "mentee")
