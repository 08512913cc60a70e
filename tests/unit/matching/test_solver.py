"""The sparse solver (auction prices + square LAPJVsp) against the dense Hungarian optimum."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turnabout.matching import LockedPair, MatchConfig, match, solver

from .conftest import random_cohort

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_edges(
    seed: int, n_rows: int, n_cols: int, density: float, *, distinct: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unique random edges; benefits from a few levels (many ties) unless ``distinct``."""
    rng = np.random.default_rng(seed)
    mask = rng.random((n_rows, n_cols)) < density
    rows, cols = np.nonzero(mask)
    if distinct:
        benefit = rng.uniform(0.3, 0.9, len(rows)).round(6)
    else:
        benefit = rng.choice([0.25, 0.5, 0.5, 0.75, 1.0], len(rows))
    capacity = rng.integers(0, 4, n_cols)
    return rows.astype(np.int64), cols.astype(np.int64), benefit, capacity.astype(np.int64)


def dense_optimum(
    rows: np.ndarray, cols: np.ndarray, benefit: np.ndarray, n_rows: int, capacity: np.ndarray
) -> tuple[int, float, float]:
    """(pairs, total) of the most pairs then best total, and the best total at any count."""
    n_cols = len(capacity)
    offset = solver.lexicographic_offset(n_rows, int(capacity.sum()))
    most = np.zeros((n_rows, n_cols))
    most[rows, cols] = benefit + offset
    r, c = solver.solve_dense(most, capacity)
    best = np.zeros((n_rows, n_cols))
    best[rows, cols] = benefit
    r2, c2 = solver.solve_dense(best, capacity)
    return len(r), float(best[r, c].sum()), float(best[r2, c2].sum())


def check(rows, cols, benefit, n_rows, capacity, r, c) -> float:
    """The answer uses given edges only, within the capacities; returns its total."""
    table = {(int(i), int(j)): float(b) for i, j, b in zip(rows, cols, benefit, strict=True)}
    assert all((int(i), int(j)) in table for i, j in zip(r, c, strict=True))
    assert len(set(r.tolist())) == len(r)
    assert np.all(np.bincount(c, minlength=len(capacity)) <= capacity)
    return sum(table[(int(i), int(j))] for i, j in zip(r, c, strict=True))


@SETTINGS
@given(
    st.integers(0, 10_000),
    st.integers(1, 30),
    st.integers(1, 20),
    st.floats(0.05, 0.6),
    st.booleans(),
)
def test_sparse_solver_equals_the_dense_optimum(seed, n_rows, n_cols, density, distinct):
    rows, cols, benefit, capacity = random_edges(seed, n_rows, n_cols, density, distinct=distinct)
    count, most_total, best_total = dense_optimum(rows, cols, benefit, n_rows, capacity)
    offset = solver.lexicographic_offset(n_rows, int(capacity.sum()))

    r, c = solver.solve_sparse(rows, cols, benefit, n_rows, capacity, unmatched_benefit=-offset)
    assert len(r) == count
    assert abs(check(rows, cols, benefit, n_rows, capacity, r, c) - most_total) < 1e-9

    r, c = solver.solve_sparse(rows, cols, benefit, n_rows, capacity, unmatched_benefit=0.0)
    assert abs(check(rows, cols, benefit, n_rows, capacity, r, c) - best_total) < 1e-9


def test_sparse_solver_is_exact_on_a_larger_instance_with_capacities():
    """Large enough for several auction rounds per phase, and rows left with no edge."""
    rows, cols, benefit, capacity = random_edges(3, 400, 250, 0.03, distinct=True)
    capacity = np.maximum(capacity, 1)
    count, most_total, _ = dense_optimum(rows, cols, benefit, 400, capacity)
    offset = solver.lexicographic_offset(400, int(capacity.sum()))
    r, c = solver.solve_sparse(rows, cols, benefit, 400, capacity, unmatched_benefit=-offset)
    assert len(r) == count
    assert abs(check(rows, cols, benefit, 400, capacity, r, c) - most_total) < 1e-9


