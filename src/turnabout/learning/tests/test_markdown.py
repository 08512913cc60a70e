"""Markdown is rendered safely: no script, no event attribute, no javascript: link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from turnabout.learning.markdown import render_markdown, sanitise

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="#" onclick="steal()">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>',
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@pytest.mark.parametrize("source", ATTACKS)
def test_dangerous_markup_is_neutralised(source: str) -> None:
    parser = _Tags()
    parser.feed(str(render_markdown(source)))
    for tag, attrs in parser.tags:  # the live tags of the output, not escaped text
        assert tag not in {"script", "img", "iframe", "svg", "style"}
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name != "style"
            assert not (value or "").strip().lower().startswith("javascript:")


def test_raw_html_is_escaped_not_interpreted() -> None:
    html = str(render_markdown('<a href="#" onclick="steal()">x</a>'))
    assert "<a" not in html and "&lt;a" in html  # shown as text, never as a live tag


def test_the_sanitiser_strips_what_the_parser_would_let_through() -> None:

    html = sanitise('<p onclick="x()">hi<script>alert(1)</script><a href="javascript:x">l</a></p>')
    assert html == '<p>hi<a rel="noopener noreferrer">l</a></p>'


def test_ordinary_markdown_is_kept() -> None:
    html = str(render_markdown("**Bold**, *it*, [a link](https://example.org)\n\n- one\n- two"))
    assert "<strong>Bold</strong>" in html and "<em>it</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert "<li>one</li>" in html
