"""Insights endpoints: KPI values and history, pair health (managers), dashboard aggregates,
group breakdowns (above the floor), retention, lessons, exports.

Same rules as the pages: scoped selectors for every read, services for every write.
"""

# No `from __future__ import annotations`: ninja's `paginate` wrapper resolves the
# endpoint's annotations outside this module, so they must be real objects.
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.errors import PermissionDenied
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.insights import analysis, exports, permissions, selectors, services
from turnabout.insights.models import CheckInNote, ManualValue, PairHealth, SignalSnooze

router = Router(tags=["insights"])
ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class KpiOut(Schema):
    objective_id: int
    title: str
    metric: str
    parameter: str
    target: Decimal
    comparison: str
    unit: str
    cohort_id: int | None
    value: Decimal | None
    measured_over: int
    state: str
    hidden: bool
    note: str
    trend: str


class KpiPointOut(Schema):
    day: date
    value: Decimal | None
    state: str


class ManualValueIn(Schema):
    day: date
    value: Decimal = Field(..., gt=Decimal("-1e9"), lt=Decimal("1e9"))
    note: Annotated[Text, Field(max_length=ManualValue.NOTE_MAX)] = ""


class SignalOut(Schema):
    code: str
    label: str
    severity: str
    snoozed_until: date | None


class PairHealthOut(Schema):
    pair_id: int
    cohort_id: int
    mentor: str
    mentee: str
    state: str
    signals: list[SignalOut]


class NoteIn(Schema):
    body: Annotated[Text, Field(max_length=CheckInNote.BODY_MAX)]


class SnoozeIn(Schema):
    signal: Annotated[Text, Field(max_length=32)]
    days: int = Field(14, ge=1, le=SignalSnooze.DAYS_MAX)


class FunnelStepOut(Schema):
    step: str
    people: int | None


class WeekOut(Schema):
    week: date
    held: int
    missed: int


class HealthCountOut(Schema):
    state: str
    pairs: int | None


class LearnedTopicOut(Schema):
    topic: str
    entries: int


class DashboardOut(Schema):
    program_id: int
    cohort_id: int | None
    kpis: list[KpiOut]
    funnel: list[FunnelStepOut]
    sessions_per_week: list[WeekOut]
    pairs_started: int
    agreements_signed: int | None  # null for a sponsor below the floor of pairs
    goals: int | None
    goals_achieved: int | None
    health: list[HealthCountOut]
    mentees_learned: list[LearnedTopicOut]
    mentors_learned: list[LearnedTopicOut]
    nps: float | None
    satisfaction: float | None


class GroupFiguresOut(Schema):
    group: str
    applied: int | None
    matched: int | None
    active: int | None
    satisfaction: float | None
    skill_change: float | None
    still_employed_percent: float | None


class RetentionOut(Schema):
    months: int
    horizon: date
    due: bool
    participants: int | None
    participants_percent: float | None
    comparison: int | None
    comparison_percent: float | None


class RetentionResultOut(Schema):
    cohort_id: int
    figures: list[RetentionOut]
    caveat: str


class EffectOut(Schema):
    criterion: str
    outcome: str
    pairs: int
    r: float | None
    low: float | None
    high: float | None


class LessonsOut(Schema):
    pairs: int
    too_little_data: bool
    message: str
    effects: list[EffectOut]
    current_weights: dict[str, float]
    suggested_weights: dict[str, float]


def _kpi_out(card: selectors.KpiCard) -> KpiOut:
    k, o = card.kpi, card.objective
    return KpiOut(
        objective_id=o.pk, title=o.title, metric=o.metric, parameter=o.parameter,
        target=o.target, comparison=o.comparison, unit=o.unit,
        cohort_id=k.cohort.pk if k.cohort else None, value=k.value, measured_over=k.count,
        state=k.state, hidden=k.hidden, note=k.note, trend=card.trend,
    )  # fmt: skip


@router.get("/programs/{program_id}/kpis", response={200: list[KpiOut], **ERRS})
def kpis(request: HttpRequest, program_id: Id, cohort_id: Query[int | None] = None) -> list[KpiOut]:
    program = selectors.program_get(user=request.user, program_id=program_id)
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id) if cohort_id else None
    _cohort, cards = selectors.kpi_cards(program=program, cohort=cohort)
    return [_kpi_out(card) for card in cards]


