"""Reads of the insights app, each scoped to what the user may see.

Dashboards aggregate in SQL: the number of queries of a dashboard does not grow with the
number of pairs, sessions or people (a test pins it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts import permissions as roles
from turnabout.common.errors import NotFound
from turnabout.common.privacy import meets_floor, suppress_chain, suppress_counts
from turnabout.common.types import AnyUser
from turnabout.engagement.models import Agreement, LearningEntry, MentoringSession, PairGoal
from turnabout.enrollment.models import Application
from turnabout.insights import health, metrics, permissions, sources
from turnabout.insights.models import (
    HEALTH_ORDER,
    CheckInNote,
    CohortRollup,
    HealthState,
    KpiSnapshot,
    PairHealth,
    RematchOffer,
    SignalSnooze,
)
from turnabout.insights.services import cohort_rollups_take, kpi_snapshots_take
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Cohort, Objective, Phase, Program, SurveyDailyCount
from turnabout.programs.permissions import managed_programs_filter

# --- Lookups -----------------------------------------------------------------------------


def program_get(*, user: AnyUser, program_id: int) -> Program:
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not permissions.can_view_insights(user, program):
        raise NotFound(_("No such program."))
    return program


def cohort_get(*, user: AnyUser, cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None or not permissions.can_view_insights(user, cohort.program):
        raise NotFound(_("No such cohort."))
    return cohort


def objective_get(*, user: AnyUser, objective_id: int) -> Objective:
    objective = Objective.objects.select_related("program").filter(pk=objective_id).first()
    if objective is None or not permissions.can_view_insights(user, objective.program):
        raise NotFound(_("No such objective."))
    return objective


def pair_get_for_manager(*, user: AnyUser, pair_id: int) -> Mentorship:
    pair = (
        Mentorship.objects.select_related("cohort__program", "mentor", "mentee")
        .filter(pk=pair_id)
        .first()
    )
    if pair is None or not permissions.can_view_pairs(user, pair.cohort.program):
        raise NotFound(_("No such pair."))
    return pair


def programs_visible(*, user: AnyUser) -> QuerySet[Program]:
    if roles.is_sponsor(user) or roles.is_org_admin(user):
        return Program.objects.all().order_by("name")
    return Program.objects.filter(managed_programs_filter(user)).distinct().order_by("name")


# --- KPIs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiCard:
    kpi: metrics.KpiValue
    history: list[tuple[date, Decimal | None]]
    trend: str  # "up", "down", "flat" or ""
    better: bool | None  # whether the trend goes toward the target

    @property
    def objective(self) -> Objective:
        return self.kpi.objective

    @property
    def history_values(self) -> list[float]:
        return [float(v) for _d, v in self.history if v is not None]


def _trend(
    objective: Objective, now: Decimal | None, before: Decimal | None
) -> tuple[str, bool | None]:
    if now is None or before is None:
        return "", None
    if now == before:
        return "flat", None
    up = now > before
    at_most = objective.comparison == Objective.Comparison.AT_MOST
    return ("up" if up else "down"), (up != at_most)


TREND_DAYS = 7


def kpi_cards(
    *, program: Program, cohort: Cohort | None = None, today: date | None = None
) -> tuple[Cohort | None, list[KpiCard]]:
    """The program's objectives measured on `cohort` (default: the reference cohort), read
    from the daily KPI snapshot, with their history and the trend over the last week.

    Today's snapshot is the tick's; when the tick has not taken it yet, it is taken now for
    this cohort (idempotent, like the tick). A closed cohort shows its last snapshot. So a
    page never computes a metric over every pair, and its queries do not grow with data."""
    today = today or timezone.localdate()
    objectives = list(program.objectives.all())
    if cohort is None:
        cohort = metrics.reference_cohort(list(program.cohorts.all()))
    if cohort is None or not objectives:
        return cohort, []
    closed = cohort.phase == Phase.CLOSED
    day = min(today, cohort.ends_on) if closed else today
    snapshots = _snapshots(objectives, cohort, today)
    missing = [
        o
        for o in objectives
        if not snapshots.get(o.pk) or (not closed and snapshots[o.pk][-1].day != day)
    ]
    if missing:
        kpi_snapshots_take(  # a write, on demand: the day's snapshot was not taken yet
            day=day, cohorts=[cohort]
        )
        snapshots = _snapshots(objectives, cohort, today)
    cards = []
    for objective in objectives:
        rows = snapshots.get(objective.pk, [])
        last = rows[-1] if rows else None
        value = last.value if last is not None else None
        kpi = metrics.KpiValue(
            objective=objective,
            cohort=cohort,
            value=value,
            count=last.n if last is not None else 0,
            state=metrics.kpi_state(objective, value),
            note=last.note if last is not None else "",
            hidden=last.hidden if last is not None else False,
        )
        points = [(row.day, row.value) for row in rows]
        current = last.day if last is not None else day
        earlier = [
            v for d, v in points if d <= current - timedelta(days=TREND_DAYS) and v is not None
        ]
        trend, better = _trend(objective, kpi.value, earlier[-1] if earlier else None)
        cards.append(KpiCard(kpi=kpi, history=points, trend=trend, better=better))
    return cohort, cards


def kpi_values(*, program: Program, cohort: Cohort) -> dict[int, metrics.KpiValue]:
    """{objective id: value} of `cohort` from its snapshot (see `kpi_cards`)."""
    return {card.objective.pk: card.kpi for card in kpi_cards(program=program, cohort=cohort)[1]}


class _Snap(NamedTuple):
    day: date
    value: Decimal | None
    n: int  # measured over
    note: str
    hidden: bool


def _snapshots(
    objectives: Sequence[Objective], cohort: Cohort, today: date
) -> dict[int, list[_Snap]]:
    """Each objective's snapshots of `cohort` up to `today`, oldest first (one query; plain
    tuples: a year of daily rows per objective stays cheap)."""
    result: dict[int, list[_Snap]] = defaultdict(list)
    for objective_id, day, value, count, note, hidden in (
        KpiSnapshot.objects.filter(objective__in=objectives, cohort=cohort, day__lte=today)
        .order_by("day")
        .values_list("objective_id", "day", "value", "count", "note", "hidden")
    ):
        result[objective_id].append(_Snap(day, value, count, note, hidden))
    return result


def kpi_history(*, objective: Objective, cohort: Cohort) -> list[KpiSnapshot]:
    return list(KpiSnapshot.objects.filter(objective=objective, cohort=cohort).order_by("day"))


# --- Pair health -------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalView:
    code: str
    label: str
    advice: str
    severity: str
    snoozed_until: date | None


@dataclass(frozen=True)
class HealthRow:
    pair: Mentorship
    state: str
    since: object
    signals: list[SignalView]

    @property
    def state_label(self) -> str:
        return str(HealthState(self.state).label)


def _signal_views(raw: Sequence[dict[str, str]], snoozes: dict[str, date]) -> list[SignalView]:
    views = []
    for item in raw:
        signal = health.SIGNALS.get(item.get("code", ""))
        if signal is None:
            continue
        views.append(
            SignalView(
                code=signal.code,
                label=str(signal.label),
                advice=str(signal.advice),
                severity=item.get("severity", ""),
                snoozed_until=snoozes.get(signal.code),
            )
        )
    return views


def pair_health_queryset(
    *, user: AnyUser, program: Program, cohort: Cohort | None = None, state: str = ""
) -> QuerySet[PairHealth]:
    """Active pairs of the program with their health, worst first, then the longest in
    that state (managers only)."""
    if not permissions.can_view_pairs(user, program):
        raise NotFound(_("No such program."))
    qs = PairHealth.objects.filter(
        mentorship__cohort__program=program, mentorship__status=Mentorship.Status.ACTIVE
    ).select_related("mentorship__mentor", "mentorship__mentee", "mentorship__cohort")
    if cohort is not None:
        qs = qs.filter(mentorship__cohort=cohort)
    if state:
        qs = qs.filter(state=state)
    rank = Case(
        *[When(state=s, then=Value(-n)) for s, n in HEALTH_ORDER.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    # Worst first, then the longest in that state: no join to people needed to sort.
    return qs.annotate(rank=rank).order_by("rank", "since", "mentorship_id")


def pair_health_ids(
    *, user: AnyUser, program: Program, cohort: Cohort | None = None, state: str = ""
) -> QuerySet[PairHealth, int]:
    """The ids of `pair_health_queryset`, same order: pages paginate these (a narrow sort
    over every active pair) and then read their page's rows with `health_rows_for`."""
    qs = pair_health_queryset(user=user, program=program, cohort=cohort, state=state)
    return qs.select_related(None).values_list("mentorship_id", flat=True)