def test_auction_prices_are_finite_and_leave_unwanted_slots_free():
    rows = np.array([0, 0, 1, 1, 2], dtype=np.int64)
    slots = np.array([0, 1, 0, 1, 0], dtype=np.int64)
    benefit = np.array([0.9, 0.5, 0.8, 0.4, 0.7])
    prices = solver.auction_prices(rows, slots, benefit, 3, 3)
    assert np.all(np.isfinite(prices)) and np.all(prices >= 0)
    assert prices[2] == 0.0  # nobody has an edge to slot 2
    assert prices[0] > prices[1]  # everyone wants slot 0 most


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 12), st.integers(2, 12), st.integers(0, 10_000))
def test_sparse_mode_with_locks_and_capacities_equals_dense(n_mentors, n_mentees, seed):
    mentors, mentees = random_cohort(n_mentors, n_mentees, seed, max_capacity=3)
    rnd = random.Random(seed)
    locked = [LockedPair(rnd.choice(mentors).id, rnd.choice(mentees).id)]
    dense = match(mentors, mentees, MatchConfig(mode="dense"), locked=locked)
    sparse = match(mentors, mentees, MatchConfig(mode="sparse", top_k=50), locked=locked)
    assert sparse.quality.matched == dense.quality.matched
    assert abs(sparse.quality.total_score - dense.quality.total_score) < 1e-5


@SETTINGS
@given(
    st.integers(0, 10_000),
    st.integers(1, 30),
    st.integers(1, 20),
    st.floats(0.05, 0.6),
    st.booleans(),
)
def test_min_cost_flow_equals_the_scipy_oracle(seed, n_rows, n_cols, density, distinct):
    """OR-Tools' flow gives what scipy's sparse LAPJV (the oracle) gives, both objectives."""
    rows, cols, benefit, capacity = random_edges(seed, n_rows, n_cols, density, distinct=distinct)
    count, most_total, best_total = dense_optimum(rows, cols, benefit, n_rows, capacity)
    need = np.ones(n_rows, dtype=np.int64)
    integer = solver.integer_benefit(benefit)
    r, c = solver.solve_flow(rows, cols, integer, need, capacity, most_matched=True)
    assert len(r) == count
    assert abs(check(rows, cols, benefit, n_rows, capacity, r, c) - most_total) < 1e-6
    offset = solver.lexicographic_offset(n_rows, int(capacity.sum()))
    r2, c2 = solver.solve_sparse(rows, cols, benefit, n_rows, capacity, unmatched_benefit=-offset)
    assert len(r2) == len(r)
    oracle = check(rows, cols, benefit, n_rows, capacity, r2, c2)
    assert abs(check(rows, cols, benefit, n_rows, capacity, r, c) - oracle) < 1e-6
    r, c = solver.solve_flow(rows, cols, integer, need, capacity, most_matched=False)
    assert abs(check(rows, cols, benefit, n_rows, capacity, r, c) - best_total) < 1e-6


@SETTINGS
@given(st.integers(0, 10_000), st.integers(1, 12), st.integers(1, 12), st.integers(1, 3))
def test_min_cost_flow_with_several_mentors_per_mentee_equals_the_lp(seed, n_rows, n_cols, k):
    rows, cols, benefit, capacity = random_edges(seed, n_rows, n_cols, 0.5, distinct=True)
    need = np.full(n_rows, k, dtype=np.int64)
    offset = solver.lexicographic_offset(n_rows * k, int(capacity.sum()))
    lp_rows, lp_cols = solver.solve_lp(rows, cols, benefit + offset, need, capacity)
    flow_rows, flow_cols = solver.solve_flow(
        rows, cols, solver.integer_benefit(benefit), need, capacity, most_matched=True
    )
    assert len(flow_rows) == len(lp_rows)
    table = dict(zip(zip(rows.tolist(), cols.tolist(), strict=True), benefit, strict=True))
    lp_total = sum(table[p] for p in zip(lp_rows.tolist(), lp_cols.tolist(), strict=True))
    flow_total = sum(table[p] for p in zip(flow_rows.tolist(), flow_cols.tolist(), strict=True))
    assert abs(lp_total - flow_total) < 1e-6
    assert np.all(np.bincount(flow_rows, minlength=n_rows) <= k)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 40), st.integers(2, 40), st.integers(0, 10_000), st.integers(1, 4))
