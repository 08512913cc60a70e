"""The engine's reason codes in words: who reads what, and stored rows from before codes."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from turnabout.matching import CONSTRAINTS, MatchConfig, Mentee, Mentor, match
from turnabout.pairing import explain

migration = importlib.import_module("turnabout.pairing.migrations.0002_reason_codes")


def _pair_reasons() -> list[dict[str, Any]]:
    mentor = Mentor(
        id="m",
        level=1,
        department="Eng",
        generation="Gen Z",
        skills={"excel": 3},
        availability=["tue-pm", "mon-am"],
        ergs=["Parents"],
    )
    mentee = Mentee(
        id="e",
        level=3,
        department="Sales",
        generation="Gen X",
        wants={"excel": "high"},
        availability=["tue-pm", "mon-am"],
        ergs=["Parents"],
    )
    config = {"diversity": {"department": "prefer_different", "generation": "prefer_different"}}
    (pair,) = match([mentor], [mentee], MatchConfig.from_mapping(config)).pairs
    return [r.as_dict() for r in pair.reasons]


def test_participants_never_read_an_erg_or_a_sensitive_attribute() -> None:
    reasons = _pair_reasons()
    manager = " | ".join(explain.reason_texts(reasons))
    participant = " | ".join(explain.reason_texts(reasons, audience="participant"))
    assert "shared ERG: Parents" in manager and "different generation" in manager
    assert "ERG" not in participant and "Parents" not in participant
    assert "generation" not in participant
    assert "different department" in participant


def test_time_slots_read_as_words() -> None:
    reasons = _pair_reasons()
    slots = [r for r in reasons if r["code"] == "availability"]
    assert slots[0]["params"]["shared"] == ["mon-am", "tue-pm"]
    assert "2 shared time slots: Mon morning, Tue afternoon" in explain.reason_texts(reasons)
    assert explain.slot_label("tue-pm") == "Tue afternoon"
    assert explain.slot_label("lunch") == "lunch"


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"code": "unmatched.nobody", "params": {"other": "mentee"}}, "no mentees to match with"),
        (
            {
                "code": "unmatched.no_eligible",
                "params": {
                    "role": "mentee",
                    "other": "mentor",
                    "ruled_out": {"level": 2, "excluded": 1},
                    "min_level_gap": 1,
                },
            },
            "no eligible mentor: 2 not at least 1 level junior, 1 excluded",
        ),
        (
            {"code": "unmatched.at_capacity", "params": {"other": "mentor", "eligible": 3}},
            "all 3 eligible mentors are at capacity with better-scoring pairs",
        ),
        ({"code": explain.REMOVED, "params": {}}, "removed from the proposals"),
        ({"code": explain.MANUAL, "params": {}}, "paired by hand by the program manager"),
        ({"code": "text", "params": {"text": "an old sentence"}}, "an old sentence"),
    ],
)
def test_codes_render_as_sentences(params: dict[str, Any], text: str) -> None:
    assert text in (explain.reason_text(params) or "")


def test_violation_texts_cover_every_engine_constraint() -> None:
    texts = explain.violation_texts(CONSTRAINTS, {"constraints": {"max_tz_hours": 3}})
    assert len(texts) == len(CONSTRAINTS)
    assert all(" " in t for t in texts)


def test_stored_sentences_become_codes_and_private_ones_are_dropped() -> None:
    old = [
        "locked by the program manager",
        "breaks: level",
        "paired by hand by the program manager",
        "offers 1 of 1 wanted topic: excel",
        "shared ERG: Parents",
        "same generation",
    ]
    assert migration._codes(old) == [
        {"code": "manual", "params": {}},
        {"code": "text", "params": {"text": "offers 1 of 1 wanted topic: excel"}},
    ]
    already = [{"code": "skills", "params": {"offered": ["x"], "wanted": 1}}]
    assert migration._codes(already) == already