def health_rows_for(pair_ids: Sequence[int]) -> list[HealthRow]:
    """The rows of one page of pair ids, in the ids' order (two queries)."""
    records = {
        r.mentorship_id: r
        for r in PairHealth.objects.filter(mentorship__in=list(pair_ids)).select_related(
            "mentorship__mentor", "mentorship__mentee", "mentorship__cohort"
        )
    }
    return health_rows_of([records[pk] for pk in pair_ids if pk in records])


def health_rows_of(records: Sequence[PairHealth]) -> list[HealthRow]:
    """Rows for one page of records: their signals' names and any snoozes (one query)."""
    today = timezone.localdate()
    snoozes: dict[int, dict[str, date]] = defaultdict(dict)
    for pair_id, code, until in SignalSnooze.objects.filter(
        mentorship__in=[r.mentorship_id for r in records], until__gte=today
    ).values_list("mentorship_id", "signal", "until"):
        snoozes[pair_id][code] = until
    return [
        HealthRow(
            pair=r.mentorship,
            state=r.state,
            since=r.since,
            signals=_signal_views(r.signals, snoozes.get(r.mentorship_id, {})),
        )
        for r in records
    ]


def pair_health_rows(
    *, user: AnyUser, program: Program, cohort: Cohort | None = None, state: str = ""
) -> list[HealthRow]:
    """Every row (exports, small programs); pages use `pair_health_queryset` and paginate."""
    qs = pair_health_queryset(user=user, program=program, cohort=cohort, state=state)
    return health_rows_of(list(qs))