@router.get("/objectives/{objective_id}/history", response={200: list[KpiPointOut], **ERRS})
def kpi_history(
    request: HttpRequest, objective_id: Id, cohort_id: Query[int | None] = None
) -> list[KpiPointOut]:
    objective = selectors.objective_get(user=request.user, objective_id=objective_id)
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id) if cohort_id else None
    _cohort, _cards = selectors.kpi_cards(program=objective.program, cohort=cohort)
    if _cohort is None:
        return []
    return [
        KpiPointOut(day=s.day, value=s.value, state=s.state)
        for s in selectors.kpi_history(objective=objective, cohort=_cohort)
    ]


@router.post("/objectives/{objective_id}/values", response={201: KpiPointOut, **ERRS})
def kpi_value_add(
    request: HttpRequest, objective_id: Id, payload: ManualValueIn
) -> Status[KpiPointOut]:
    objective = selectors.objective_get(user=request.user, objective_id=objective_id)
    value = services.manual_value_record(
        objective, day=payload.day, value=payload.value, note=payload.note,
        acting_user=request.user,
    )  # fmt: skip
    return Status(201, KpiPointOut(day=value.day, value=value.value, state=""))


def _health_out(row: selectors.HealthRow) -> PairHealthOut:
    return PairHealthOut(
        pair_id=row.pair.pk, cohort_id=row.pair.cohort_id, mentor=row.pair.mentor.full_name,
        mentee=row.pair.mentee.full_name, state=row.state,
        signals=[
            SignalOut(code=s.code, label=s.label, severity=s.severity,
                      snoozed_until=s.snoozed_until)
            for s in row.signals
        ],
    )  # fmt: skip


