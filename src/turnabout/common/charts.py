"""Server-side SVG charts (pygal), rendered inline: no CDN, no JavaScript needed."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from turnabout.common.csp import NONCE_PLACEHOLDER

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE_ATTR = re.compile(r'\sstyle="[^"]*"')

TURNABOUT_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    opacity=".9",
    opacity_hover="1",
    colors=("#3b5bdb", "#0c8599", "#e8590c", "#2b8a3e", "#862e9c"),
    font_family="system-ui, -apple-system, 'Segoe UI', sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=16,
    guide_stroke_color="#e4e7eb",
    major_guide_stroke_color="#cbd2d9",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
    value_colors=("#ffffff",),
)


def bar_chart(
    *, title: str, labels: Sequence[str], values: Sequence[float], horizontal: bool = False
) -> SafeString:
    """An accessible inline SVG bar chart (the title doubles as its text alternative)."""
    chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = chart_class(
        style=TURNABOUT_STYLE,
        js=[],
        show_legend=False,
        height=max(260, 28 * len(labels)) if horizontal else 300,
        width=640,
        print_values=True,
        margin=12,
        disable_xml_declaration=True,
    )
    chart.title = title
    chart.x_labels = list(labels)
    chart.add(title, [float(v) for v in values])
    svg: str = chart.render(is_unicode=True)
    # pygal escapes the labels and values it draws; the title is escaped for the attribute.
    labelled = csp_safe_svg(svg).replace(
        "<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1
    )
    return mark_safe(labelled)  # noqa: S308  # pygal's escaped SVG, see above


def csp_safe_svg(svg: str) -> str:
    """A pygal SVG that obeys the Content-Security-Policy: its inline config script and
    style attributes removed (the chart is static), its `<style>` marked for the request's
    nonce (`common.middleware.SecurityHeadersMiddleware` fills it in)."""
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE_ATTR.sub("", svg)
    return svg.replace("<style", f'<style nonce="{NONCE_PLACEHOLDER}"')