@dataclass
class PairHealthDetail:
    pair: Mentorship
    row: HealthRow | None
    notes: list[CheckInNote]
    offers: list[RematchOffer]
    held: int
    cancelled: int
    no_shows: int
    agreement_signed: bool


def pair_health_detail(*, user: AnyUser, pair: Mentorship) -> PairHealthDetail:
    program = pair.cohort.program
    if not permissions.can_view_pairs(user, program):
        raise NotFound(_("No such pair."))
    rows = health_rows_of(
        list(
            pair_health_queryset(user=user, program=program, cohort=pair.cohort).filter(
                mentorship=pair
            )
        )
    )
    outcomes = Counter(
        dict(
            MentoringSession.objects.filter(mentorship=pair)
            .exclude(outcome="")
            .values_list("outcome")
            .annotate(n=Count("pk"))
            .values_list("outcome", "n")
        )
    )
    return PairHealthDetail(
        pair=pair,
        row=rows[0] if rows else None,
        notes=list(CheckInNote.objects.filter(mentorship=pair)),
        offers=list(RematchOffer.objects.filter(mentorship=pair)),
        held=outcomes.get("held", 0),
        cancelled=outcomes.get("cancelled", 0),
        no_shows=outcomes.get("no_show", 0),
        agreement_signed=Agreement.objects.filter(
            mentorship=pair, signed_at__isnull=False
        ).exists(),
    )


# --- Dashboards --------------------------------------------------------------------------


@dataclass
class Dashboard:
    program: Program
    cohort: Cohort | None  # None: the whole program (every cohort)
    cohorts: list[Cohort]
    kpi_cohort: Cohort | None = None
    cards: list[KpiCard] = field(default_factory=list)
    funnel: list[tuple[str, int | None]] = field(default_factory=list)
    weeks: list[tuple[date, int, int]] = field(default_factory=list)  # week, held, missed
    pairs: int = 0
    agreements_signed: int | None = 0
    goals: int | None = 0
    goals_achieved: int | None = 0
    goal_progress: float | None = None
    health: list[tuple[str, str, int | None]] = field(default_factory=list)  # code, label, n
    topics_to_mentees: list[tuple[str, int]] = field(default_factory=list)
    topics_to_mentors: list[tuple[str, int]] = field(default_factory=list)
    nps: sources.NpsFigure | None = None
    satisfaction: sources.MeanFigure | None = None
    skill_change: list[tuple[str, sources.MeanFigure]] = field(default_factory=list)
    sponsor_view: bool = True

    @property
    def agreement_share(self) -> float | None:
        if not self.pairs or self.agreements_signed is None:
            return None
        return 100.0 * self.agreements_signed / self.pairs

    @property
    def goal_share(self) -> float | None:
        if not self.goals or self.goals_achieved is None:
            return None
        return 100.0 * self.goals_achieved / self.goals


