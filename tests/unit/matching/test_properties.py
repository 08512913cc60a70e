"""Properties of the solver on random small cohorts, checked against independent answers."""

from __future__ import annotations

import itertools
import random

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import maximum_bipartite_matching

from turnabout.matching import LockedPair, MatchConfig, Mentee, Mentor, feasible_pairs, match

from .conftest import random_cohort

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def chain(person_id: str, managers: dict[str, str]) -> set[str]:
    out: set[str] = set()
    current = managers.get(person_id, "")
    while current and current not in out and current != person_id:
        out.add(current)
        current = managers.get(current, "")
    return out


def feasible(mentor: Mentor, mentee: Mentee, managers: dict[str, str], gap: int = 1) -> bool:
    """The hard constraints, written independently of the engine (one pair at a time)."""
    return (
        mentor.id != mentee.id
        and mentee.level - mentor.level >= gap
        and mentor.id not in chain(mentee.id, managers)
        and mentee.id not in chain(mentor.id, managers)
        and mentor.id not in mentee.exclude
        and mentee.id not in mentor.exclude
    )


def managers_of(mentors: list[Mentor], mentees: list[Mentee]) -> dict[str, str]:
    return {p.id: p.manager_id for p in [*mentors, *mentees] if p.manager_id}


def score_table(mentors: list[Mentor], mentees: list[Mentee], config: MatchConfig):
    table: dict[tuple[str, str], float] = {}
    for block in feasible_pairs(mentors, mentees, config):
        for m, e, s in zip(block.mentor_ids, block.mentee_ids, block.scores, strict=True):
            table[(m, e)] = float(s)
    return table


def max_cardinality(mentors: list[Mentor], mentees: list[Mentee]) -> int:
    """Maximum matching of the feasibility graph, mentor columns repeated by capacity."""
    managers = managers_of(mentors, mentees)
    slots = [m for m in mentors for _ in range(m.capacity)]
    graph = np.array(
        [[feasible(m, e, managers) for m in slots] for e in mentees], dtype=np.int8
    ).reshape(len(mentees), len(slots))
    if graph.size == 0:
        return 0
    matching = maximum_bipartite_matching(sp.csr_matrix(graph), perm_type="column")
    return int((matching >= 0).sum())


def brute_force_best(mentors, mentees, table) -> tuple[int, float]:
    """(most pairs, best total among those) by trying every assignment (capacity 1)."""
    best = (0, 0.0)
    options = [None, *range(len(mentors))]
    for choice in itertools.product(options, repeat=len(mentees)):
        used = [c for c in choice if c is not None]
        if len(used) != len(set(used)):
            continue
        pairs = [
            (mentors[c].id, e.id) for c, e in zip(choice, mentees, strict=True) if c is not None
        ]
        if any(p not in table for p in pairs):
            continue
        total = round(sum(table[p] for p in pairs), 6)
        if (len(pairs), total) > best:
            best = (len(pairs), total)
    return best


cohorts = st.builds(
    random_cohort,
    st.integers(0, 9),
    st.integers(0, 9),
    st.integers(0, 10_000),
    max_capacity=st.integers(1, 3),
)


@SETTINGS
@given(cohorts)
def test_every_pair_is_feasible_and_capacities_hold(cohort):
    mentors, mentees = cohort
    result = match(mentors, mentees)
    managers = managers_of(mentors, mentees)
    by_id = {p.id: p for p in [*mentors, *mentees]}
    for pair in result.pairs:
        assert feasible(by_id[pair.mentor_id], by_id[pair.mentee_id], managers)  # type: ignore[arg-type]
    load = {m.id: 0 for m in mentors}
    for pair in result.pairs:
        load[pair.mentor_id] += 1
    assert all(load[m.id] <= m.capacity for m in mentors)
    assert len({p.mentee_id for p in result.pairs}) == len(result.pairs)


@SETTINGS
@given(cohorts)
def test_matched_count_is_the_maximum_matching(cohort):
    mentors, mentees = cohort
    result = match(mentors, mentees)
    assert result.quality.matched == max_cardinality(mentors, mentees)
    matched_people = len(result.pairs) + len(result.unmatched)
    assert matched_people >= len(mentees)


