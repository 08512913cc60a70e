"""The arithmetic of results against direct formulas (hypothesis)."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from turnabout.feedback import stats

# Two-sided 95 % Student t quantiles from printed tables, for a direct check.
T_TABLE = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 19: 2.093, 29: 2.045}


@given(st.lists(st.integers(min_value=0, max_value=10), max_size=200))
def test_nps_is_share_of_promoters_minus_share_of_detractors(scores):
    result = stats.nps(scores)
    assert result.n == len(scores)
    if not scores:
        assert result.score is None
        return
    promoters = sum(1 for s in scores if s in (9, 10))
    detractors = sum(1 for s in scores if s <= 6)
    assert result.promoters == promoters
    assert result.detractors == detractors
    assert result.passives == len(scores) - promoters - detractors
    assert result.score is not None
    assert result.score == pytest.approx(
        100 * promoters / len(scores) - 100 * detractors / len(scores)
    )
    assert -100 <= result.score <= 100


def test_nps_refuses_values_off_the_scale():
    with pytest.raises(ValueError, match="0-10"):
        stats.nps([11])


@given(
    st.lists(
        st.floats(min_value=-4, max_value=4, allow_nan=False, allow_subnormal=False),
        min_size=2,
        max_size=30,
    ).filter(lambda v: v and len(v) - 1 in T_TABLE)
)
def test_interval_matches_the_textbook_formula(values):
    result = stats.mean_ci(values)
    n = len(values)
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    half = T_TABLE[n - 1] * sd / math.sqrt(n)
    assert result.n == n
    assert result.mean == pytest.approx(mean, abs=1e-9)
    assert result.sd == pytest.approx(sd, abs=1e-9)
    # the table has three decimals: compare to that precision
    assert result.low == pytest.approx(mean - half, abs=1e-3 * (sd + 1))
    assert result.high == pytest.approx(mean + half, abs=1e-3 * (sd + 1))
    assert result.low is not None and result.high is not None and result.mean is not None
    assert result.low <= result.mean <= result.high


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=100))
def test_interval_is_symmetric_and_narrows_with_more_data(values):
    result = stats.mean_ci([float(v) for v in values])
    doubled = stats.mean_ci([float(v) for v in values * 2])
    assert result.high is not None and result.low is not None and result.mean is not None
    assert doubled.high is not None and doubled.low is not None
    assert result.high - result.mean == pytest.approx(result.mean - result.low)
    assert doubled.high - doubled.low <= result.high - result.low + 1e-12


def test_interval_of_nothing_and_of_one_value():
    assert stats.mean_ci([]).mean is None
    one = stats.mean_ci([3.0])
    assert (one.n, one.mean, one.low, one.high) == (1, 3.0, None, None)


@given(st.lists(st.integers(min_value=1, max_value=5), max_size=50))
def test_distribution_counts_every_value_of_the_scale(values):
    counts = stats.distribution(values, 1, 5)
    assert list(counts) == [1, 2, 3, 4, 5]
    assert sum(counts.values()) == len(values)


@given(
    st.dictionaries(st.integers(0, 30), st.integers(1, 5)),
    st.dictionaries(st.integers(0, 30), st.integers(1, 5)),
)
def test_paired_changes_only_for_people_with_both_answers(pre, post):
    changes = stats.paired_changes(pre, post)
    both = sorted(pre.keys() & post.keys())
    assert changes == [post[k] - pre[k] for k in both]
