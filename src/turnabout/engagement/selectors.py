"""Reads of a pair's engagement, each scoped by `engagement.permissions`.

Anybody without the right to see a thing gets NotFound (404), so ids reveal nothing. The
other partner's session log is returned as a `PartnerLog` (outcome and topics only): the
rating and the comment never leave their author's own view.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnabout.accounts import permissions as roles
from turnabout.common.errors import NotFound
from turnabout.common.privacy import meets_floor, min_group_size
from turnabout.common.types import AnyUser
from turnabout.engagement import permissions
from turnabout.engagement.ics import zone_of
from turnabout.engagement.models import (
    Agreement,
    GoalEvent,
    GoalMilestone,
    LearningEntry,
    MentoringSession,
    PairGoal,
    Reflection,
    SessionLog,
    Side,
)
from turnabout.learning.models import ConversationGuide
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Program
from turnabout.programs.permissions import managed_programs_filter

GRACE_DAYS = 3


def employee_of(user: AnyUser) -> Employee | None:
    if not user.is_authenticated:
        return None
    try:
        employee: Employee = user.employee  # type: ignore[attr-defined]  # cached
    except Employee.DoesNotExist:
        return None
    return employee


def _pairs() -> QuerySet[Mentorship]:
    return Mentorship.objects.select_related(
        "cohort__program", "mentor__user", "mentee__user", "agreement"
    )


def my_pairs(*, user: AnyUser) -> QuerySet[Mentorship]:
    """The user's active and ended mentorships, active first, newest first."""
    me = employee_of(user)
    if me is None:
        return Mentorship.objects.none()
    return (
        _pairs()
        .filter(Q(mentor=me) | Q(mentee=me), status__in=permissions.READABLE_STATUSES)
        .order_by("status", "-activated_at", "-pk")
    )


def pair_get(*, user: AnyUser, mentorship_id: int) -> Mentorship:
    """A mentorship the user is a partner of (active or ended); 404 for everybody else."""
    mentorship = _pairs().filter(pk=mentorship_id).first()
    if mentorship is None or not permissions.can_view_pair(user, mentorship):
        raise NotFound(_("No such pair."))
    return mentorship


def pair_status_get(*, user: AnyUser, mentorship_id: int) -> Mentorship:
    """A mentorship whose status the user may see (partners and the program's managers)."""
    mentorship = _pairs().filter(pk=mentorship_id).first()
    if mentorship is None or not permissions.can_view_pair_status(user, mentorship):
        raise NotFound(_("No such pair."))
    return mentorship


@dataclass(frozen=True)
class AgreementStatus:
    """Whether a pair's agreement exists and who signed it (never its content)."""

    exists: bool
    mentor_signed: bool
    mentee_signed: bool
    signed: bool
    signed_at: datetime | None


def agreement_status(*, user: AnyUser, mentorship_id: int) -> tuple[Mentorship, AgreementStatus]:
    """The signature status of a pair's agreement, for its partners and managers."""
    mentorship = pair_status_get(user=user, mentorship_id=mentorship_id)
    agreement = Agreement.objects.filter(mentorship=mentorship).first()
    return mentorship, AgreementStatus(
        exists=agreement is not None,
        mentor_signed=bool(agreement and agreement.mentor_signed_at),
        mentee_signed=bool(agreement and agreement.mentee_signed_at),
        signed=bool(agreement and agreement.signed_at),
        signed_at=agreement.signed_at if agreement else None,
    )


def partner_of(mentorship: Mentorship, side: str) -> Employee:
    return mentorship.mentee if side == Side.MENTOR else mentorship.mentor


def cadence_days(mentorship: Mentorship) -> int:
    agreement = getattr(mentorship, "agreement", None) if _has_agreement(mentorship) else None
    if agreement is not None:
        return int(agreement.cadence_days)
    return int(mentorship.cohort.program.meeting_every_days)


def _has_agreement(mentorship: Mentorship) -> bool:
    try:
        mentorship.agreement  # noqa: B018 (a reverse one-to-one raises when missing)
    except Agreement.DoesNotExist:
        return False
    return True