class _HealthPage:
    """The pair-health rows of one page only: the paginator counts and slices this like a
    queryset, and only the sliced records get their signals' names and snoozes."""

    def __init__(self, ids: QuerySet[PairHealth, int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return self.count()

    def count(self) -> int:
        return int(self.ids.count())

    def __getitem__(self, index: slice) -> list[PairHealthOut]:
        return [_health_out(row) for row in selectors.health_rows_for(list(self.ids[index]))]


@router.get(
    "/programs/{program_id}/pair-health",
    response={200: list[PairHealthOut], **ERRS},
    summary="Active pairs with their health, worst first (the program's managers; paginated)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def pair_health(
    request: HttpRequest,
    program_id: Id,
    state: Query[Literal["", "on_track", "check_in", "at_risk"]] = "",
) -> list[PairHealthOut]:
    program = selectors.program_get(user=request.user, program_id=program_id)
    if not permissions.can_view_pairs(request.user, program):
        raise PermissionDenied("Only the program's managers see its pairs.")
    ids = selectors.pair_health_ids(user=request.user, program=program, state=state)
    return _HealthPage(ids)  # type: ignore[return-value]  # a lazy list of one page


@router.post("/pairs/{pair_id}/check-in-notes", response={201: dict[str, int], **ERRS})
def note_add(request: HttpRequest, pair_id: Id, payload: NoteIn) -> Status[dict[str, int]]:
    pair = selectors.pair_get_for_manager(user=request.user, pair_id=pair_id)
    note = services.checkin_note_add(pair, body=payload.body, acting_user=request.user)
    return Status(201, {"id": note.pk})


@router.post("/pairs/{pair_id}/snoozes", response={201: dict[str, str], **ERRS})
def snooze(request: HttpRequest, pair_id: Id, payload: SnoozeIn) -> Status[dict[str, str]]:
    pair = selectors.pair_get_for_manager(user=request.user, pair_id=pair_id)
    item = services.signal_snooze(
        pair, signal=payload.signal, days=payload.days, acting_user=request.user
    )
    return Status(201, {"signal": item.signal, "until": item.until.isoformat()})


@router.post("/pairs/{pair_id}/rematch-offers", response={201: dict[str, int], **ERRS})
def rematch(request: HttpRequest, pair_id: Id) -> Status[dict[str, int]]:
    pair = selectors.pair_get_for_manager(user=request.user, pair_id=pair_id)
    offer = services.rematch_offer(pair, acting_user=request.user)
    return Status(201, {"id": offer.pk})


def _dashboard_out(board: selectors.Dashboard) -> DashboardOut:
    return DashboardOut(
        program_id=board.program.pk,
        cohort_id=board.cohort.pk if board.cohort else None,
        kpis=[_kpi_out(card) for card in board.cards],
        funnel=[FunnelStepOut(step=label, people=n) for label, n in board.funnel],
        sessions_per_week=[WeekOut(week=w, held=h, missed=m) for w, h, m in board.weeks],
        pairs_started=board.pairs,
        agreements_signed=board.agreements_signed,
        goals=board.goals,
        goals_achieved=board.goals_achieved,
        health=[HealthCountOut(state=code, pairs=n) for code, _label, n in board.health],
        mentees_learned=[LearnedTopicOut(topic=t, entries=n) for t, n in board.topics_to_mentees],
        mentors_learned=[LearnedTopicOut(topic=t, entries=n) for t, n in board.topics_to_mentors],
        nps=board.nps.score if board.nps else None,
        satisfaction=board.satisfaction.mean if board.satisfaction else None,
    )


@router.get("/programs/{program_id}/dashboard", response={200: DashboardOut, **ERRS})
def program_dashboard(request: HttpRequest, program_id: Id) -> DashboardOut:
    program = selectors.program_get(user=request.user, program_id=program_id)
    return _dashboard_out(selectors.dashboard(user=request.user, program=program))


@router.get("/cohorts/{cohort_id}/dashboard", response={200: DashboardOut, **ERRS})
def cohort_dashboard(request: HttpRequest, cohort_id: Id) -> DashboardOut:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    board = selectors.dashboard(user=request.user, program=cohort.program, cohort=cohort)
    return _dashboard_out(board)


Dimension = Literal[
    "department", "location", "level_band", "generation", "erg", "gender", "ethnicity"
]


@router.get("/programs/{program_id}/groups", response={200: list[GroupFiguresOut], **ERRS})
def groups(
    request: HttpRequest, program_id: Id, by: Query[Dimension] = "department"
) -> list[GroupFiguresOut]:
    program = selectors.program_get(user=request.user, program_id=program_id)
    table = analysis.breakdown(cohorts=list(program.cohorts.exclude(phase="draft")), dimension=by)
    return [
        GroupFiguresOut(
            group=r.label,
            applied=r.applied,
            matched=r.matched,
            active=r.active,
            satisfaction=r.satisfaction,
            skill_change=r.skill_change,
            still_employed_percent=r.retained,
        )
        for r in table.rows
    ]


@router.get("/cohorts/{cohort_id}/retention", response={200: RetentionResultOut, **ERRS})
def retention(request: HttpRequest, cohort_id: Id) -> RetentionResultOut:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    result = analysis.retention(cohort=cohort)
    return RetentionResultOut(
        cohort_id=cohort.pk,
        caveat=result.caveat,
        figures=[
            RetentionOut(
                months=f.months,
                horizon=f.horizon,
                due=f.due,
                participants=f.participants,
                participants_percent=f.participants_share,
                comparison=f.comparison,
                comparison_percent=f.comparison_share,
            )
            for f in result.figures
        ],
    )


@router.get("/programs/{program_id}/lessons", response={200: LessonsOut, **ERRS})
def lessons(request: HttpRequest, program_id: Id) -> LessonsOut:
    program = selectors.program_get(user=request.user, program_id=program_id)
    if not permissions.can_view_pairs(request.user, program):
        raise PermissionDenied("Only the program's managers see the lessons.")
    result = analysis.lessons(program=program)
    return LessonsOut(
        pairs=result.pairs,
        too_little_data=result.too_little,
        message=analysis.explain_too_little(result) if result.too_little else "",
        effects=[
            EffectOut(
                criterion=e.criterion, outcome=e.outcome, pairs=e.n, r=e.r, low=e.low, high=e.high
            )
            for e in result.effects
        ],
        current_weights=result.current,
        suggested_weights=result.suggested,
    )


@router.post("/programs/{program_id}/lessons/apply", response={200: dict[str, float], **ERRS})
def lessons_apply(request: HttpRequest, program_id: Id) -> dict[str, float]:
    program = selectors.program_get(user=request.user, program_id=program_id)
    result = analysis.lessons(program=program)
    services.lessons_apply(program, weights=result.suggested, acting_user=request.user)
    return result.suggested


@router.get(
    "/programs/{program_id}/exports/{table}",
    response={200: None, **ERRS},
    summary="Export a table as CSV or XLSX (streamed)",
)
def export(
    request: HttpRequest,
    program_id: Id,
    table: Literal[
        "people",
        "applications",
        "proposals",
        "pairs",
        "sessions",
        "audit",
        "kpi_history",
        "groups",
        "funnel",
    ],
    fmt: Query[Literal["csv", "xlsx"]] = "csv",
) -> HttpResponseBase:
    program = selectors.program_get(user=request.user, program_id=program_id)
    return exports.export_response(user=request.user, program=program, name=table, fmt=fmt)
