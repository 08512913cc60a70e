"""Golden examples with hand-checked scores and explanations, plus engine invariants."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnabout.matching import (
    LockedPair,
    MatchConfig,
    MatchConfigError,
    MatchInputError,
    Mentee,
    Mentor,
    OrgChart,
    Reason,
    Weights,
    match,
    reason_text,
)
from turnabout.matching.criteria import BY_NAME, CRITERIA, LABELS, REGISTRY
from turnabout.matching.engine import prepare
from turnabout.matching.fast import FEASIBLE_MIN, FastScorer
from turnabout.matching.scoring import View

from .conftest import random_cohort

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "turnabout" / "matching"


def texts(reasons: list[Reason]) -> list[str]:
    return [reason_text(r) for r in reasons]


def only(weights: dict[str, float]) -> MatchConfig:
    zero = dict.fromkeys(MatchConfig().weights.as_dict(), 0.0)
    return MatchConfig.from_mapping({"weights": {**zero, **weights}})


# --- golden examples -------------------------------------------------------------------


def test_skill_score_weighs_topics_by_priority_and_level():
    mentor = Mentor(id="m", level=1, skills={"ai tools": 3, "tiktok": 1})
    mentee = Mentee(id="e", level=4, wants={"AI tools": "high", "TikTok": "medium", "Excel": "low"})
    result = match([mentor], [mentee], only({"skills": 1}))
    (pair,) = result.pairs
    # priorities 3, 2, 1 (sum 6); levels 3/3 and 1/3 -> (3*1 + 2*(1/3)) / 6
    assert pair.score == pytest.approx((3 + 2 / 3) / 6, abs=1e-6)
    assert pair.reasons == [Reason("skills", {"offered": ["AI tools", "TikTok"], "wanted": 3})]
    assert texts(pair.reasons) == ["offers 2 of 3 wanted topics: AI tools, TikTok"]


def test_overlap_criteria_are_cosine_of_the_sets():
    mentor = Mentor(id="m", level=1, interests=["chess", "Running"], availability=["mon-am"])
    mentee = Mentee(
        id="e", level=3, interests=["running", "chess", "cooking"], availability=["mon-am"]
    )
    result = match([mentor], [mentee], only({"interests": 1, "availability": 1}))
    (pair,) = result.pairs
    assert pair.breakdown["interests"] == pytest.approx(2 / math.sqrt(6), abs=1e-4)
    assert pair.breakdown["availability"] == 1.0
    assert "1 shared time slot: Mon morning" in texts(pair.reasons)
    assert "2 shared interests: chess, running" in texts(pair.reasons)


def test_full_explanation_of_a_pair():
    mentor = Mentor(
        id="m1",
        level=2,
        department="Engineering",
        timezone="Europe/London",
        skills={"AI tools": 3, "TikTok": 2, "Figma": 1},
        availability=["mon-am", "wed-pm"],
        ergs=["Women in Tech"],
        languages=["English"],
        formats=["video", "chat"],
    )
    mentee = Mentee(
        id="e1",
        level=4,
        department="Sales",
        timezone="Europe/Paris",
        wants={"AI tools": "high", "TikTok": "high", "Figma": "low", "Podcasts": "medium"},
        availability=["mon-am", "wed-pm", "fri-pm"],
        ergs=["Women in Tech", "Parents"],
        languages=["English", "French"],
        formats=["video"],
    )
    (pair,) = match([mentor], [mentee]).pairs
    said = texts(pair.reasons)
    assert said[0] == "offers 3 of 4 wanted topics: AI tools, TikTok, Figma"
    assert "different department" in said
    assert "2 shared time slots: Mon morning, Wed afternoon" in said
    assert "level gap 2 (target 2)" in said
    assert Reason("availability", {"shared": ["mon-am", "wed-pm"]}) in pair.reasons
    assert pair.breakdown["seniority"] == 1.0
    assert pair.breakdown["timezone"] == pytest.approx(1 - 1 / 12, abs=1e-4)
    assert pair.breakdown["language"] == 1.0
    assert pair.breakdown["format"] == pytest.approx(1 / math.sqrt(2), abs=1e-4)
    assert sum(pair.contributions.values()) == pytest.approx(pair.score, abs=1e-3)


def test_unmatched_mentee_gets_the_constraint_counts():
    mentors = [
        Mentor(id="m1", level=5),
        Mentor(id="m2", level=6),
        Mentor(id="m3", level=1, manager_id="e1"),
        Mentor(id="m4", level=1, exclude=["e1"]),
    ]
    mentees = [Mentee(id="e1", level=5)]
    result = match(mentors, mentees)
    assert result.pairs == []
    reasons = {(u.role, u.id): reason_text(u.reason) for u in result.unmatched}
    codes = {(u.role, u.id): u.reason.code for u in result.unmatched}
    assert codes[("mentee", "e1")] == "unmatched.no_eligible"
    assert reasons[("mentee", "e1")] == (
        "no eligible mentor: 2 not at least 1 level junior, 1 in the same reporting line, "
        "1 excluded"
    )
    assert reasons[("mentor", "m3")] == "no eligible mentee: 1 in the same reporting line"


def test_unmatched_because_capacity_is_used_by_a_better_pair():
    mentor = Mentor(id="m", level=1, skills={"excel": 3})
    strong = Mentee(id="a", level=3, wants={"excel": "high"})
    weak = Mentee(id="b", level=3, wants={"tiktok": "high"})
    result = match([mentor], [strong, weak])
    assert [(p.mentor_id, p.mentee_id) for p in result.pairs] == [("m", "a")]
    assert result.unmatched[0].reason.code == "unmatched.at_capacity"
    assert reason_text(result.unmatched[0].reason) == (
        "its only eligible mentor is at capacity with better-scoring pairs"
    )


def test_reporting_line_uses_the_whole_chain_and_survives_cycles():
    org = OrgChart({"m": "boss", "boss": "bigboss", "bigboss": "e", "x": "y", "y": "x"})
    mentors = [Mentor(id="m", level=1), Mentor(id="x", level=1)]
    mentees = [Mentee(id="e", level=5), Mentee(id="y", level=5)]
    result = match(mentors, mentees, org=org)
    pairs = {(p.mentor_id, p.mentee_id) for p in result.pairs}
    assert pairs == {("m", "y"), ("x", "e")}
    relaxed = MatchConfig.from_mapping({"constraints": {"reporting_line": False}})
    assert match(mentors, mentees, relaxed, org=org).quality.matched == 2


def test_same_manager_rule_and_time_zone_limit():
    mentors = [Mentor(id="m", level=1, manager_id="boss", timezone="America/New_York")]
    mentees = [Mentee(id="e", level=4, manager_id="boss", timezone="Europe/London")]
    assert match(mentors, mentees).quality.matched == 1
    same = MatchConfig.from_mapping({"constraints": {"same_manager": True}})
    assert match(mentors, mentees, same).quality.matched == 0
    tz = MatchConfig.from_mapping({"constraints": {"max_tz_hours": 3}})
    result = match(mentors, mentees, tz)
    assert reason_text(result.unmatched[0].reason) == "no eligible mentor: 1 more than 3 h apart"


def test_required_language():
    mentors = [Mentor(id="m", level=1, languages=["French"])]
    mentees = [Mentee(id="e", level=4, languages=["English"])]
    config = MatchConfig.from_mapping({"constraints": {"require_language": True}})
    result = match(mentors, mentees, config)
    assert result.quality.matched == 0
    assert result.unmatched[0].reason.params["ruled_out"] == {"language": 1}
    assert "without a shared language" in reason_text(result.unmatched[0].reason)


def test_waiting_time_breaks_ties():
    mentor = Mentor(id="m", level=1)
    mentees = [Mentee(id="a", level=3), Mentee(id="b", level=3, waiting_days=30)]
    assert [p.mentee_id for p in match([mentor], mentees).pairs] == ["b"]
    mentees = [Mentee(id="a", level=3), Mentee(id="b", level=3)]
    assert [p.mentee_id for p in match([mentor], mentees).pairs] == ["a"]


def test_capacity_above_one_and_most_matched_before_best_score():
    mentor = Mentor(id="m", level=1, capacity=2, skills={"x": 3})
    other = Mentor(id="n", level=1)
    mentees = [
        Mentee(id="a", level=3, wants={"x": "high"}),
        Mentee(id="b", level=3, wants={"x": "high"}),
        Mentee(id="c", level=3, exclude=["n"]),
    ]
    result = match([mentor, other], mentees)
    assert result.quality.matched == 3
    assert sum(p.mentor_id == "m" for p in result.pairs) == 2


def test_locked_pair_is_kept_even_against_a_rule():
    mentors = [Mentor(id="m", level=5)]
    mentees = [Mentee(id="e", level=4)]
    result = match(mentors, mentees, locked=[LockedPair("m", "e")])
    (pair,) = result.pairs
    assert pair.locked
    assert pair.violations == ("level",)
    assert all(r.code in MatchConfig().weights.as_dict() for r in pair.reasons)


def test_bad_locked_pairs_and_people_are_rejected():
    mentors = [Mentor(id="m", level=1)]
    mentees = [Mentee(id="e", level=4), Mentee(id="f", level=4)]
    with pytest.raises(MatchInputError, match="unknown mentor 'x'"):
        match(mentors, mentees, locked=[LockedPair("x", "e")])
    with pytest.raises(MatchInputError, match="more locked mentees than capacity"):
        match(mentors, mentees, locked=[LockedPair("m", "e"), LockedPair("m", "f")])
    with pytest.raises(MatchInputError, match="appears twice"):
        match([*mentors, *mentors], mentees)
    with pytest.raises(MatchInputError, match="unknown time zone"):
        match([Mentor(id="m", level=1, timezone="Mars/Olympus")], mentees)
    with pytest.raises(MatchInputError, match="capacity must be at least 1"):
        match([Mentor(id="m", level=1, capacity=0)], mentees)


def test_empty_inputs():
    assert match([], []).quality.matched == 0
    result = match([Mentor(id="m", level=1)], [])
    assert [reason_text(u.reason) for u in result.unmatched] == ["no mentees to match with"]
    assert result.unmatched[0].reason.code == "unmatched.nobody"


# --- config ----------------------------------------------------------------------------


def test_config_round_trip_and_defaults():
    config = MatchConfig()
    assert MatchConfig.from_mapping(config.to_mapping()) == config
    assert config.constraints.min_level_gap == 1
    assert config.constraints.reporting_line is True
    assert config.constraints.same_manager is False
    assert config.constraints.max_tz_hours is None


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"weights": {"skils": 1}}, "weights.skils"),
        ({"weights": {"skills": -1}}, "weights.skills"),
        ({"weights": {"skills": "high"}}, "weights.skills"),
        ({"constraints": {"min_level_gap": 1.5}}, "constraints.min_level_gap"),
        ({"constraints": {"reporting_line": "yes"}}, "constraints.reporting_line"),
        ({"constraints": {"mentors_per_mentee": 0}}, "constraints.mentors_per_mentee"),
        ({"diversity": {"department": "different"}}, "diversity.department"),
        ({"objective": "fastest"}, "objective"),
        ({"mode": "huge"}, "mode"),
        ({"top_k": 0}, "top_k"),
        ({"colour": "red"}, "colour"),
        ({"weights": []}, "weights"),
    ],
)
def test_config_errors_name_the_key(data, key):
    with pytest.raises(MatchConfigError) as error:
        MatchConfig.from_mapping(data)
    assert error.value.key == key
    assert str(error.value).startswith(f"{key}: ")


# --- implementation invariants ---------------------------------------------------------


configs = st.fixed_dictionaries(
    {
        "constraints": st.fixed_dictionaries(
            {
                "same_manager": st.booleans(),
                "require_language": st.booleans(),
                "min_level_gap": st.integers(-1, 2),
            }
        ),
        "diversity": st.fixed_dictionaries(
            {"location": st.sampled_from(["prefer_same", "prefer_different", "ignore"])}
        ),
        "affinity": st.sampled_from(["prefer_same", "ignore"]),
    }
)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 1000), configs)
def test_fast_scorer_agrees_with_the_per_criterion_formulas(n_mentors, n_mentees, seed, data):
    mentors, mentees = random_cohort(n_mentors, n_mentees, seed)
    problem = prepare(mentors, mentees, MatchConfig.from_mapping(data))
    rows = np.arange(problem.n_mentees)
    fast = FastScorer(problem).cross(rows)
    slow, feasible, _ = problem.cross(rows)
    assert np.array_equal(fast > FEASIBLE_MIN, feasible)
    assert np.allclose(fast[feasible], slow[feasible], atol=1e-5)


@pytest.mark.parametrize("criterion", REGISTRY, ids=lambda c: c.name)
@settings(max_examples=10, deadline=None)
@given(st.integers(1, 10), st.integers(1, 10), st.integers(0, 1000), configs)
def test_each_criterion_fast_part_agrees_with_its_reference(
    criterion, n_mentors, n_mentees, seed, data
):
    """Loops over the registry: a criterion alone scores the same on both paths."""
    mentors, mentees = random_cohort(n_mentors, n_mentees, seed)
    alone = {**data, "weights": {**dict.fromkeys(CRITERIA, 0.0), criterion.name: 1.0}}
    if criterion.name == "diversity":
        alone["diversity"] = {"department": "prefer_different", "location": "prefer_same"}
    if criterion.name == "affinity":
        alone["affinity"] = "prefer_same"
    problem = prepare(mentors, mentees, MatchConfig.from_mapping(alone))
    assert list(problem.weights) == [criterion.name]
    rows = np.arange(problem.n_mentees)
    fast = FastScorer(problem).cross(rows)
    reference = problem.criterion(criterion.name, View(rows, None, paired=False))
    _, feasible, _ = problem.cross(rows)
    assert np.array_equal(fast > FEASIBLE_MIN, feasible)
    assert np.all((reference >= 0) & (reference <= 1))
    assert np.allclose(fast[feasible], reference[feasible], atol=1e-5)


def test_every_criterion_explains_itself_in_english():
    """Each record's explanation is a code with JSON-safe parameters and English text."""
    mentor = Mentor(
        id="m",
        level=1,
        department="Eng",
        timezone="Europe/London",
        skills={"excel": 3},
        interests=["chess"],
        goals="learn data tools",
        formats=["video"],
        availability=["tue-pm"],
        ergs=["Parents"],
        languages=["English"],
    )
    mentee = Mentee(
        id="e",
        level=3,
        department="Sales",
        timezone="Europe/London",
        wants={"excel": "high"},
        interests=["chess"],
        goals="data tools",
        formats=["video"],
        availability=["tue-pm"],
        ergs=["Parents"],
        languages=["English"],
    )
    (pair,) = match([mentor], [mentee], MatchConfig.from_mapping({})).pairs
    codes = {r.code for r in pair.reasons}
    assert codes <= set(CRITERIA) and "skills" in codes
    for reason in pair.reasons:
        json.dumps(reason.as_dict())
        assert reason_text(reason) == BY_NAME[reason.code].text(reason.params)
    assert "1 shared time slot: Tue afternoon" in texts(pair.reasons)


