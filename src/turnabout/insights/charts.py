"""Server-side SVG charts for the dashboards: small, fast, no JavaScript, printable.

Every chart has `role="img"` and an `aria-label`; the page puts a data table beside it
with the same figures, so nothing is only in the picture. Values are escaped; the SVG is
built from numbers and escaped labels only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

INK, MUTED, GRID = "#1f2933", "#52606d", "#e4e7eb"
COLORS = {
    "brand": "#3b5bdb",
    "ok": "#2b8a3e",
    "warn": "#a65e00",
    "bad": "#c92a2a",
    "grey": "#9aa5b1",
    "teal": "#0c8599",
}
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\""


def _svg(width: int, height: int, label: str, body: str, cls: str = "chart") -> SafeString:
    return mark_safe(  # noqa: S308  # built from numbers and escaped labels only
        f'<svg class="{cls}" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="12">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def _scale(values: Sequence[float], target: float | None) -> tuple[float, float]:
    points = [*values, *([target] if target is not None else [])]
    low, high = min(points, default=0.0), max(points, default=1.0)
    low = min(low, 0.0) if low >= 0 else low
    if high == low:
        high = low + 1.0
    pad = (high - low) * 0.08
    return low, high + pad


def sparkline(
    values: Sequence[float], *, target: float | None, label: str, state: str = "brand"
) -> SafeString:
    """A 120x32 line of the history with a dashed target line."""
    width, height = 120, 32
    if not values:
        return _svg(width, height, label, "", "chart chart--spark")
    low, high = _scale(values, target)

    def y(v: float) -> float:
        return height - 2 - (v - low) / (high - low) * (height - 4)

    step = (width - 4) / max(1, len(values) - 1)
    points = " ".join(f"{2 + i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    body = ""
    if target is not None:
        body += (
            f'<line x1="0" x2="{width}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{MUTED}" stroke-dasharray="3 3" stroke-width="1"/>'
        )
    color = COLORS.get(state, COLORS["brand"])
    if len(values) == 1:
        body += f'<circle cx="{width / 2}" cy="{y(values[0]):.1f}" r="2.5" fill="{color}"/>'
    else:
        body += f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>'
    return _svg(width, height, label, body, "chart chart--spark")


def line_vs_target(
    days: Sequence[date], values: Sequence[float | None], *, target: float, label: str, unit: str
) -> SafeString:
    """The KPI's history (a line) against its target (a dashed line), with axis labels."""
    width, height, left, bottom, top = 640, 260, 48, 28, 12
    known = [v for v in values if v is not None]
    low, high = _scale(known or [target], target)
    plot_w, plot_h = width - left - 12, height - bottom - top

    def y(v: float) -> float:
        return top + plot_h - (v - low) / (high - low) * plot_h

    def x(i: int) -> float:
        return left + (i / max(1, len(days) - 1)) * plot_w

    body = []
    for k in range(5):
        v = low + (high - low) * k / 4
        body.append(
            f'<line x1="{left}" x2="{width - 12}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="{GRID}"/><text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{v:.1f}{escape(unit)}</text>'
        )
    body.append(
        f'<line x1="{left}" x2="{width - 12}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
        f'stroke="{COLORS["bad"]}" stroke-dasharray="6 4" stroke-width="1.5"/>'
        f'<text x="{width - 14}" y="{y(target) - 5:.1f}" text-anchor="end" '
        f'fill="{COLORS["bad"]}">target</text>'
    )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, point in enumerate(values):
        if point is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(point):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) == 1:
            cx, cy = seg[0].split(",")
            body.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{COLORS["brand"]}"/>')
        else:
            body.append(
                f'<polyline points="{" ".join(seg)}" fill="none" '
                f'stroke="{COLORS["brand"]}" stroke-width="2.5"/>'
            )
    if days:
        for i in sorted({0, len(days) // 2, len(days) - 1}):
            body.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" fill="{MUTED}">'
                f"{days[i]:%-d %b %Y}</text>"
            )
    return _svg(width, height, label, "".join(body))


def bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    label: str,
    horizontal: bool = True,
    color: str = "brand",
    suffix: str = "",
) -> SafeString:
    """Bars with their values printed; a hidden value (None) shows as "hidden"."""
    shown = [v for v in values if v is not None]
    top_value = max(shown, default=0.0) or 1.0
    fill = COLORS.get(color, COLORS["brand"])
    body = []
    if horizontal:
        row, left, width = 26, 170, 640
        height = max(row * len(labels) + 8, 40)
        plot_w = width - left - 60
        for i, (name, v) in enumerate(zip(labels, values, strict=True)):
            y0 = 4 + i * row
            body.append(
                f'<text x="{left - 8}" y="{y0 + 16}" text-anchor="end" fill="{INK}">'
                f"{escape(name[:28])}</text>"
            )
            if v is None:
                body.append(f'<text x="{left}" y="{y0 + 16}" fill="{MUTED}">hidden</text>')
                continue
            w = max(1.0, v / top_value * plot_w) if v else 0.0
            body.append(
                f'<rect x="{left}" y="{y0 + 3}" width="{w:.1f}" height="{row - 8}" '
                f'rx="3" fill="{fill}"/><text x="{left + w + 6:.1f}" y="{y0 + 16}" '
                f'fill="{INK}">{_num(v)}{escape(suffix)}</text>'
            )
        return _svg(width, height, label, "".join(body))
    width, height, bottom = 640, 220, 40
    n = max(1, len(labels))
    slot = (width - 20) / n
    plot_h = height - bottom - 16
    for i, (name, v) in enumerate(zip(labels, values, strict=True)):
        x0 = 10 + i * slot
        if v is not None and v > 0:
            h = v / top_value * plot_h
            body.append(
                f'<rect x="{x0 + slot * 0.15:.1f}" y="{16 + plot_h - h:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{h:.1f}" rx="2" fill="{fill}"/>'
            )
        if n <= 16 or i % max(1, n // 8) == 0:
            body.append(
                f'<text x="{x0 + slot / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'fill="{MUTED}" font-size="10">{escape(name)}</text>'
            )
    body.append(
        f'<line x1="10" x2="{width - 10}" y1="{16 + plot_h}" y2="{16 + plot_h}" stroke="{GRID}"/>'
        f'<text x="10" y="12" fill="{MUTED}">max {_num(top_value)}{escape(suffix)}</text>'
    )
    return _svg(width, height, label, "".join(body))


def stacked(parts: Sequence[tuple[str, float | None, str]], *, label: str) -> SafeString:
    """One 100 % bar split into parts (label, value, color name); hidden parts are skipped."""
    width, height = 640, 56
    total = sum(v for _n, v, _c in parts if v) or 1.0
    x0 = 0.0
    body = []
    for name, v, color in parts:
        if not v:
            continue
        w = v / total * width
        body.append(
            f'<rect x="{x0:.1f}" y="4" width="{w:.1f}" height="28" '
            f'fill="{COLORS.get(color, COLORS["grey"])}"><title>{escape(name)}: {_num(v)}</title>'
            f"</rect>"
        )
        if w > 40:
            body.append(
                f'<text x="{x0 + w / 2:.1f}" y="23" text-anchor="middle" fill="#fff" '
                f'font-weight="600">{_num(v)}</text>'
            )
        x0 += w
    legend_x = 0
    for name, v, color in parts:
        body.append(
            f'<rect x="{legend_x}" y="40" width="10" height="10" '
            f'fill="{COLORS.get(color, COLORS["grey"])}"/>'
            f'<text x="{legend_x + 14}" y="49" fill="{INK}">{escape(name)}'
            f"{'' if v is not None else ' (hidden)'}</text>"
        )
        legend_x += 215
    return _svg(width, height, label, "".join(body))


def intervals(
    rows: Sequence[tuple[str, float, float | None, float | None]], *, label: str
) -> SafeString:
    """Means with 95 % intervals (label, mean, low, high) around a zero line."""
    row, left, width = 26, 190, 640
    height = max(row * len(rows) + 24, 48)
    points = [v for _l, m, lo, hi in rows for v in (m, lo, hi) if v is not None]
    bound = max([abs(v) for v in points] + [1.0])
    plot_w = width - left - 20

    def x(v: float) -> float:
        return left + (v + bound) / (2 * bound) * plot_w

    body = [
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="0" y2="{height - 18}" stroke="{GRID}"/>'
        f'<text x="{x(0):.1f}" y="{height - 4}" text-anchor="middle" fill="{MUTED}">0</text>'
        f'<text x="{x(-bound):.1f}" y="{height - 4}" fill="{MUTED}">{-bound:.1f}</text>'
        f'<text x="{x(bound):.1f}" y="{height - 4}" text-anchor="end" fill="{MUTED}">'
        f"+{bound:.1f}</text>"
    ]
    for i, (name, mean, low, high) in enumerate(rows):
        y0 = 4 + i * row + 12
        body.append(
            f'<text x="{left - 8}" y="{y0 + 4}" text-anchor="end" fill="{INK}">'
            f"{escape(name[:30])}</text>"
        )
        if low is not None and high is not None:
            body.append(
                f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y0}" y2="{y0}" '
                f'stroke="{COLORS["brand"]}" stroke-width="2"/>'
            )
        body.append(f'<circle cx="{x(mean):.1f}" cy="{y0}" r="4" fill="{COLORS["brand"]}"/>')
    return _svg(width, height, label, "".join(body))


def _num(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:.1f}"
