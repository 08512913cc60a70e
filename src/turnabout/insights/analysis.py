"""Analyses over people and cohorts: inclusion by group, retention against a comparison
group, cohort comparison, and the lessons of closed cohorts for the next one.

Privacy: every figure about a group goes through `common.privacy` (the floor and the
subtraction rule); sensitive attributes (generation, gender, ethnicity) are read only for
people who consented and only ever leave this module as group aggregates.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from turnabout.common.privacy import meets_floor, min_group_size, suppress_counts, suppress_means
from turnabout.enrollment.models import Application
from turnabout.insights import metrics, sources
from turnabout.insights.models import HealthState, PairHealth
from turnabout.pairing.adapter import CRITERIA, config_mapping
from turnabout.pairing.models import Mentorship, Proposal
from turnabout.people import sensitive
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Objective, Phase, Program

# --- Inclusion by group ---------------------------------------------------------------------

LEVEL_BANDS = ((1, 3), (4, 6), (7, 9), (10, 99))
NOT_STATED = gettext_lazy("Not stated")
NO_ERG = gettext_lazy("No resource group")


def level_band(level: int) -> str:
    for low, high in LEVEL_BANDS:
        if low <= level <= high:
            return f"{low}-{high}" if high < 99 else f"{low}+"
    return "?"


DIMENSIONS: dict[str, object] = {
    "department": gettext_lazy("Department"),
    "location": gettext_lazy("Location"),
    "level_band": gettext_lazy("Level band"),
    "generation": gettext_lazy("Generation (consented)"),
    "erg": gettext_lazy("Resource group"),
    "gender": gettext_lazy("Gender (consented)"),
    "ethnicity": gettext_lazy("Ethnicity (consented)"),
}
SENSITIVE = frozenset({"generation", "gender", "ethnicity"})


@dataclass(frozen=True)
class GroupRow:
    label: str
    applied: int | None
    matched: int | None
    active: int | None
    satisfaction: float | None
    skill_change: float | None
    retained: float | None  # % of active participants still employed


@dataclass
class Breakdown:
    dimension: str
    rows: list[GroupRow]
    floor: int


def _groups_of(dimension: str, people: list[int]) -> dict[int, list[str]]:
    """Person id -> the groups they belong to on `dimension` (consented values only)."""
    result: dict[int, list[str]] = {}
    if dimension in ("department", "location"):
        for pk, value in Employee.objects.filter(pk__in=people).values_list("pk", dimension):
            result[pk] = [value or str(NOT_STATED)]
    elif dimension == "level_band":
        for pk, level in Employee.objects.filter(pk__in=people).values_list("pk", "level"):
            result[pk] = [level_band(level)]
    elif dimension == "erg":
        for pk in people:
            result[pk] = []
        for pk, names in sensitive.memberships_for_aggregates(people).items():
            result[pk].extend(names)
        for groups in result.values():
            if not groups:
                groups.append(str(NO_ERG))
    elif dimension in SENSITIVE:
        stated = sensitive.labels_for_aggregates(dimension, people)
        for pk in people:
            result[pk] = [stated.get(pk) or str(NOT_STATED)]
    return result


def breakdown(*, cohorts: Sequence[Cohort], dimension: str) -> Breakdown:
    """Participation and outcomes per group, every cell through the privacy floor."""
    if dimension not in DIMENSIONS:
        dimension = "department"
    ids = [c.pk for c in cohorts]
    applied = set(
        Application.objects.filter(cohort__in=ids)
        .exclude(status=Application.Status.WITHDRAWN)
        .values_list("person_id", flat=True)
    )
    matched: set[int] = set()
    active: set[int] = set()
    for mentor, mentee, activated in (
        Mentorship.objects.filter(cohort__in=ids)
        .exclude(status=Mentorship.Status.DECLINED)
        .values_list("mentor_id", "mentee_id", "activated_at")
    ):
        matched |= {mentor, mentee}
        if activated is not None:
            active |= {mentor, mentee}
    people = sorted(applied | matched)
    groups = _groups_of(dimension, people)
    satisfaction = sources.satisfaction_by_person(ids)
    skill = sources.skill_change_by_person(ids)
    today = timezone.localdate()
    leavers = set(
        Employee.objects.filter(pk__in=active, termination_date__lte=today).values_list(
            "pk", flat=True
        )
    )
    members: dict[str, set[int]] = defaultdict(set)
    for pk, labels in groups.items():
        for label in labels:
            members[label].add(pk)
    labels = sorted(members)

    def count(population: set[int]) -> dict[str, int | None]:
        return suppress_counts({label: len(members[label] & population) for label in labels})

    applied_n, matched_n, active_n = count(applied), count(matched), count(active)

    def means(values: dict[int, float]) -> dict[str, float | None]:
        groups_in: dict[str, tuple[int, float | None]] = {}
        for label in labels:
            xs = [values[p] for p in members[label] if p in values]
            groups_in[label] = (len(xs), statistics.fmean(xs) if xs else None)
        return {g.label: g.value for g in suppress_means(groups_in)}

    sat, change = means(satisfaction), means(skill)
    retained = means({p: 0.0 if p in leavers else 100.0 for p in active})
    rows = [
        GroupRow(
            label=label,
            applied=applied_n[label],
            matched=matched_n[label],
            active=active_n[label],
            satisfaction=sat[label],
            skill_change=change[label],
            retained=retained[label],
        )
        for label in labels
    ]
    return Breakdown(dimension=dimension, rows=rows, floor=min_group_size())


# --- Retention -----------------------------------------------------------------------------

RETENTION_MONTHS = (6, 12)
CAVEAT = gettext_lazy(
    "This compares people who took part with colleagues of the same departments and level "
    "bands who did not. It is not a causal estimate: people who volunteer for a program may "
    "already be more likely to stay, and other differences between the groups are not "
    "accounted for."
)


@dataclass(frozen=True)
class RetentionFigure:
    months: int
    horizon: date
    due: bool  # the horizon is in the past
    participants: int | None
    participants_share: float | None
    comparison: int | None
    comparison_share: float | None  # weighted to the participants' department x band mix


@dataclass
class Retention:
    cohort: Cohort
    figures: list[RetentionFigure]
    caveat: str = str(CAVEAT)


def _stayed(termination: date | None, horizon: date) -> bool:
    return termination is None or termination > horizon


def retention(*, cohort: Cohort, today: date | None = None) -> Retention:
    today = today or timezone.localdate()
    start = cohort.starts_on
    participants = {
        pk
        for pair in Mentorship.objects.filter(
            cohort=cohort, activated_at__isnull=False
        ).values_list("mentor_id", "mentee_id")
        for pk in pair
    }
    in_program = {
        pk
        for pair in Mentorship.objects.filter(cohort__program=cohort.program_id).values_list(
            "mentor_id", "mentee_id"
        )
        for pk in pair
    }
    rows = list(
        Employee.objects.filter(Q(hire_date__isnull=True) | Q(hire_date__lte=start))
        .filter(Q(termination_date__isnull=True) | Q(termination_date__gt=start))
        .values_list("pk", "department", "level", "termination_date")
    )
    strata_of: dict[int, tuple[str, str]] = {
        pk: (dept, level_band(level)) for pk, dept, level, _t in rows
    }
    ended = {pk: t for pk, _d, _l, t in rows}
    mix: dict[tuple[str, str], int] = defaultdict(int)
    for pk in participants:
        if pk in strata_of:
            mix[strata_of[pk]] += 1
    comparison: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, stratum in strata_of.items():
        if pk not in in_program and stratum in mix:
            comparison[stratum].append(pk)
    figures = []
    for months in RETENTION_MONTHS:
        horizon = metrics._add_months(start, months)
        due = horizon <= today
        people = [p for p in participants if p in strata_of]
        n_part = len(people)
        share_part = (
            100.0 * sum(_stayed(ended[p], horizon) for p in people) / n_part
            if due and n_part
            else None
        )
        n_comp = sum(len(v) for v in comparison.values())
        weighted, weight = 0.0, 0
        for stratum, group in comparison.items():
            if group:
                stayed = sum(_stayed(ended[p], horizon) for p in group) / len(group)
                weighted += stayed * mix[stratum]
                weight += mix[stratum]
        share_comp = 100.0 * weighted / weight if due and weight else None
        figures.append(
            RetentionFigure(
                months=months,
                horizon=horizon,
                due=due,
                participants=n_part if meets_floor(n_part) else None,
                participants_share=share_part if meets_floor(n_part) else None,
                comparison=n_comp if meets_floor(n_comp) else None,
                comparison_share=share_comp if meets_floor(n_comp) else None,
            )
        )
    return Retention(cohort=cohort, figures=figures)


# --- Cohort comparison ---------------------------------------------------------------------


@dataclass
class CohortColumn:
    cohort: Cohort
    kpis: dict[int, metrics.KpiValue]
    funnel: list[tuple[str, int | None]]
    health: dict[str, int | None]
    nps: float | None
    satisfaction: float | None
    skill_change: float | None
    retained_6m: float | None


def compare(
    *,
    program: Program,
    cohorts: Sequence[Cohort],
    funnel_of: Callable[[Cohort], list[tuple[str, int | None]]],
    today: date | None = None,
) -> tuple[list[Objective], list[CohortColumn]]:
    today = today or timezone.localdate()
    objectives = list(program.objectives.all())
    columns = []
    for cohort in cohorts:
        day = min(today, cohort.ends_on + timedelta(days=1))
        values = metrics.compute(objectives, [cohort], day)
        states = dict.fromkeys(HealthState.values, 0)
        for state in PairHealth.objects.filter(mentorship__cohort=cohort).values_list(
            "state", flat=True
        ):
            states[state] += 1
        nps = sources.nps(cohort=cohort)
        sat = sources.satisfaction([cohort.pk]).get(cohort.pk)
        changes = [f for f in sources.skill_change_by_topic(cohort=cohort).values() if f.n]
        n = sum(f.n for f in changes)
        change = sum((f.mean or 0) * f.n for f in changes) / n if n and meets_floor(n) else None
        six = retention(cohort=cohort, today=today).figures[0]
        columns.append(
            CohortColumn(
                cohort=cohort,
                kpis={o.pk: values[(o.pk, cohort.pk)] for o in objectives},
                funnel=funnel_of(cohort),
                health=dict(suppress_counts(states)),
                nps=nps.score if nps else None,
                satisfaction=sat.mean if sat and not sat.hidden else None,
                skill_change=change,
                retained_6m=six.participants_share,
            )
        )
    return list(objectives), columns


# --- Lessons for the next cohort -------------------------------------------------------------

LESSONS_MIN_PAIRS = 12
OUTCOMES: dict[str, object] = {
    "completed": gettext_lazy("Completed the program"),
    "healthy": gettext_lazy("On track at the end"),
    "satisfaction": gettext_lazy("Partners' satisfaction"),
}
UP, DOWN = 1.5, 0.5


@dataclass(frozen=True)
class Effect:
    criterion: str
    outcome: str
    n: int
    r: float | None
    low: float | None
    high: float | None

    @property
    def clear(self) -> int:
        """+1 when the interval lies above zero, -1 below, 0 when it spans zero."""
        if self.low is None or self.high is None:
            return 0
        return 1 if self.low > 0 else -1 if self.high < 0 else 0


@dataclass
class Lessons:
    program: Program
    cohorts: list[Cohort]
    pairs: int
    effects: list[Effect] = field(default_factory=list)
    current: dict[str, float] = field(default_factory=dict)
    suggested: dict[str, float] = field(default_factory=dict)
    too_little: bool = True
    minimum: int = LESSONS_MIN_PAIRS


def correlation(
    xs: Sequence[float], ys: Sequence[float]
) -> tuple[float | None, float | None, float | None]:
    """Pearson r with a 95 % interval (Fisher z); None when undefined."""
    n = len(xs)
    if n < 4:
        return None, None, None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if sx == 0 or sy == 0:
        return None, None, None
    r = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sx * sy)
    r = max(-0.999999, min(0.999999, r))
    z, half = math.atanh(r), 1.96 / math.sqrt(n - 3)
    return r, math.tanh(z - half), math.tanh(z + half)


def lessons(*, program: Program) -> Lessons:
    cohorts = list(program.cohorts.filter(phase=Phase.CLOSED).order_by("starts_on"))
    pairs = list(
        Mentorship.objects.filter(cohort__in=cohorts, activated_at__isnull=False).values_list(
            "pk", "run_id", "mentee_application_id", "ended_at", "cohort__ends_on"
        )
    )
    result = Lessons(program=program, cohorts=cohorts, pairs=len(pairs))
    result.current = {
        k: float(v) for k, v in config_mapping(program.matching_settings or {})["weights"].items()
    }
    breakdowns: dict[tuple[int | None, int], dict[str, float]] = {
        (run_id, mentee): breakdown
        for run_id, mentee, breakdown in Proposal.objects.filter(
            run__in={p[1] for p in pairs if p[1]}
        ).values_list("run_id", "mentee_application_id", "breakdown")
    }
    health_end = dict(
        PairHealth.objects.filter(mentorship__in=[p[0] for p in pairs]).values_list(
            "mentorship_id", "state"
        )
    )
    satisfaction = sources.satisfaction_by_pair([p[0] for p in pairs])
    outcomes: dict[str, dict[int, float]] = {"completed": {}, "healthy": {}, "satisfaction": {}}
    scores: dict[int, dict[str, float]] = {}
    for pk, run_id, mentee_app, ended_at, ends_on in pairs:
        breakdown = breakdowns.get((run_id, mentee_app))
        if not breakdown:
            continue
        scores[pk] = breakdown
        early = ends_on - timedelta(days=metrics.COMPLETION_GRACE_DAYS)
        outcomes["completed"][pk] = 0.0 if ended_at and ended_at.date() < early else 1.0
        if pk in health_end:
            outcomes["healthy"][pk] = 1.0 if health_end[pk] == HealthState.ON_TRACK else 0.0
        if pk in satisfaction:
            outcomes["satisfaction"][pk] = satisfaction[pk]
    result.too_little = len(scores) < LESSONS_MIN_PAIRS
    for criterion in CRITERIA:
        for outcome, values in outcomes.items():
            keys = [pk for pk in values if pk in scores and criterion in scores[pk]]
            r, low, high = correlation(
                [float(scores[pk][criterion]) for pk in keys], [values[pk] for pk in keys]
            )
            result.effects.append(Effect(criterion, outcome, len(keys), r, low, high))
    if not result.too_little:
        result.suggested = suggest_weights(result.current, result.effects)
    return result


def suggest_weights(current: dict[str, float], effects: Iterable[Effect]) -> dict[str, float]:
    """Raise (x1.5) a criterion whose score clearly goes with better outcomes, lower (x0.5)
    one that clearly goes with worse; only the criteria that change are returned."""
    votes: dict[str, int] = defaultdict(int)
    for effect in effects:
        if effect.n >= LESSONS_MIN_PAIRS:
            votes[effect.criterion] += effect.clear
    suggested = {}
    for criterion, vote in votes.items():
        weight = current.get(criterion, 0.0)
        if vote > 0 and weight > 0:
            suggested[criterion] = round(weight * UP, 2)
        elif vote < 0 and weight > 0:
            suggested[criterion] = round(weight * DOWN, 2)
    return suggested


def explain_too_little(lessons_: Lessons) -> str:
    return _(
        "Too little data to suggest anything: %(n)d pairs with a match score in closed "
        "cohorts, at least %(min)d are needed."
    ) % {"n": lessons_.pairs, "min": LESSONS_MIN_PAIRS}
