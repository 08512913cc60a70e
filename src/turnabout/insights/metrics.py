"""KPI values: every `Objective.Metric` computed from the data, per cohort, as of a day.

One record per metric (`METRICS`): its computation over many cohorts at once (a fixed
number of queries whatever the number of pairs), and whether its figure is about people
(then it goes through the privacy floor). The definitions are written for people in
`docs/insights.md`; keep the two in step.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from turnabout.common.privacy import meets_floor
from turnabout.engagement.models import MentoringSession
from turnabout.enrollment.models import Application
from turnabout.feedback.metrics import is_would_do_it_again
from turnabout.insights import sources
from turnabout.insights.models import KpiState, ManualValue
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Objective, Phase

Metric = Objective.Metric

# A pair that ends more than this many days before its cohort's end did not complete.
COMPLETION_GRACE_DAYS = 14
# How far below (or above, for "at most") the target a KPI is "at risk" rather than off.
AT_RISK_MARGIN: dict[str, Decimal] = {
    Objective.Unit.PERCENT: Decimal("10"),  # percentage points
    Objective.Unit.POINTS: Decimal("0.1"),  # share of the target (at least 0.2 points)
    Objective.Unit.COUNT: Decimal("0.1"),  # share of the target
    Objective.Unit.MONTHS: Decimal("1"),
}
DEFAULT_MIN_SESSIONS = 6
DEFAULT_RETENTION_MONTHS = 12


@dataclass(frozen=True)
class Figure:
    """A metric's raw result for one cohort: value, how many it is measured over, a note."""

    value: float | None
    count: int
    note: str = ""
    about_people: bool = True
    hidden: bool = False  # the source already hid it (below the privacy floor)


@dataclass(frozen=True)
class KpiValue:
    objective: Objective
    cohort: Cohort | None
    value: Decimal | None
    count: int
    state: str
    note: str = ""
    hidden: bool = False  # below the privacy floor

    @property
    def state_label(self) -> str:
        return str(KpiState(self.state).label)

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        return format_value(self.objective, self.value)


def format_value(objective: Objective, value: Decimal) -> str:
    unit = objective.unit
    if unit == Objective.Unit.PERCENT:
        return f"{value:.0f}%"
    if unit == Objective.Unit.COUNT:
        return f"{value:.0f}"
    if unit == Objective.Unit.MONTHS:
        return f"{value:.1f}"
    sign = "+" if objective.metric.endswith("_change") and value > 0 else ""
    return f"{sign}{value:.2f}"


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def _int_parameter(objective: Objective, default: int) -> int:
    try:
        value = int(str(objective.parameter).strip())
    except ValueError:
        return default
    return value if value > 0 else default


def _elapsed_share(cohort: Cohort, day: date) -> float:
    total = (cohort.ends_on - cohort.starts_on).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (day - cohort.starts_on).days / total))


@dataclass(frozen=True)
class StartedPair:
    pk: int
    cohort_id: int
    mentor_id: int
    ended_at: datetime | None
    held: int


_pairs_cache: ContextVar[dict[tuple[tuple[int, ...], date], list[StartedPair]] | None] = ContextVar(
    "insights_pairs_cache", default=None
)


def _started_pairs(cohorts: Sequence[Cohort], day: date) -> list[StartedPair]:
    """Pairs that became active by `day`, with their held sessions up to that day (read
    once per `compute` call, whatever the number of metrics that need them)."""
    cache = _pairs_cache.get()
    key = (tuple(sorted(c.pk for c in cohorts)), day)
    if cache is not None and key in cache:
        return cache[key]
    rows = _read_started_pairs(cohorts, day)
    if cache is not None:
        cache[key] = rows
    return rows


def _read_started_pairs(cohorts: Sequence[Cohort], day: date) -> list[StartedPair]:
    at = end_of(day)
    held = Q(sessions__outcome=MentoringSession.Outcome.HELD, sessions__starts_at__lte=at)
    rows = (
        Mentorship.objects.filter(
            cohort__in=[c.pk for c in cohorts], activated_at__isnull=False, activated_at__lte=at
        )
        .annotate(held_n=Count("sessions", filter=held))
        .values_list("pk", "cohort_id", "mentor_id", "ended_at", "held_n")
        .order_by()
    )
    return [StartedPair(*row) for row in rows]


