"""Insights pages. Thin: look up through a scoped selector, call a service, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.common import errors
from turnabout.common.pagination import paginate, query_without_page
from turnabout.insights import analysis, charts, exports, permissions, selectors, services
from turnabout.insights import report as report_module
from turnabout.insights.health import SIGNALS
from turnabout.insights.models import HealthState, KpiState, SignalSnooze
from turnabout.programs.models import Objective, Program

STATE_COLOR: dict[str, str] = {
    KpiState.ON_TRACK: "ok",
    KpiState.AT_RISK: "warn",
    KpiState.OFF_TRACK: "bad",
    KpiState.NO_DATA: "grey",
}
HEALTH_COLOR: dict[str, str] = {
    HealthState.ON_TRACK: "ok",
    HealthState.CHECK_IN: "warn",
    HealthState.AT_RISK: "bad",
}


def _unit(objective: Objective) -> str:
    return "%" if objective.unit == Objective.Unit.PERCENT else ""


def _card_context(cards: list[selectors.KpiCard]) -> list[dict[str, Any]]:
    return [
        {
            "card": card,
            "color": STATE_COLOR.get(card.kpi.state, "grey"),
            "spark": charts.sparkline(
                card.history_values,
                target=float(card.objective.target),
                label=_("History of %(kpi)s against its target") % {"kpi": card.objective.title},
                state=STATE_COLOR.get(card.kpi.state, "brand"),
            ),
        }
        for card in cards
    ]


def program_kpi_section(request: HttpRequest, program: Program) -> str:
    """The "How it is going" section of the program page (through the programs hook)."""
    if not permissions.can_view_insights(request.user, program):
        return ""
    cohort, cards = selectors.kpi_cards(program=program)
    return render_to_string(
        "insights/_kpi_section.html",
        {"program": program, "cohort": cohort, "cards": _card_context(cards)},
        request=request,
    )


HOME_PROGRAMS = 5


def home_outcomes_section(request: HttpRequest) -> str:
    """The programs' outcomes on a sponsor's (or manager's) home page."""
    programs = [
        p
        for p in selectors.programs_visible(user=request.user)[:HOME_PROGRAMS]
        if permissions.can_view_insights(request.user, p)
    ]
    if not programs:
        return ""
    blocks = []
    for program in programs:
        cohort, cards = selectors.kpi_cards(program=program)
        blocks.append({"program": program, "cohort": cohort, "cards": _card_context(cards)})
    return render_to_string("insights/_home.html", {"blocks": blocks}, request=request)


def _dashboard(request: HttpRequest, program: Program, cohort: Any) -> HttpResponse:
    board = selectors.dashboard(user=request.user, program=program, cohort=cohort)
    weeks = board.weeks
    context = {
        "board": board,
        "cards": _card_context(board.cards),
        "funnel_chart": charts.bars(
            [label for label, _n in board.funnel],
            [n for _label, n in board.funnel],
            label=_("Enrolment funnel: people at each step"),
        ),
        "weeks_chart": charts.bars(
            [f"{w:%-d %b}" for w, _h, _m in weeks],
            [h for _w, h, _m in weeks],
            label=_("Sessions held per week"),
            horizontal=False,
            color="teal",
        ),
        "health_chart": charts.stacked(
            [(label, n, HEALTH_COLOR[HealthState(code)]) for code, label, n in board.health],
            label=_("Health of the active pairs"),
        ),
        "mentee_topics_chart": charts.bars(
            [t for t, _n in board.topics_to_mentees],
            [n for _t, n in board.topics_to_mentees],
            label=_("What mentees learned (learning log tags)"),
        ),
        "mentor_topics_chart": charts.bars(
            [t for t, _n in board.topics_to_mentors],
            [n for _t, n in board.topics_to_mentors],
            label=_("What mentors learned (learning log tags)"),
            color="teal",
        ),
        "skill_chart": charts.intervals(
            [(t, f.mean or 0.0, f.low, f.high) for t, f in board.skill_change],
            label=_("Self-rating change per topic with 95% intervals"),
        )
        if board.skill_change
        else "",
        "can_manage": permissions.can_view_pairs(request.user, program),
    }
    return render(request, "insights/dashboard.html", context)


def dashboard_program(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    return _dashboard(request, program, None)


def dashboard_cohort(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    return _dashboard(request, cohort.program, cohort)


def index(request: HttpRequest) -> HttpResponse:
    programs = list(selectors.programs_visible(user=request.user))
    if len(programs) == 1:
        return redirect("insights:program", programs[0].pk)
    return render(request, "insights/index.html", {"programs": programs})


def kpi_detail(request: HttpRequest, objective_pk: int) -> HttpResponse:
    objective = selectors.objective_get(user=request.user, objective_id=objective_pk)
    program = objective.program
    cohort_id = request.GET.get("cohort")
    cohort = (
        selectors.cohort_get(user=request.user, cohort_id=int(cohort_id))
        if cohort_id and cohort_id.isdigit()
        else None
    )
    cohort, cards = selectors.kpi_cards(program=program, cohort=cohort)
    card = next((c for c in cards if c.objective.pk == objective.pk), None)
    history = card.history if card else []
    chart = charts.line_vs_target(
        [d for d, _v in history],
        [float(v) if v is not None else None for _d, v in history],
        target=float(objective.target),
        label=_("%(kpi)s over time against its target") % {"kpi": objective.title},
        unit=_unit(objective),
    )
    manual = (
        list(objective.manual_values.all()[:50])
        if objective.metric == Objective.Metric.CUSTOM
        else []
    )
    return render(
        request,
        "insights/kpi_detail.html",
        {
            "objective": objective,
            "program": program,
            "cohort": cohort,
            "card": card,
            "color": STATE_COLOR.get(card.kpi.state, "grey") if card else "grey",
            "chart": chart,
            "history": list(reversed(history)),
            "manual": manual,
            "can_record": objective.metric == Objective.Metric.CUSTOM
            and permissions.can_record_values(request.user, program),
            "today": timezone.localdate(),
            "cohorts": list(program.cohorts.all()),
        },
    )


def _flash(request: HttpRequest, exc: errors.DomainError) -> None:
    messages.error(request, exc.message)


@require_POST
def manual_value_add(request: HttpRequest, objective_pk: int) -> HttpResponse:
    objective = selectors.objective_get(user=request.user, objective_id=objective_pk)
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
        services.manual_value_record(
            objective,
            day=day,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
            acting_user=request.user,
        )
    except ValueError:
        messages.error(request, _("Give the day as YYYY-MM-DD."))
    except errors.DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Value recorded."))
    return redirect("insights:kpi", objective.pk)


def health_list(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    if not permissions.can_view_pairs(request.user, program):
        raise errors.PermissionDenied(_("Only this program's managers see its pairs."))
    state = request.GET.get("state", "")
    state = state if state in HealthState.values else ""
    page = paginate(
        request, selectors.pair_health_ids(user=request.user, program=program, state=state)
    )
    return render(
        request,
        "insights/health_list.html",
        {
            "program": program,
            "page": page,
            "rows": selectors.health_rows_for(list(page.object_list)),
            "query": query_without_page(request),
            "state": state,
            "states": HealthState.choices,
        },
    )


def health_all(request: HttpRequest) -> HttpResponse:
    programs = [
        p
        for p in selectors.programs_visible(user=request.user)
        if permissions.can_view_pairs(request.user, p)
    ]
    if len(programs) == 1:
        return redirect("insights:health", programs[0].pk)
    return render(request, "insights/index.html", {"programs": programs, "health": True})


def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_get_for_manager(user=request.user, pair_id=pk)
    detail = selectors.pair_health_detail(user=request.user, pair=pair)
    return render(
        request,
        "insights/pair.html",
        {
            "detail": detail,
            "pair": pair,
            "signals": SIGNALS,
            "snooze_max": SignalSnooze.DAYS_MAX,
        },
    )


def _pair_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    pair = selectors.pair_get_for_manager(user=request.user, pair_id=pk)
    try:
        action(pair)
    except errors.DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, done)
    return redirect("insights:pair", pair.pk)


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _pair_action(
        request,
        pk,
        lambda pair: services.checkin_note_add(
            pair, body=request.POST.get("body", ""), acting_user=request.user
        ),
        _("Note saved."),
    )


@require_POST
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    days = request.POST.get("days", "14")
    return _pair_action(
        request,
        pk,
        lambda pair: services.signal_snooze(
            pair,
            signal=request.POST.get("signal", ""),
            days=int(days) if days.isdigit() else 0,
            acting_user=request.user,
        ),
        _("Signal snoozed."),
    )


@require_POST
def rematch(request: HttpRequest, pk: int) -> HttpResponse:
    return _pair_action(
        request,
        pk,
        lambda pair: services.rematch_offer(
            pair, message=request.POST.get("message", ""), acting_user=request.user
        ),
        _("Re-match offered: both partners were emailed."),
    )


# --- Groups, retention, comparison, lessons --------------------------------------------------


def _scope(request: HttpRequest, program: Program) -> tuple[Any, list[Any]]:
    cohorts = list(program.cohorts.exclude(phase="draft"))
    cohort_id = request.GET.get("cohort", "")
    chosen = next((c for c in cohorts if str(c.pk) == cohort_id), None)
    return chosen, ([chosen] if chosen else cohorts)


def groups(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    cohort, scope = _scope(request, program)
    dimension = request.GET.get("by", "department")
    table = analysis.breakdown(cohorts=scope, dimension=dimension)
    chart = charts.bars(
        [row.label for row in table.rows],
        [row.applied for row in table.rows],
        label=_("Applicants per group"),
    )
    return render(
        request,
        "insights/groups.html",
        {
            "program": program,
            "cohort": cohort,
            "cohorts": program.cohorts.exclude(phase="draft"),
            "table": table,
            "dimensions": [(k, str(v)) for k, v in analysis.DIMENSIONS.items()],
            "chart": chart,
        },
    )


def retention_view(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    result = analysis.retention(cohort=cohort)
    labels, values = [], []
    for figure in result.figures:
        labels += [
            _("Participants, %(m)d months") % {"m": figure.months},
            _("Comparison, %(m)d months") % {"m": figure.months},
        ]
        values += [figure.participants_share, figure.comparison_share]
    return render(
        request,
        "insights/retention.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "result": result,
            "chart": charts.bars(labels, values, label=_("Share still employed"), suffix="%"),
        },
    )


def compare_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    available = list(program.cohorts.exclude(phase="draft").order_by("starts_on"))
    wanted = {int(x) for x in request.GET.getlist("cohorts") if x.isdigit()}
    chosen = [c for c in available if c.pk in wanted] or available
    objectives, columns = analysis.compare(
        program=program,
        cohorts=chosen,
        funnel_of=lambda c: selectors.cohort_funnel(c),
        kpis_of=lambda c: selectors.kpi_values(program=program, cohort=c),
    )
    rows = [
        (
            objective,
            [column.kpis.get(objective.pk) for column in columns],
        )
        for objective in objectives
    ]
    funnel_rows = []
    if columns:
        for index, (label, _n) in enumerate(columns[0].funnel):
            funnel_rows.append((label, [column.funnel[index][1] for column in columns]))
    health_rows = [
        (str(label), [column.health.get(code) for column in columns])
        for code, label in HealthState.choices
    ]
    return render(
        request,
        "insights/compare.html",
        {
            "program": program,
            "available": available,
            "columns": columns,
            "kpi_rows": rows,
            "funnel_rows": funnel_rows,
            "health_rows": health_rows,
        },
    )


def lessons_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    if not permissions.can_view_pairs(request.user, program):
        raise errors.PermissionDenied(_("Only this program's managers see the lessons."))
    result = analysis.lessons(program=program)
    return render(
        request,
        "insights/lessons.html",
        {
            "program": program,
            "result": result,
            "outcomes": {k: str(v) for k, v in analysis.OUTCOMES.items()},
            "too_little": analysis.explain_too_little(result) if result.too_little else "",
            "can_apply": permissions.can_apply_lessons(request.user, program)
            and bool(result.suggested),
        },
    )


@require_POST
def lessons_apply(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    result = analysis.lessons(program=program)
    try:
        services.lessons_apply(program, weights=result.suggested, acting_user=request.user)
    except errors.DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The suggested weights are now the program's settings."))
    return redirect("insights:lessons", program.pk)


# --- Exports and the report ------------------------------------------------------------------


def export(request: HttpRequest, program_pk: int, table: str, fmt: str) -> HttpResponseBase:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    return exports.export_response(user=request.user, program=program, name=table, fmt=fmt)


def exports_page(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    manager = permissions.can_view_pairs(request.user, program)
    tables = [t for t in exports.TABLES.values() if manager or not t.per_person]
    return render(request, "insights/exports.html", {"program": program, "tables": tables})


def report(request: HttpRequest) -> HttpResponse:
    """The sponsors' PDF: one page per program the user may see (`?program=` for one)."""
    programs = list(selectors.programs_visible(user=request.user))
    wanted = request.GET.get("program", "")
    if wanted.isdigit():
        programs = [selectors.program_get(user=request.user, program_id=int(wanted))]
    if not programs:
        raise errors.NotFound(_("No program to report on."))
    pdf = report_module.report_pdf(user=request.user, programs=programs)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="turnabout-program-report.pdf"'
    return response
