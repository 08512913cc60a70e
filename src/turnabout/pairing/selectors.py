"""Reads of runs, proposals and mentorships, each scoped by `pairing.permissions`.

Managers of another program, and anybody else without a right to see a thing, get
NotFound (404), so that ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.privacy import suppress_counts
from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.pairing import adapter, permissions
from turnabout.pairing.adapter import CRITERIA
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
        Proposal.objects.select_related(
            "run__cohort__program", "mentor_application__person", "mentee_application__person"
        )
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not permissions.can_manage_pairing(user, proposal.run.cohort):
        raise NotFound(_("No such proposal."))
    return proposal


def proposal_filter(
    *,
    user: AnyUser,
    run: MatchRun,
    filters: Mapping[str, Any] | None = None,
    form: bool = True,
) -> ProposalFilter:
    """A run's proposals with both people, filtered and sorted by `filters` (query
    parameters); a fixed number of queries. Its `.form` is the run page's filter form;
    `form=False` (no filters, no form to show) skips reading the form's choices."""
    if not permissions.can_manage_pairing(user, run.cohort):
        raise NotFound(_("No such match run."))
    qs = Proposal.objects.filter(run=run).select_related(
        "mentor_application__person", "mentee_application__person"
    )
    choices: dict[str, list[Any]] = {"departments": [], "levels": []}
    if form or filters:
        choices = review_filter_choices(run=run)
    return ProposalFilter(
        filters or None, queryset=qs, departments=choices["departments"], levels=choices["levels"]
    )


def proposals_for_review(
    *, user: AnyUser, run: MatchRun, filters: Mapping[str, Any] | None = None
) -> QuerySet[Proposal]:
    return proposal_filter(user=user, run=run, filters=filters, form=False).filtered


def unmatched_of_run(*, user: AnyUser, run: MatchRun) -> QuerySet[UnmatchedEntry]:
    if not permissions.can_manage_pairing(user, run.cohort):
        raise NotFound(_("No such match run."))
    return (
        UnmatchedEntry.objects.filter(run=run)
        .select_related("application__person")
        .order_by("application__role", "application__person__last_name", "pk")
    )


def review_filter_choices(*, run: MatchRun) -> dict[str, list[Any]]:
    """The departments and levels of a run's people (distinct, in SQL: a few rows)."""
    people = Application.objects.filter(
        Q(pk__in=Proposal.objects.filter(run=run).values("mentor_application_id"))
        | Q(pk__in=Proposal.objects.filter(run=run).values("mentee_application_id"))
    ).order_by()
    departments = sorted(
        d for d in people.values_list("person__department", flat=True).distinct() if d
    )
    levels = sorted(people.values_list("person__level", flat=True).distinct())
    return {"departments": departments, "levels": levels, "criteria": list(CRITERIA)}


def pairable_applications(*, user: AnyUser, run: MatchRun) -> QuerySet[Application]:
    """Accepted mentors and mentees of the run's cohort, for the "pair by hand" form."""
    if not permissions.can_manage_pairing(user, run.cohort):
        raise NotFound(_("No such match run."))
    return (
        Application.objects.filter(cohort_id=run.cohort_id, status=Application.Status.ACCEPTED)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


PERSON_SEARCH_LIMIT = 10


def pairable_search(
    *, user: AnyUser, run: MatchRun, role: str, query: str, limit: int = PERSON_SEARCH_LIMIT
) -> list[Application]:
    """The first few accepted people of one role whose name, email or employee id contains
    `query` (the hand-pairing search field); nothing for a blank query."""
    query = query.strip()
    if not query:
        return []
    words = Q()
    for word in query.split()[:4]:
        words &= (
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
            | Q(person__employee_id__iexact=word)
        )
    return list(pairable_applications(user=user, run=run).filter(words, role=role)[:limit])


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
    *, user: AnyUser, run: MatchRun, mentor_application_id: int, mentee_application_id: int
) -> PairPreview | None:
    """Check a pair before a manager makes it by hand; None when either person is not an
    accepted participant of the run's cohort."""
    people = pairable_applications(user=user, run=run)
    mentor = people.filter(pk=mentor_application_id, role=ParticipantRole.MENTOR).first()
    mentee = people.filter(pk=mentee_application_id, role=ParticipantRole.MENTEE).first()
    if mentor is None or mentee is None:
        return None
    taken = (
        run.proposals.filter(mentee_application=mentee)
        .select_related("mentor_application__person")
        .first()
    )
    check = adapter.pair_violations(
        run.cohort, config=run.config, mentor_application=mentor, mentee_application=mentee
    )
    return PairPreview(
        score=check.score,
        reasons=list(check.reasons),
        violations=list(check.violations),
        taken_by=taken.mentor_application.person.full_name if taken else "",
    )