def test_the_certificate_never_lies(n_mentors, n_mentees, seed, top_k):
    """Certified means the dense optimum; otherwise the bound covers the real gap."""
    mentors, mentees = random_cohort(n_mentors, n_mentees, seed, max_capacity=2)
    dense = match(mentors, mentees, MatchConfig(mode="dense")).quality
    for rounds in (0, 3):
        config = MatchConfig(mode="sparse", top_k=top_k, certify_rounds=rounds)
        sparse = match(mentors, mentees, config).quality
        assert sparse.solver == "ortools" and sparse.gap_bound is not None
        if sparse.certified:
            assert sparse.gap_bound == 0.0
            assert sparse.matched == dense.matched
            assert abs(sparse.total_score - dense.total_score) < 1e-5
        else:
            assert sparse.gap_bound > 0
            offset = solver.lexicographic_offset(n_mentees, sum(m.capacity for m in mentors))
            real_gap = (dense.matched - sparse.matched) * offset + (
                dense.total_score - sparse.total_score
            )
            assert real_gap <= sparse.gap_bound + 1e-4


def test_auto_mode_goes_by_cells_not_by_the_larger_side():
    """3,500 mentees (more than the old 3,000-per-side limit) but few mentor places: the
    problem fits the cell budget, so it is solved densely and exactly."""
    mentors, mentees = random_cohort(3, 3500, 5, max_capacity=2)
    result = match(mentors, mentees, MatchConfig())
    assert result.quality.mode == "dense"
    assert result.quality.verdict == "optimal"
    tight = MatchConfig(dense_cells=100)
    sparse = match(mentors, mentees, tight).quality
    assert sparse.mode == "sparse" and sparse.verdict in (
        "optimal (certified)",
        f"within {sparse.gap_bound:.6f} of the optimum (certified bound)",
    )


def test_scipy_stays_available_as_the_fallback():
    mentors, mentees = random_cohort(25, 25, 11, max_capacity=2)
    flow = match(mentors, mentees, MatchConfig(mode="sparse", solver="ortools")).quality
    lapjv = match(mentors, mentees, MatchConfig(mode="sparse", solver="scipy")).quality
    assert lapjv.solver == "scipy" and flow.solver == "ortools"
    assert flow.matched == lapjv.matched
    assert abs(flow.total_score - lapjv.total_score) < 1e-5


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10_000),
    st.sampled_from(
        [
            {"objective": "max_score"},
            {"constraints": {"mentors_per_mentee": 2}},
            {"locked": True},
            {"fairness": True},
        ]
    ),
)
def test_certified_means_optimal_with_locks_several_mentors_and_max_score(seed, extra):
    mentors, mentees = random_cohort(12, 14, seed, max_capacity=2)
    extra = dict(extra)
    locked = [LockedPair(mentors[0].id, mentees[0].id)] if extra.pop("locked", False) else []
    dense = match(
        mentors, mentees, MatchConfig.from_mapping({**extra, "mode": "dense"}), None, locked
    )
    sparse = match(
        mentors,
        mentees,
        MatchConfig.from_mapping({**extra, "mode": "sparse", "top_k": 2, "certify_rounds": 10}),
        None,
        locked,
    )
    if extra.get("fairness"):
        assert not sparse.quality.certified
        assert "fairness floor" in sparse.quality.verdict
        return
    if not sparse.quality.certified:  # rare with ten rounds; then the bound must hold
        assert sparse.quality.gap_bound is not None
        assert dense.quality.total_score - sparse.quality.total_score <= sparse.quality.gap_bound
        return
    assert sparse.quality.matched == dense.quality.matched
    assert abs(sparse.quality.total_score - dense.quality.total_score) < 1e-5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-50, 50), max_size=40),
    st.lists(st.integers(-50, 50), max_size=40),
)
def test_sorted_set_operations_agree_with_numpy(values, test):
    from turnabout.matching import _codes

    a, b = np.asarray(values, dtype=np.int64), np.asarray(test, dtype=np.int64)
    assert _codes.unique(a).tolist() == np.unique(a).tolist()
    assert _codes.isin(a, b).tolist() == np.isin(a, b).tolist()
    assert _codes.member(np.unique(b), a).tolist() == np.isin(a, b).tolist()
