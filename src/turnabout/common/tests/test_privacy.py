"""The privacy floor: small groups and groups derivable by subtraction are hidden."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from turnabout.common.privacy import (
    meets_floor,
    min_group_size,
    suppress_chain,
    suppress_counts,
    suppress_table,
)


def test_floor_is_never_below_three(settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 1
    assert min_group_size() == 3
    settings.TURNABOUT_MIN_GROUP_SIZE = 10
    assert min_group_size() == 10
    assert not meets_floor(9)
    assert meets_floor(10)


def test_a_small_group_is_hidden_and_one_more_so_it_cannot_be_subtracted():
    shown = suppress_counts({"Finance": 12, "Legal": 2, "Sales": 7}, floor=5)
    assert shown["Legal"] is None
    # With the total shown, Legal = total - Finance - Sales: the smallest other group goes too.
    assert shown["Sales"] is None
    assert shown["Finance"] == 12


def test_hidden_groups_hold_at_least_the_floor_together():
    shown = suppress_counts({"a": 1, "b": 1, "c": 20, "d": 30}, floor=5)
    assert shown["a"] is None and shown["b"] is None
    assert shown["c"] is None  # a + b = 2 < 5 would reveal both are tiny
    assert shown["d"] == 30


def test_without_a_shown_total_only_small_groups_are_hidden():
    shown = suppress_counts({"a": 2, "b": 9, "c": 20}, floor=5, total_shown=False)
    assert shown == {"a": None, "b": 9, "c": 20}


def test_zero_is_shown_and_nothing_is_hidden_when_all_groups_are_big():
    assert suppress_counts({"a": 0, "b": 9, "c": 20}, floor=5) == {"a": 0, "b": 9, "c": 20}


def test_everything_is_hidden_when_no_safe_complement_exists():
    assert suppress_counts({"a": 2, "b": 1}, floor=5) == {"a": None, "b": None}


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 40), max_size=8),
    st.integers(3, 10),
)
def test_no_hidden_group_can_be_worked_out_from_the_shown_ones(counts, floor):
    shown = suppress_counts(counts, floor=floor)
    hidden = [k for k, v in shown.items() if v is None]
    for key, value in shown.items():
        if value is not None:
            assert value == counts[key]
            assert value == 0 or value >= floor
    if hidden and len(hidden) < len(shown):
        # total - shown = the hidden sum: it must cover two or more groups and the floor.
        assert len(hidden) >= 2
        assert sum(counts[k] for k in hidden) >= floor


@given(
    st.lists(st.lists(st.integers(0, 15), min_size=2, max_size=4), min_size=2, max_size=4),
    st.integers(3, 6),
)
def test_every_row_and_column_of_a_table_keeps_the_rule(rows, floor):
    width = min(len(r) for r in rows)
    table = {f"r{i}": {f"c{j}": row[j] for j in range(width)} for i, row in enumerate(rows)}
    safe = suppress_table(table, floor=floor)
    lines = [list(safe[r].items()) for r in safe]
    lines += [[(r, safe[r][c]) for r in safe] for c in next(iter(safe.values()))]
    for line in lines:
        values = [v for _, v in line]
        for v in values:
            assert v is None or v == 0 or v >= floor
        assert values.count(None) != 1


def test_a_funnel_hides_small_steps_and_small_gaps_between_shown_steps():
    # 12 applied, 11 accepted (1 left: hidden), 10 matched (2 since 12: hidden), 6 active
    # (6 since 12: shown), 0 completed (shown: nobody is nobody).
    assert suppress_chain([12, 11, 10, 6, 0], floor=5) == [12, None, None, 6, 0]
    assert suppress_chain([4, 4, 0], floor=5) == [None, None, 0]
    assert suppress_chain([20, 20, 14], floor=5) == [20, 20, 14]