def _last_first(person: Employee) -> tuple[str, str]:
    return (person.last_name, person.first_name)


@dataclass(frozen=True)
class PairChange:
    mentee_application: Application
    mentor_application_a: Application | None
    mentor_application_b: Application | None
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
    people = ("mentor_application__person", "mentee_application__person")
    pairs_a = {
        p.mentee_application_id: p for p in Proposal.objects.filter(run=a).select_related(*people)
    }
    pairs_b = {
        p.mentee_application_id: p for p in Proposal.objects.filter(run=b).select_related(*people)
    }
    same = 0
    changes: list[PairChange] = []
    for mentee_id in sorted(set(pairs_a) | set(pairs_b)):
        pa, pb = pairs_a.get(mentee_id), pairs_b.get(mentee_id)
        if pa and pb and pa.mentor_application_id == pb.mentor_application_id:
            same += 1
            continue
        mentee = (pa or pb).mentee_application  # type: ignore[union-attr]
        changes.append(
            PairChange(
                mentee_application=mentee,
                mentor_application_a=pa.mentor_application if pa else None,
                mentor_application_b=pb.mentor_application if pb else None,
                score_a=pa.score if pa else None,
                score_b=pb.score if pb else None,
            )
        )
    changes.sort(key=lambda c: _last_first(c.mentee_application.person))
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


def waiting_for_partner(
    *, user: AnyUser, cohort: Cohort, role: str | None = None
) -> QuerySet[Application]:
    """Accepted people without a live pair (mentors: below capacity), longest waiting first.
    People who left the company are not waiting.

    One query, filtered, counted and ordered in SQL so a page of it stays small at any
    cohort size: the live load and the last time a pair ended are correlated subqueries
    (served by the mentorship indexes on the application columns).
    """
    if not permissions.can_manage_pairing(user, cohort):
        raise NotFound(_("No such cohort."))
    live = Mentorship.objects.filter(status__in=LIVE_STATUSES)
    freed = Mentorship.objects.filter(
        status__in=[Mentorship.Status.DECLINED, Mentorship.Status.ENDED], ended_at__isnull=False
    )

    def _count(qs: QuerySet[Mentorship], column: str) -> Subquery:
        return Subquery(
            qs.filter(**{column: OuterRef("pk")})
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        )

    def _last_ended(column: str) -> Subquery:
        return Subquery(
            freed.filter(**{column: OuterRef("pk")}).order_by("-ended_at").values("ended_at")[:1]
        )

    since = Coalesce("decided_at", "created_at")
    apps = (
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
        .exclude(person__status=Employee.Status.TERMINATED)
        .annotate(
            live_as_mentor=Coalesce(_count(live, "mentor_application"), 0),
            live_as_mentee=Coalesce(_count(live, "mentee_application"), 0),
            accepted_since=since,
            # Greatest() is NULL on SQLite when one side is NULL: coalesce both sides.
            waiting_since=Greatest(
                since,
                Coalesce(_last_ended("mentor_application"), since),
                Coalesce(_last_ended("mentee_application"), since),
            ),
        )
        .filter(
            Q(role=ParticipantRole.MENTOR, live_as_mentor__lt=F("capacity"))
            | Q(role=ParticipantRole.MENTEE, live_as_mentee=0)
        )
        .select_related("person")
        .order_by("waiting_since", "person__last_name", "pk")
    )
    if role:
        apps = apps.filter(role=role)
    return apps


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
    found = dict(
        Mentorship.objects.filter(cohort=cohort)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_status: dict[str, int | None] = {
        status: found.get(status, 0) for status in Mentorship.Status.values
    }
    floored = not permissions.can_manage_pairing(user, cohort)
    if floored:
        by_status = dict(suppress_counts({k: found.get(k, 0) for k in by_status}))
    runs = MatchRun.objects.filter(cohort=cohort).aggregate(
        all=Count("pk"), published=Count("pk", filter=Q(published_at__isnull=False))
    )
    return PairingCounts(
        runs=runs["all"],
        published_runs=runs["published"],
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
