"""Markdown -> safe HTML: markdown-it (raw HTML off) then nh3 (an allow-list sanitiser).

Two locks on one door: markdown-it with `html=False` escapes any HTML typed into the text,
and nh3 keeps only the tags and attributes below, so no script, no style, no `on*` event
attribute and no `javascript:` link can come through even if the parser is ever configured
differently. Links get `rel="noopener noreferrer"`.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> SafeString:
    """The HTML of `text`, safe to put in a page as it is."""
    html = sanitise(_md.render(text or ""))
    return mark_safe(html)  # noqa: S308  (nh3 sanitised it just above)