FUNNEL_STEPS = ("interested", "applied", "accepted", "matched", "active", "completed")
MAX_WEEKS = 60
TOPICS = 10


def funnel_labels() -> dict[str, str]:
    return {
        "interested": _("Interested"),
        "applied": _("Applied"),
        "accepted": _("Accepted"),
        "matched": _("Matched"),
        "active": _("Active"),
        "completed": _("Completed"),
    }


def dashboard(
    *, user: AnyUser, program: Program, cohort: Cohort | None = None, today: date | None = None
) -> Dashboard:
    if not permissions.can_view_insights(user, program):
        raise NotFound(_("No such program."))
    today = today or timezone.localdate()
    cohorts = list(program.cohorts.all())
    scope = [cohort] if cohort is not None else cohorts
    ids = [c.pk for c in scope]
    result = Dashboard(
        program=program,
        cohort=cohort,
        cohorts=cohorts,
        sponsor_view=not permissions.can_view_pairs(user, program),
    )
    result.kpi_cohort, result.cards = kpi_cards(program=program, cohort=cohort, today=today)
    pairs = Mentorship.objects.filter(cohort__in=ids)
    started = pairs.filter(activated_at__isnull=False)
    counts = _pair_counts(pairs, scope, today)
    result.funnel = _funnel(ids, counts)
    result.weeks = _weeks(scope, today)
    live = started.filter(status=Mentorship.Status.ACTIVE)
    result.pairs, result.agreements_signed = counts["active"], counts["signed"]
    goals = PairGoal.objects.filter(mentorship__in=started).aggregate(
        n=Count("pk"), achieved=Count("pk", filter=Q(status=PairGoal.Status.ACHIEVED))
    )
    result.goals, result.goals_achieved = goals["n"], goals["achieved"]
    states = Counter(
        dict(
            PairHealth.objects.filter(mentorship__in=live)
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
    )
    raw = {state: states.get(state, 0) for state in HealthState.values}
    shown: dict[str, int | None] = dict(raw)
    if result.sponsor_view:
        shown = dict(suppress_counts(raw))
    result.health = [(s, str(HealthState(s).label), shown[s]) for s in HealthState.values]
    result.topics_to_mentees = _topics(started, "mentee")
    result.topics_to_mentors = _topics(started, "mentor")
    if cohort is not None:
        result.nps = sources.nps(cohort=cohort)
        result.satisfaction = sources.satisfaction([cohort.pk], interim=False).get(cohort.pk)
        changes = sources.skill_change_by_topic(cohort=cohort)
    else:
        result.nps = sources.nps(program=program)
        result.satisfaction = sources.satisfaction_of_program(program, interim=False)
        changes = sources.skill_change_by_topic(program=program)
    result.skill_change = sorted(
        (
            (topic, fig)
            for topic, fig in changes.items()
            if fig.mean is not None and meets_floor(fig.n)
        ),
        key=lambda item: -(item[1].mean or 0),
    )
    if result.satisfaction is not None and (
        result.satisfaction.mean is None or not meets_floor(result.satisfaction.n)
    ):
        result.satisfaction = None
    if result.sponsor_view and not meets_floor(result.pairs):
        # As the program's engagement figures: below the floor of pairs, a sponsor sees how
        # many pairs started and nothing of what they did (sessions, agreements, topics).
        result.weeks = []
        result.agreements_signed = result.goals = result.goals_achieved = None
        result.topics_to_mentees, result.topics_to_mentors = [], []
    return result


def _pair_counts(pairs: QuerySet[Mentorship], scope: list[Cohort], today: date) -> dict[str, int]:
    """Pairs matched, started, completed (of cohorts that have ended, unless ended before
    the grace) and started with a signed agreement: one aggregate query."""
    completed = Q(pk__in=[])
    for c in scope:
        if c.ends_on > today:
            continue
        grace = c.ends_on - timedelta(days=metrics.COMPLETION_GRACE_DAYS)
        completed |= Q(cohort_id=c.pk) & (
            Q(ended_at__isnull=True)
            | Q(ended_at__gte=datetime.combine(grace, time.min, tzinfo=UTC))
        )
    started = Q(activated_at__isnull=False)
    counts: dict[str, int] = pairs.aggregate(
        matched=Count("pk", filter=~Q(status=Mentorship.Status.DECLINED)),
        active=Count("pk", filter=started),
        completed=Count("pk", filter=started & completed),
        signed=Count("pk", filter=started & Q(agreement__signed_at__isnull=False)),
    )
    return counts


def _funnel(ids: list[int], counts: dict[str, int]) -> list[tuple[str, int | None]]:
    """People at each step (a pair counts two people)."""
    interested = (
        SurveyDailyCount.objects.filter(survey__cohort__in=ids).aggregate(n=Sum("count"))["n"] or 0
    )
    apps = Application.objects.filter(cohort__in=ids).aggregate(
        applied=Count("pk", filter=~Q(status=Application.Status.WITHDRAWN)),
        accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)),
    )
    matched, active, completed_n = counts["matched"], counts["active"], counts["completed"]
    labels = funnel_labels()
    # Through the privacy floor for everybody (pages, API, exports, the sponsor's report):
    # the people who answered the survey are their own group; the other steps are a chain.
    chain = suppress_chain(
        [apps["applied"], apps["accepted"], 2 * matched, 2 * active, 2 * completed_n]
    )
    figures = dict(zip(FUNNEL_STEPS[1:], chain, strict=True))
    figures["interested"] = interested if interested == 0 or meets_floor(interested) else None
    return [(labels[step], figures[step]) for step in FUNNEL_STEPS]