@SETTINGS
@given(cohorts)
def test_sparse_mode_matches_as_many_as_dense(cohort):
    mentors, mentees = cohort
    dense = match(mentors, mentees, MatchConfig(mode="dense"))
    sparse = match(mentors, mentees, MatchConfig(mode="sparse", top_k=3))
    assert sparse.quality.matched <= dense.quality.matched
    wide = match(mentors, mentees, MatchConfig(mode="sparse", top_k=50))
    assert wide.quality.matched == dense.quality.matched
    assert abs(wide.quality.total_score - dense.quality.total_score) < 1e-5


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 5), st.integers(0, 5), st.integers(0, 10_000))
def test_total_equals_brute_force_optimum(n_mentors, n_mentees, seed):
    mentors, mentees = random_cohort(n_mentors, n_mentees, seed)
    config = MatchConfig()
    table = score_table(mentors, mentees, config)
    count, total = brute_force_best(mentors, mentees, table)
    result = match(mentors, mentees, config)
    assert result.quality.matched == count
    assert abs(result.quality.total_score - total) < 1e-5
    for pair in result.pairs:
        assert pair.score == table[(pair.mentor_id, pair.mentee_id)]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 10_000))
def test_max_score_objective_equals_independent_assignment(n_mentors, n_mentees, seed):
    """With objective max_score the total is scipy's optimum on an independently built matrix."""
    mentors, mentees = random_cohort(n_mentors, n_mentees, seed)
    config = MatchConfig(objective="max_score")
    table = score_table(mentors, mentees, config)
    matrix = np.zeros((len(mentees), len(mentors)))
    for j, m in enumerate(mentors):
        for i, e in enumerate(mentees):
            matrix[i, j] = table.get((m.id, e.id), 0.0)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    expected = matrix[rows, cols].sum()
    result = match(mentors, mentees, config)
    assert abs(result.quality.total_score - expected) < 1e-5
    best_count = match(mentors, mentees).quality
    assert result.quality.total_score >= best_count.total_score - 1e-5


@SETTINGS
@given(cohorts, st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_the_same_result(cohort, rnd: random.Random):
    mentors, mentees = cohort
    first = match(mentors, mentees)
    shuffled_mentors, shuffled_mentees = list(mentors), list(mentees)
    rnd.shuffle(shuffled_mentors)
    rnd.shuffle(shuffled_mentees)
    second = match(shuffled_mentors, shuffled_mentees)
    assert first.pairs == second.pairs
    assert first.unmatched == sorted(second.unmatched, key=first.unmatched.index) or (
        sorted(first.unmatched, key=lambda u: (u.role, u.id))
        == sorted(second.unmatched, key=lambda u: (u.role, u.id))
    )
    assert first.quality.total_score == second.quality.total_score


@SETTINGS
@given(cohorts, st.integers(0, 10_000))
def test_locked_pairs_are_kept(cohort, seed):
    mentors, mentees = cohort
    if not mentors or not mentees:
        return
    rnd = random.Random(seed)
    mentor = rnd.choice(mentors)
    mentee = rnd.choice(mentees)
    result = match(mentors, mentees, locked=[LockedPair(mentor.id, mentee.id)])
    locked = [p for p in result.pairs if p.locked]
    assert [(p.mentor_id, p.mentee_id) for p in locked] == [(mentor.id, mentee.id)]
    assert sum(1 for p in result.pairs if p.mentee_id == mentee.id) == 1
    assert sum(1 for p in result.pairs if p.mentor_id == mentor.id) <= mentor.capacity


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 10_000))
def test_two_mentors_per_mentee_is_optimal(n_mentors, n_mentees, seed):
    mentors, mentees = random_cohort(n_mentors, n_mentees, seed, max_capacity=2)
    config = MatchConfig.from_mapping({"constraints": {"mentors_per_mentee": 2}})
    table = score_table(mentors, mentees, config)
    edges = sorted(table)
    best = (0, 0.0)
    capacity = {m.id: m.capacity for m in mentors}
    for size in range(len(edges) + 1):
        for subset in itertools.combinations(edges, size):
            mentor_load: dict[str, int] = {}
            mentee_load: dict[str, int] = {}
            for m, e in subset:
                mentor_load[m] = mentor_load.get(m, 0) + 1
                mentee_load[e] = mentee_load.get(e, 0) + 1
            if any(v > capacity[k] for k, v in mentor_load.items()):
                continue
            if any(v > 2 for v in mentee_load.values()):
                continue
            best = max(best, (size, round(sum(table[p] for p in subset), 6)))
        if size > 8:
            break
    result = match(mentors, mentees, config)
    assert result.quality.matched == best[0]
    assert abs(result.quality.total_score - best[1]) < 1e-5
    pairs = [(p.mentor_id, p.mentee_id) for p in result.pairs]
    assert len(pairs) == len(set(pairs))