def sessions_per_week(
    cohort_ids: Sequence[int], day: date
) -> dict[int, list[tuple[date, int, int]]]:
    """Per cohort, the sessions of its started pairs per week (Monday) up to the end of
    `day`: (week, held, cancelled or missed), oldest first, sessions without an outcome
    left out. One aggregate query (the tick stores it; dashboards read the rollup)."""
    rows = (
        MentoringSession.objects.filter(
            mentorship__cohort__in=list(cohort_ids),
            mentorship__activated_at__isnull=False,
            starts_at__lte=end_of(day),
        )
        .exclude(outcome="")
        .annotate(week=TruncWeek("starts_at"))
        .values("mentorship__cohort_id", "week")
        .annotate(
            held=Count("pk", filter=Q(outcome=MentoringSession.Outcome.HELD)),
            missed=Count("pk", filter=~Q(outcome=MentoringSession.Outcome.HELD)),
        )
        .order_by("mentorship__cohort_id", "week")
    )
    result: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, datetime) else week
        result[row["mentorship__cohort_id"]].append((week, row["held"], row["missed"]))
    return dict(result)


def _by_cohort(rows: list[StartedPair]) -> dict[int, list[StartedPair]]:
    grouped: dict[int, list[StartedPair]] = defaultdict(list)
    for row in rows:
        grouped[row.cohort_id].append(row)
    return grouped


def _share(hits: int, total: int) -> float | None:
    return None if total == 0 else 100.0 * hits / total


def pairs_meeting(
    objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
) -> dict[tuple[int, int], Figure]:
    """Share of started pairs with at least N held sessions; while the cohort runs, the share
    on pace to get there (held >= N x the elapsed share of the cohort, rounded down)."""
    pairs = _by_cohort(_started_pairs(cohorts, day))
    result = {}
    for objective in objectives:
        n = _int_parameter(objective, DEFAULT_MIN_SESSIONS)
        for cohort in cohorts:
            rows = pairs.get(cohort.pk, [])
            running = day < cohort.ends_on
            needed = math.floor(n * _elapsed_share(cohort, day)) if running else n
            hits = len([row for row in rows if row.held >= needed])
            note = "on pace" if running and rows else ""
            result[(objective.pk, cohort.pk)] = Figure(
                _share(hits, len(rows)), len(rows), note, about_people=False
            )
    return result


def pair_completion(
    objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
) -> dict[tuple[int, int], Figure]:
    """Share of started pairs that did not end early (more than the grace before the end)."""
    pairs = _by_cohort(_started_pairs(cohorts, day))
    result = {}
    for cohort in cohorts:
        rows = pairs.get(cohort.pk, [])
        early = cohort.ends_on - timedelta(days=COMPLETION_GRACE_DAYS)
        dropped = len(
            [
                row
                for row in rows
                if row.ended_at is not None
                and row.ended_at <= end_of(day)
                and row.ended_at.date() < early
            ]
        )
        note = "so far" if day < cohort.ends_on and rows else ""
        figure = Figure(_share(len(rows) - dropped, len(rows)), len(rows), note, False)
        for objective in objectives:
            result[(objective.pk, cohort.pk)] = figure
    return result


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def mentor_retention(
    objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
) -> dict[tuple[int, int], Figure]:
    """Share of the cohort's mentors (of pairs that started) still employed N months after
    the cohort started; until then, still employed so far."""
    rows = _started_pairs(cohorts, day)
    mentor_ids = {row.mentor_id for row in rows}
    # Leavers among the mentors, by a subquery (a list of every mentor id would be long).
    mentors_of_cohorts = Mentorship.objects.filter(
        cohort__in=[c.pk for c in cohorts], activated_at__isnull=False
    ).values("mentor_id")
    leaving: dict[int, date] = {
        pk: left
        for pk, left in Employee.objects.filter(
            pk__in=mentors_of_cohorts, termination_date__isnull=False
        ).values_list("pk", "termination_date")
        if left is not None and pk in mentor_ids
    }
    mentors: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        mentors[row.cohort_id].add(row.mentor_id)
    result = {}
    for objective in objectives:
        months = _int_parameter(objective, DEFAULT_RETENTION_MONTHS)
        for cohort in cohorts:
            horizon = min(_add_months(cohort.starts_on, months), day)
            people = mentors.get(cohort.pk, set())
            stayed = len([pk for pk in people if pk not in leaving or leaving[pk] > horizon])
            note = "so far" if horizon < _add_months(cohort.starts_on, months) and people else ""
            result[(objective.pk, cohort.pk)] = Figure(
                _share(stayed, len(people)), len(people), note
            )
    return result