def cohort_funnel(cohort: Cohort, today: date | None = None) -> list[tuple[str, int | None]]:
    pairs = Mentorship.objects.filter(cohort=cohort)
    return _funnel([cohort.pk], _pair_counts(pairs, [cohort], today or timezone.localdate()))


def _rollups(scope: Sequence[Cohort], today: date) -> dict[int, tuple[date, list[Any]]]:
    """Each cohort's latest rollup up to `today`: {cohort id: (day, weeks)} (one query)."""
    latest: dict[int, tuple[date, list[Any]]] = {}
    for cohort_id, day, weeks in (
        CohortRollup.objects.filter(cohort__in=[c.pk for c in scope], day__lte=today)
        .order_by("cohort_id", "day")
        .values_list("cohort_id", "day", "weeks")
    ):
        latest[cohort_id] = (day, weeks)
    return latest


def _weeks(scope: Sequence[Cohort], today: date) -> list[tuple[date, int, int]]:
    """Sessions held and missed per week over `scope`, from each cohort's latest rollup
    (taken with the KPI snapshot; taken now when a running cohort has none for today). The
    last `MAX_WEEKS` weeks, weeks without sessions filled in so the time axis is true."""
    latest = _rollups(scope, today)
    missing = [
        c
        for c in scope
        if c.pk not in latest or (c.phase != Phase.CLOSED and latest[c.pk][0] != today)
    ]
    if missing:
        cohort_rollups_take(  # a write, on demand: the day's roll-up was not taken yet
            day=today, now=timezone.now(), cohorts=missing
        )
        latest = _rollups(scope, today)
    by_week: dict[date, tuple[int, int]] = {}
    for _day, weeks in latest.values():
        for iso, held, missed in weeks:
            week = date.fromisoformat(iso)
            before = by_week.get(week, (0, 0))
            by_week[week] = (before[0] + held, before[1] + missed)
    if not by_week:
        return []
    first, last = min(by_week), max(by_week)
    filled: list[tuple[date, int, int]] = []
    day = max(first, last - timedelta(weeks=MAX_WEEKS - 1))
    while day <= last:
        held, missed = by_week.get(day, (0, 0))
        filled.append((day, held, missed))
        day += timedelta(weeks=1)
    return filled


def _topics(started: QuerySet[Mentorship], side: str) -> list[tuple[str, int]]:
    """What one side learned (tags of its learning entries), most frequent first."""
    return list(
        LearningEntry.skills.through.objects.filter(
            learningentry__mentorship__in=started, learningentry__side=side
        )
        .values_list("skill__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "skill__name")  # type: ignore[misc]  # the annotation, as in engagement
        .values_list("skill__name", "n")[:TOPICS]
    )