@SETTINGS
@given(cohorts)
def test_fairness_keeps_the_count_and_raises_the_weakest_pair(cohort):
    mentors, mentees = cohort
    plain = match(mentors, mentees)
    fair = match(mentors, mentees, MatchConfig(fairness=True))
    assert fair.quality.matched == plain.quality.matched
    assert fair.quality.min_score >= plain.quality.min_score - 1e-9
    if fair.pairs:
        assert fair.quality.fairness_threshold is not None
        assert all(p.score >= fair.quality.fairness_threshold for p in fair.pairs)


@SETTINGS
@given(cohorts)
def test_blocking_pairs_match_a_direct_count(cohort):
    mentors, mentees = cohort
    result = match(mentors, mentees)
    table = score_table(mentors, mentees, MatchConfig())
    got = {(p.mentor_id, p.mentee_id): p.score for p in result.pairs}
    mentee_score = {p.mentee_id: p.score for p in result.pairs}
    mentor_scores: dict[str, list[float]] = {}
    for p in result.pairs:
        mentor_scores.setdefault(p.mentor_id, []).append(p.score)
    capacity = {m.id: m.capacity for m in mentors}
    count = 0
    for (m, e), s in table.items():
        if (m, e) in got:
            continue
        mentee_wants = e not in mentee_score or s > mentee_score[e]
        held = mentor_scores.get(m, [])
        mentor_wants = len(held) < capacity[m] or s > min(held)
        count += mentee_wants and mentor_wants
    assert result.quality.blocking_pairs == count


@settings(max_examples=15, deadline=None)
@given(st.integers(20, 60), st.integers(20, 60), st.integers(0, 10_000), st.integers(2, 8))
def test_blocked_sparse_scoring_finds_the_same_answer(n_mentors, n_mentees, seed, top_k):
    """Tiny blocks force the threaded, multi-block candidate search and its merging."""
    import turnabout.matching.engine as engine_module

    mentors, mentees = random_cohort(n_mentors, n_mentees, seed, max_capacity=2)
    original = engine_module.CELLS_PER_BLOCK
    try:
        engine_module.CELLS_PER_BLOCK = 1
        blocked = match(mentors, mentees, MatchConfig(mode="sparse", top_k=top_k))
        everything = match(mentors, mentees, MatchConfig(mode="sparse", top_k=100))
        rnd = random.Random(seed)
        shuffled_mentors, shuffled_mentees = list(mentors), list(mentees)
        rnd.shuffle(shuffled_mentors)
        rnd.shuffle(shuffled_mentees)
        again = match(shuffled_mentors, shuffled_mentees, MatchConfig(mode="sparse", top_k=top_k))
    finally:
        engine_module.CELLS_PER_BLOCK = original
    dense = match(mentors, mentees, MatchConfig(mode="dense"))
    assert blocked.pairs == again.pairs
    assert everything.quality.matched == dense.quality.matched
    assert abs(everything.quality.total_score - dense.quality.total_score) < 1e-5
    assert blocked.quality.matched <= dense.quality.matched