def applications(
    objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
) -> dict[tuple[int, int], Figure]:
    counts = dict(
        Application.objects.filter(cohort__in=[c.pk for c in cohorts], created_at__lte=end_of(day))
        .exclude(status=Application.Status.WITHDRAWN)
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    return {
        (o.pk, c.pk): Figure(float(counts.get(c.pk, 0)), counts.get(c.pk, 0), about_people=False)
        for o in objectives
        for c in cohorts
    }


def _from_means(
    means: dict[int, sources.MeanFigure], scale: float = 1.0
) -> Callable[[int], Figure]:
    def figure(cohort_id: int) -> Figure:
        mean = means.get(cohort_id)
        if mean is not None and mean.hidden:
            return Figure(None, 0, hidden=True)
        if mean is None or mean.mean is None:
            return Figure(None, 0)
        return Figure(mean.mean * scale, mean.n, basis_note(mean.basis))

    return figure


def basis_note(basis: str) -> str:
    """What a survey-based value is measured on, for the card ("" for the final source)."""
    if basis.startswith("interim"):
        return basis
    return ""


def satisfaction(
    objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
) -> dict[tuple[int, int], Figure]:
    """Mean satisfaction (1-5) of the final evaluations; an objective whose title says
    "again" reads "I would do it again" instead: its mean (1-5) in points, or the share who
    agree (4 or 5) in percent. Answers given on or before `day` only; before any final
    answer, the interim value from the monthly pulses (the note says so)."""
    ids = [c.pk for c in cohorts]
    result = {}
    plain = None
    for objective in objectives:
        if is_would_do_it_again(objective):
            if objective.unit == Objective.Unit.PERCENT:
                get = _from_means(sources.would_do_again_share(ids, until=day), 100.0)
            else:
                get = _from_means(sources.would_do_again(ids, until=day))
        else:
            if plain is None:
                plain = _from_means(sources.satisfaction(ids, until=day))
            get = plain
        for cohort in cohorts:
            result[(objective.pk, cohort.pk)] = get(cohort.pk)
    return result


def _self_rating(side: str) -> Callable[..., dict[tuple[int, int], Figure]]:
    def compute(
        objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
    ) -> dict[tuple[int, int], Figure]:
        ids = [c.pk for c in cohorts]
        result = {}
        for objective in objectives:
            get = _from_means(
                sources.self_rating_change(ids, side=side, topic=objective.parameter, until=day)
            )
            for cohort in cohorts:
                result[(objective.pk, cohort.pk)] = get(cohort.pk)
        return result

    return compute


def custom(
    objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
) -> dict[tuple[int, int], Figure]:
    """The latest value a manager entered on or before `day` (program-wide)."""
    latest: dict[int, ManualValue] = {}
    for value in ManualValue.objects.filter(
        objective__in=[o.pk for o in objectives], day__lte=day
    ).order_by("objective_id", "day", "pk"):
        latest[value.objective_id] = value
    result = {}
    for objective in objectives:
        manual = latest.get(objective.pk)
        figure = (
            Figure(float(manual.value), 1, f"as of {manual.day:%-d %b %Y}", about_people=False)
            if manual
            else Figure(None, 0, about_people=False)
        )
        for cohort in cohorts:
            result[(objective.pk, cohort.pk)] = figure
    return result


METRICS: dict[str, Callable[..., dict[tuple[int, int], Figure]]] = {
    Metric.PAIRS_MEETING_MIN_SESSIONS: pairs_meeting,
    Metric.PAIR_COMPLETION: pair_completion,
    Metric.SATISFACTION: satisfaction,
    Metric.MENTEE_SELF_RATING_CHANGE: _self_rating("mentee"),
    Metric.MENTOR_SELF_RATING_CHANGE: _self_rating("mentor"),
    Metric.MENTOR_RETENTION: mentor_retention,
    Metric.APPLICATIONS: applications,
    Metric.CUSTOM: custom,
}


def kpi_state(objective: Objective, value: Decimal | None) -> str:
    """On track when the target is met; at risk within the unit's margin; else off track."""
    if value is None:
        return KpiState.NO_DATA
    target = Decimal(objective.target)
    margin = AT_RISK_MARGIN.get(objective.unit, Decimal("0.1"))
    if objective.unit in (Objective.Unit.POINTS, Objective.Unit.COUNT):
        margin = abs(target) * margin
        if objective.unit == Objective.Unit.POINTS:
            margin = max(margin, Decimal("0.2"))
    gap = value - target if objective.comparison == Objective.Comparison.AT_MOST else target - value
    if gap <= 0:
        return KpiState.ON_TRACK
    return KpiState.AT_RISK if gap <= margin else KpiState.OFF_TRACK


def compute(
    objectives: Sequence[Objective], cohorts: Sequence[Cohort], day: date
) -> dict[tuple[int, int], KpiValue]:
    """Every objective's value for every cohort as of the end of `day`."""
    by_metric: dict[str, list[Objective]] = defaultdict(list)
    for objective in objectives:
        by_metric[objective.metric].append(objective)
    cohorts_of: dict[int, list[Cohort]] = defaultdict(list)
    for cohort in cohorts:
        cohorts_of[cohort.program_id].append(cohort)
    result: dict[tuple[int, int], KpiValue] = {}
    token = _pairs_cache.set({})
    try:
        _compute_into(result, by_metric, cohorts_of, day)
    finally:
        _pairs_cache.reset(token)
    return result


def _compute_into(
    result: dict[tuple[int, int], KpiValue],
    by_metric: dict[str, list[Objective]],
    cohorts_of: dict[int, list[Cohort]],
    day: date,
) -> None:
    for metric, group in by_metric.items():
        function = METRICS.get(metric)
        relevant = [c for o in group for c in cohorts_of.get(o.program_id, [])]
        relevant = list({c.pk: c for c in relevant}.values())
        if function is None or not relevant:
            continue
        figures = function(group, relevant, day)
        for objective in group:
            for cohort in cohorts_of.get(objective.program_id, []):
                figure = figures.get((objective.pk, cohort.pk), Figure(None, 0))
                result[(objective.pk, cohort.pk)] = _value(objective, cohort, figure)


def _value(objective: Objective, cohort: Cohort, figure: Figure) -> KpiValue:
    hidden = figure.hidden or (
        figure.about_people and figure.value is not None and not meets_floor(figure.count)
    )
    value = None if figure.value is None or hidden else Decimal(str(round(figure.value, 3)))
    return KpiValue(
        objective=objective,
        cohort=cohort,
        value=value,
        count=figure.count,
        state=kpi_state(objective, value),
        note=figure.note,
        hidden=hidden,
    )


MEASURED_PHASES = (Phase.MATCHED, Phase.ACTIVE, Phase.WRAPPING_UP, Phase.CLOSED)


def reference_cohort(cohorts: Sequence[Cohort]) -> Cohort | None:
    """The cohort a program's KPI cards speak about: the latest one that has pairs (matched
    or later), else the latest one past draft."""
    ordered = sorted(cohorts, key=lambda c: (c.starts_on, c.pk), reverse=True)
    for cohort in ordered:
        if cohort.phase in MEASURED_PHASES:
            return cohort
    return next((c for c in ordered if c.phase != Phase.DRAFT), None)
