"""Initials avatars: stable colours, sensible initials, the name as text alternative."""

from __future__ import annotations

from django.template import Context, Template

from turnabout.common.templatetags.people_tags import colour_index, initials


def test_initials_take_first_and_last_word():
    assert initials("Ada Lovelace") == "AL"
    assert initials("Jean-Luc Picard") == "JP"
    assert initials("Cher") == "C"
    assert initials("  ") == "?"


def test_the_colour_is_stable_and_spread():
    assert colour_index("Ada Lovelace") == colour_index("Ada Lovelace")
    assert len({colour_index(f"person {n}") for n in range(100)}) == 8


def test_the_tag_renders_the_name_as_text_alternative_and_escapes_it():
    html = Template("{% load people_tags %}{% avatar name %}").render(
        Context({"name": "<Ada> Lovelace"})
    )
    assert 'aria-label="&lt;Ada&gt; Lovelace"' in html
    assert 'role="img"' in html
    decorative = Template("{% load people_tags %}{% avatar 'Bo Li' decorative=True %}").render(
        Context({})
    )
    assert 'aria-hidden="true"' in decorative and ">BL<" in decorative