def agreement_prefill(mentorship: Mentorship) -> Agreement:
    """A new, unsaved agreement with the program's frame filled in."""
    program = mentorship.cohort.program
    return Agreement(
        mentorship=mentorship,
        cadence_days=program.meeting_every_days,
        session_minutes=program.session_minutes,
        format=program.format,
        confidentiality=program.confidentiality,
        mentor_expectations=program.mentor_responsibilities,
        mentee_expectations=program.mentee_responsibilities,
    )


def agreement_of(mentorship: Mentorship) -> Agreement:
    """The pair's agreement, or the program's prefilled draft when none is saved yet."""
    if _has_agreement(mentorship):
        return mentorship.agreement
    return agreement_prefill(mentorship)


def goals_of_pair(mentorship: Mentorship) -> QuerySet[PairGoal]:
    return PairGoal.objects.filter(mentorship=mentorship).prefetch_related("milestones")


def goal_get(*, user: AnyUser, goal_id: int) -> PairGoal:
    goal = (
        PairGoal.objects.select_related("mentorship__cohort__program", "mentorship__mentor")
        .select_related("mentorship__mentee")
        .filter(pk=goal_id)
        .first()
    )
    if goal is None or not permissions.can_view_pair(user, goal.mentorship):
        raise NotFound(_("No such goal."))
    return goal


def goal_history(goal: PairGoal, *, limit: int = 50) -> list[GoalEvent]:
    return list(goal.history.select_related("actor").all()[:limit])