def test_weights_and_labels_come_from_the_registry():
    assert tuple(c.name for c in REGISTRY) == CRITERIA
    assert MatchConfig().weights.as_dict() == {c.name: c.default_weight for c in REGISTRY}
    assert set(LABELS) == set(CRITERIA)
    assert Weights(skills=2)["skills"] == 2.0
    with pytest.raises(TypeError):
        Weights(charm=1)


def test_the_engine_loads_only_numpy_scipy_and_ortools():
    """Beyond the standard library, a sparse run needs numpy, scipy and OR-Tools only,
    and the CLI's start-up leaves the solvers' heavy modules unloaded."""
    code = (
        "import sys, turnabout.matching.cli as cli;"
        "lazy = [m for m in ('scipy.optimize', 'ortools') if m in sys.modules];"
        "from turnabout.matching import Mentee, Mentor, MatchConfig, match;"
        "match([Mentor(id='m', level=1)], [Mentee(id='e', level=3)], MatchConfig(mode='sparse'));"
        "names = {m.split('.')[0] for m in sys.modules};"
        "extra = sorted(n for n in names - set(sys.stdlib_module_names) if not n.startswith('_')"
        " and n not in ('numpy', 'scipy', 'ortools', 'turnabout', 'cython_runtime',"
        " 'charset_normalizer'));"  # scipy's array-API shim imports numpy.f2py, which loads it
        "print(lazy, extra); sys.exit(1 if lazy or extra else 0)"
    )
    src = str(PACKAGE.parents[1])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_package_never_imports_django():
    code = (
        "import sys, turnabout.matching, turnabout.matching.cli;"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    src = str(PACKAGE.parents[1])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert "import django" not in text and "from django" not in text, path


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "constraints",
    [
        {},
        {"same_manager": True, "max_tz_hours": 3, "require_language": True},
        {"reporting_line": False, "min_level_gap": 2},
    ],
)
def test_idle_mentor_counts_match_a_pass_over_every_pair(seed, constraints):
    """The grouped count of why idle mentors got nobody equals the brute-force count."""
    from bench.matching.generate import hard_cohort
    from turnabout.matching import explain

    mentors, mentees, org = hard_cohort(60, 70, seed=seed)
    if seed == 3:  # managers shared across the two sides, no time zones
        (mentors, mentees), org = random_cohort(60, 70, seed=seed), None
    config = MatchConfig.from_mapping({"constraints": constraints})
    problem = prepare(mentors, mentees, config, org)
    rng = np.random.default_rng(seed)
    idle = np.flatnonzero(rng.random(problem.n_mentors) < 0.5)
    full = rng.random(problem.n_mentees) < 0.5
    totals, eligible, eligible_open = explain._idle_mentor_counts(problem, idle, full)
    everyone = np.arange(problem.n_mentees)
    counts, ok = explain._attribute(problem.cross_violations(everyone, idle), axis=0)
    for name, value in counts.items():
        assert totals[name].tolist() == value.tolist(), name
    assert eligible.tolist() == ok.sum(axis=0).tolist()
    assert eligible_open.tolist() == (ok & ~full[:, None]).sum(axis=0).tolist()
    assert sum(int(v.sum()) for v in counts.values()) > 0
    if seed == 3 and constraints.get("same_manager"):
        assert counts["same_manager"].sum() > 0
