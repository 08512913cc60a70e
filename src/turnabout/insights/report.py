"""The printable program report for sponsors: one A4 page per program (KPIs, funnel,
health, highlights), rendered from an HTML template by WeasyPrint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnabout.common.types import AnyUser
from turnabout.insights import charts, selectors
from turnabout.programs.models import Program


def _page(user: AnyUser, program: Program) -> dict[str, Any]:
    board = selectors.dashboard(user=user, program=program)
    highlights = []
    on_track = [c for c in board.cards if c.kpi.state == "on_track"]
    if on_track:
        highlights.append(
            ngettext(
                "%(n)d of %(m)d objective on track.",
                "%(n)d of %(m)d objectives on track.",
                len(board.cards),
            )
            % {"n": len(on_track), "m": len(board.cards)}
        )
    held = sum(h for _w, h, _m in board.weeks)
    if held:
        highlights.append(
            ngettext("%(n)d session held.", "%(n)d sessions held.", held) % {"n": held}
        )
    if board.topics_to_mentees:
        highlights.append(
            _("Leaders learned most about %(topic)s.") % {"topic": board.topics_to_mentees[0][0]}
        )
    if board.nps is not None:
        highlights.append(_("Net Promoter Score %(nps).0f.") % {"nps": board.nps.score or 0})
    return {
        "board": board,
        "highlights": highlights,
        "funnel_chart": charts.bars(
            [label for label, _n in board.funnel],
            [n for _l, n in board.funnel],
            label=_("Enrolment funnel"),
        ),
        "health_chart": charts.stacked(
            [
                (label, n, {"on_track": "ok", "check_in": "warn", "at_risk": "bad"}[code])
                for code, label, n in board.health
            ],
            label=_("Pair health"),
        ),
    }


def report_html(*, user: AnyUser, programs: Sequence[Program]) -> str:
    # Sponsors' view whatever the caller's role: aggregates only.
    pages = [_page(user, program) for program in programs]
    for page in pages:
        page["board"].sponsor_view = True
    return render_to_string(
        "insights/report.html", {"pages": pages, "generated": timezone.localdate()}
    )


def report_pdf(*, user: AnyUser, programs: Sequence[Program]) -> bytes:
    from weasyprint import HTML  # heavy: only when a report is asked for

    pdf: bytes = HTML(string=report_html(user=user, programs=programs)).write_pdf()
    return pdf