def milestone_get(*, user: AnyUser, milestone_id: int) -> GoalMilestone:
    milestone = (
        GoalMilestone.objects.select_related("goal__mentorship__cohort__program")
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None or not permissions.can_view_pair(user, milestone.goal.mentorship):
        raise NotFound(_("No such milestone."))
    return milestone


# --- Sessions ---------------------------------------------------------------------------


def _sessions() -> QuerySet[MentoringSession]:
    logs = SessionLog.objects.prefetch_related("topics").order_by("side")
    return MentoringSession.objects.select_related(
        "guide", "mentorship__cohort__program", "mentorship__mentor", "mentorship__mentee"
    ).prefetch_related(Prefetch("logs", queryset=logs))


def sessions_of_pair(mentorship: Mentorship) -> QuerySet[MentoringSession]:
    """Every session of the pair, newest first (callers paginate)."""
    return _sessions().filter(mentorship=mentorship).order_by("-starts_at", "-pk")


def session_get(*, user: AnyUser, session_id: int) -> MentoringSession:
    session = _sessions().filter(pk=session_id).first()
    if session is None or not permissions.can_view_pair(user, session.mentorship):
        raise NotFound(_("No such session."))
    return session


@dataclass(frozen=True)
class PartnerLog:
    """What a partner sees of the other's log: never the rating or the comment."""

    outcome: str
    outcome_label: str
    topics: list[str]
    other_topics: str


@dataclass(frozen=True)
class SessionView:
    session: MentoringSession
    side: str
    my_log: SessionLog | None
    partner_log: PartnerLog | None
    needs_my_log: bool

    @property
    def topics(self) -> list[str]:
        """Topics either partner logged (topics are shared; ratings are not)."""
        names = [t.name for t in self.my_log.topics.all()] if self.my_log else []
        if self.partner_log:
            names += self.partner_log.topics
        return sorted(set(names))


def session_view(
    session: MentoringSession, *, side: str, now: datetime | None = None
) -> SessionView:
    """One session as `side` sees it (uses the prefetched logs: no extra query)."""
    now = now or timezone.now()
    mine = partner = None
    for log in session.logs.all():
        if log.side == side:
            mine = log
        else:
            partner = PartnerLog(
                outcome=log.outcome,
                outcome_label=str(log.get_outcome_display()),
                topics=[t.name for t in log.topics.all()],
                other_topics=log.other_topics,
            )
    needs = (
        mine is None
        and session.status == MentoringSession.Status.SCHEDULED
        and session.starts_at <= now
    )
    return SessionView(
        session=session, side=side, my_log=mine, partner_log=partner, needs_my_log=needs
    )


def next_session(mentorship: Mentorship, *, now: datetime | None = None) -> MentoringSession | None:
    now = now or timezone.now()
    return (
        MentoringSession.objects.filter(
            mentorship=mentorship,
            status=MentoringSession.Status.SCHEDULED,
            starts_at__gte=now - timedelta(minutes=30),
        )
        .select_related("guide")
        .order_by("starts_at", "pk")
        .first()
    )


def guides_for(program: Program) -> QuerySet[ConversationGuide]:
    return ConversationGuide.objects.filter(program=program, retired_at__isnull=True).order_by(
        "position", "pk"
    )


# --- Learning and reflections ------------------------------------------------------------


def learning_of_pair(mentorship: Mentorship) -> QuerySet[LearningEntry]:
    """Both sides of the pair's learning log, newest first (the pair sees both sides)."""
    return (
        LearningEntry.objects.filter(mentorship=mentorship)
        .select_related("author")
        .prefetch_related("skills")
        .order_by("-created_at", "-pk")
    )


def reflections_of_user(*, user: AnyUser) -> QuerySet[Reflection]:
    """The user's own private reflections: the only way reflections are ever read."""
    if not user.is_authenticated:
        return Reflection.objects.none()
    return (
        Reflection.objects.filter(author_id=user.pk)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .order_by("-created_at", "-pk")
    )


def reflection_get(*, user: AnyUser, reflection_id: int) -> Reflection:
    reflection = reflections_of_user(user=user).filter(pk=reflection_id).first()
    if reflection is None:
        raise NotFound(_("No such reflection."))
    return reflection


# --- Home page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    label: str
    url: str


@dataclass
class PairSummary:
    mentorship: Mentorship
    side: str
    partner: Employee
    agreement: Agreement
    next_session: MentoringSession | None
    goals: list[PairGoal]
    recent_learning: list[LearningEntry]
    steps: list[NextStep] = field(default_factory=list)

    @property
    def me_signed(self) -> bool:
        return self.agreement.signed_by(self.side)

    @property
    def partner_signed(self) -> bool:
        other = Side.MENTEE if self.side == Side.MENTOR else Side.MENTOR
        return self.agreement.signed_by(other)


def _steps(
    summary: PairSummary, *, unlogged: list[MentoringSession], now: datetime, zone: ZoneInfo
) -> list[NextStep]:
    m = summary.mentorship
    steps: list[NextStep] = []
    agreement_url = reverse("engagement:agreement", args=[m.pk])
    if summary.agreement.pk is None or not summary.goals:
        steps.append(NextStep(_("Fill in your agreement together, with 1-3 goals"), agreement_url))
    elif not summary.me_signed:
        steps.append(NextStep(_("Read and sign your agreement"), agreement_url))
    elif not summary.partner_signed:
        steps.append(
            NextStep(
                _("Waiting for %(name)s to sign the agreement")
                % {"name": summary.partner.first_name},
                agreement_url,
            )
        )
    for session in unlogged[:2]:
        steps.append(
            NextStep(
                _("Log how your session on %(day)s went")
                % {"day": f"{session.starts_at.astimezone(zone):%-d %b}"},
                reverse("engagement:session_log", args=[session.pk]),
            )
        )
    if summary.next_session is None:
        steps.append(
            NextStep(
                ngettext(
                    "Schedule your next session (you meet every day)",
                    "Schedule your next session (you meet every %(n)d days)",
                    cadence_days(m),
                )
                % {"n": cadence_days(m)},
                reverse("engagement:session_new", args=[m.pk]),
            )
        )
    open_goals = [g for g in summary.goals if g.status in ("not_started", "in_progress")]
    stale = [g for g in open_goals if g.updated_at < now - timedelta(days=21)]
    if stale:
        steps.append(
            NextStep(
                _("Update the progress of “%(goal)s”") % {"goal": stale[0].title},
                stale[0].get_absolute_url(),
            )
        )
    if not summary.recent_learning or summary.recent_learning[0].created_at < now - timedelta(
        days=30
    ):
        steps.append(
            NextStep(
                _("Note something you learned from %(name)s")
                % {"name": summary.partner.first_name},
                reverse("engagement:learning", args=[m.pk]),
            )
        )
    return steps


def home_summaries(
    *, user: AnyUser, now: datetime | None = None, limit: int = 3
) -> list[PairSummary]:
    """The participant home page: each active pair with what to do next (bounded queries)."""
    now = now or timezone.now()
    me = employee_of(user)
    if me is None:
        return []
    pairs = list(my_pairs(user=user).filter(status=Mentorship.Status.ACTIVE)[:limit])
    summaries = []
    for m in pairs:
        side = Side.MENTOR if m.mentor_id == me.pk else Side.MENTEE
        unlogged = list(
            MentoringSession.objects.filter(
                mentorship=m,
                status=MentoringSession.Status.SCHEDULED,
                starts_at__lte=now,
                starts_at__gte=now - timedelta(days=60),
            )
            .exclude(logs__side=side)
            .order_by("-starts_at")[:3]
        )
        summary = PairSummary(
            mentorship=m,
            side=side,
            partner=partner_of(m, side),
            agreement=agreement_of(m),
            next_session=next_session(m, now=now),
            goals=list(goals_of_pair(m)),
            recent_learning=list(learning_of_pair(m)[:3]),
        )
        summary.steps = _steps(summary, unlogged=unlogged, now=now, zone=zone_of(me))
        summaries.append(summary)
    return summaries


# --- Program view (managers, sponsors) -------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    """A manager's row: status only, never the agreement's content or private notes."""

    mentorship: Mentorship
    agreement_signed: bool
    held: int
    cancelled: int
    no_shows: int
    last_held: datetime | None
    stalled: bool


@dataclass
class ProgramEngagement:
    """A program's figures. Below the privacy floor of active pairs (`shown` False) every
    figure but the number of pairs is None and there are no tags: with two pairs, "3
    learning entries by mentors" is about two people."""

    program: Program
    pairs: int
    agreements_signed: int | None
    held: int | None
    cancelled: int | None
    no_shows: int | None
    learning_by_side: dict[str, int | None]
    tags: list[tuple[str, int]]
    stalled: int | None = None  # for managers only: pairs stalled (counted in SQL)
    shown: bool = True
    minimum: int = 0


def engaged_programs(*, user: AnyUser) -> QuerySet[Program]:
    """Programs whose engagement figures the user may see."""
    if roles.is_sponsor(user) or roles.is_org_admin(user):
        return Program.objects.all().order_by("name")
    return Program.objects.filter(managed_programs_filter(user)).distinct().order_by("name")


def program_get(*, user: AnyUser, program_id: int) -> Program:
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not permissions.can_view_program_engagement(user, program):
        raise NotFound(_("No such program."))
    return program


def is_stalled(
    *, last_held: datetime | None, activated_at: datetime | None, cadence: int, now: datetime
) -> bool:
    """No session held for two cadence periods (counted from activation when none yet)."""
    reference = last_held or activated_at
    return reference is not None and now - reference > timedelta(days=2 * cadence)


def program_engagement(
    *, user: AnyUser, program: Program, now: datetime | None = None, with_rows: bool = True
) -> ProgramEngagement:
    """Counts and tags for a program; per-pair status rows for its managers only.

    A fixed number of queries whatever the number of pairs.
    """
    if not permissions.can_view_program_engagement(user, program):
        raise NotFound(_("No such program."))
    now = now or timezone.now()
    pairs = Mentorship.objects.filter(cohort__program=program, status=Mentorship.Status.ACTIVE)
    signed = Agreement.objects.filter(mentorship__in=pairs, signed_at__isnull=False).count()
    outcomes = Counter(
        dict(
            MentoringSession.objects.filter(mentorship__in=pairs)
            .exclude(outcome="")
            .values_list("outcome")
            .annotate(n=Count("pk"))
            .values_list("outcome", "n")
        )
    )
    learning = LearningEntry.objects.filter(mentorship__in=pairs)
    by_side = Counter(
        dict(learning.values_list("side").annotate(n=Count("pk")).values_list("side", "n"))
    )
    tags = list(
        LearningEntry.skills.through.objects.filter(learningentry__in=learning)
        .values_list("skill__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "skill__name")  # type: ignore[misc]
        .values_list("skill__name", "n")[:20]
    )
    pair_count = pairs.count()
    shown = meets_floor(pair_count)
    result = ProgramEngagement(
        program=program,
        pairs=pair_count,
        agreements_signed=signed if shown else None,
        held=outcomes.get("held", 0) if shown else None,
        cancelled=outcomes.get("cancelled", 0) if shown else None,
        no_shows=outcomes.get("no_show", 0) if shown else None,
        learning_by_side={
            Side.MENTOR: by_side.get("mentor", 0) if shown else None,
            Side.MENTEE: by_side.get("mentee", 0) if shown else None,
        },
        # Tags count entries, not people: a tag used fewer times than the floor is left out.
        tags=[(name, n) for name, n in tags if meets_floor(n)] if shown else [],
        shown=shown,
        minimum=min_group_size(),
    )
    if with_rows and permissions.can_view_pair_list(user, program):
        result.stalled = stalled_pair_count(pairs=pairs, program=program, now=now)
    return result


def engagement_pairs(*, user: AnyUser, program: Program) -> QuerySet[Mentorship]:
    """A program's active pairs for its managers' status table, in a stable order (mentee's
    name, then id: the keyset of the table's pages). Count and page it; `pair_rows` then
    adds the figures of one page."""
    if not permissions.can_view_pair_list(user, program):
        raise NotFound(_("No such program."))
    return (
        Mentorship.objects.filter(cohort__program=program, status=Mentorship.Status.ACTIVE)
        .select_related("mentor", "mentee")
        .order_by(*ENGAGEMENT_ORDER)
    )


ENGAGEMENT_ORDER = ("mentee__last_name", "mentee__first_name", "pk")


def _last_held() -> Subquery:
    return Subquery(
        MentoringSession.objects.filter(
            mentorship=OuterRef("pk"), outcome=MentoringSession.Outcome.HELD
        )
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )


def stalled_pair_count(*, pairs: QuerySet[Mentorship], program: Program, now: datetime) -> int:
    """How many of `pairs` are stalled (see `is_stalled`), counted in SQL.

    The cadence is the agreement's or the program's: one condition per distinct cadence
    (a handful), so no date arithmetic differs between SQLite and PostgreSQL.
    """
    default = program.meeting_every_days
    cadences = set(
        Agreement.objects.filter(mentorship__in=pairs)
        .order_by()
        .values_list("cadence_days", flat=True)
        .distinct()
    ) | {default}
    stalled = Q()
    for cadence in sorted(cadences):
        stalled |= Q(cadence=cadence, reference__lt=now - timedelta(days=2 * cadence))
    return (
        pairs.annotate(
            reference=Coalesce(_last_held(), "activated_at"),
            cadence=Coalesce("agreement__cadence_days", Value(default)),
        )
        .filter(stalled)
        .count()
    )


def pair_rows(*, pairs: Iterable[Mentorship], now: datetime) -> list[PairRow]:
    """The status rows of the given pairs (one page of them), in their order: one grouped
    query for the session figures of those pairs only."""
    pairs = list(pairs)
    held = Q(sessions__outcome=MentoringSession.Outcome.HELD)
    figures = {
        m.pk: m
        for m in Mentorship.objects.filter(pk__in=[p.pk for p in pairs])
        .select_related("agreement", "cohort__program")
        .annotate(
            held=Count("sessions", filter=held),
            cancelled_n=Count("sessions", filter=Q(sessions__outcome="cancelled")),
            no_shows=Count("sessions", filter=Q(sessions__outcome="no_show")),
            last_held=Max("sessions__starts_at", filter=held),
        )
    }
    rows = []
    for pair in pairs:
        m = figures[pair.pk]
        agreement = m.agreement if _has_agreement(m) else None
        cadence = agreement.cadence_days if agreement else m.cohort.program.meeting_every_days
        rows.append(
            PairRow(
                mentorship=pair,
                agreement_signed=bool(agreement and agreement.is_signed),
                held=m.held,
                cancelled=m.cancelled_n,
                no_shows=m.no_shows,
                last_held=m.last_held,
                stalled=is_stalled(
                    last_held=m.last_held,
                    activated_at=m.activated_at,
                    cadence=cadence,
                    now=now,
                ),
            )
        )
    return rows
