"""The privacy floor: the one place that decides whether an aggregate may be shown.

Every count, share or mean that a manager or a sponsor sees (pages, API, exports) about a
group of people passes through here. A group smaller than `TURNABOUT_MIN_GROUP_SIZE`
(never below 3) is hidden, and so is any group whose figure could be worked out by
subtraction from the figures that are shown (complementary suppression):

- a breakdown whose total is shown hides at least two groups, and the hidden groups hold at
  least the floor together, so no single hidden group can be derived;
- in a two-way table the same rule holds for every row and every column, applied until no
  more cells need hiding.

A count of zero is shown: it reveals that nobody is in a group, not who is.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings

ABSOLUTE_MINIMUM = 3

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def min_group_size() -> int:
    """The configured floor, never below three people."""
    return max(ABSOLUTE_MINIMUM, int(getattr(settings, "TURNABOUT_MIN_GROUP_SIZE", 5)))


def meets_floor(count: int, *, floor: int | None = None) -> bool:
    """True when a group of `count` people may be reported on its own."""
    return count >= (floor if floor is not None else min_group_size())


def _hide_in_line(counts: Mapping[K, int], hidden: set[K], floor: int) -> set[K]:
    """Cells of one line (a breakdown with a shown total) that must be hidden."""
    newly = {key for key, n in counts.items() if 0 < n < floor} - hidden
    result = hidden | newly
    line_hidden = [key for key in counts if key in result]
    if not line_hidden:
        return result
    # One hidden cell next to a shown total is derivable; hidden cells that hold fewer than
    # the floor together reveal that each is small. Hide the smallest shown cells until both
    # stop being true, or the whole line when that is not possible.
    visible = sorted(
        (key for key in counts if key not in result and counts[key] > 0),
        key=lambda key: (counts[key], str(key)),
    )
    while len(line_hidden) < 2 or sum(counts[key] for key in line_hidden) < floor:
        if not visible:
            return result | set(counts)
        key = visible.pop(0)
        result.add(key)
        line_hidden.append(key)
    return result


def suppress_counts(
    counts: Mapping[K, int], *, floor: int | None = None, total_shown: bool = True
) -> dict[K, int | None]:
    """A one-way breakdown with every unsafe group replaced by `None` (shown as "hidden").

    `total_shown=False` is for breakdowns whose total is nowhere on the page or in the
    response; then only the groups below the floor are hidden.
    """
    limit = floor if floor is not None else min_group_size()
    if total_shown:
        hidden = _hide_in_line(counts, set(), limit)
    else:
        hidden = {key for key, n in counts.items() if 0 < n < limit}
    return {key: (None if key in hidden else n) for key, n in counts.items()}


def suppress_table(
    table: Mapping[R, Mapping[C, int]], *, floor: int | None = None
) -> dict[R, dict[C, int | None]]:
    """A two-way table (rows x columns, row and column totals shown) made safe.

    Applies the one-way rule to every row and every column until nothing changes.
    """
    limit = floor if floor is not None else min_group_size()
    hidden: set[tuple[R, C]] = set()
    columns: list[C] = []
    for row in table.values():
        for column in row:
            if column not in columns:
                columns.append(column)
    changed = True
    while changed:
        changed = False
        for r, row in table.items():
            row_hidden = {c for c in row if (r, c) in hidden}
            new = _hide_in_line(row, row_hidden, limit) - row_hidden
            if new:
                hidden |= {(r, c) for c in new}
                changed = True
        for c in columns:
            cells: dict[R, int] = {r: row[c] for r, row in table.items() if c in row}
            column_hidden = {r for r in cells if (r, c) in hidden}
            new_rows = _hide_in_line(cells, column_hidden, limit) - column_hidden
            if new_rows:
                hidden |= {(r, c) for r in new_rows}
                changed = True
    return {
        r: {c: (None if (r, c) in hidden else n) for c, n in row.items()}
        for r, row in table.items()
    }


def suppress_chain(values: Sequence[int], *, floor: int | None = None) -> list[int | None]:
    """Steps of a funnel (each step mostly the people of the one before), made safe.

    A step is shown when it is zero or meets the floor, and when the difference from the
    last shown step (the people who left in between) is zero or meets the floor too;
    otherwise it is hidden and the next step is compared with the last shown one. So no
    small group appears, neither as a step nor as the gap between two shown steps.
    """
    limit = floor if floor is not None else min_group_size()
    shown: list[int | None] = []
    last: int | None = None
    for n in values:
        gap = 0 if last is None else abs(last - n)
        if 0 < n < limit or 0 < gap < limit:
            shown.append(None)
        else:
            shown.append(n)
            last = n
    return shown


@dataclass(frozen=True)
class GroupFigure:
    """One group's figure after the floor: `value` is None when the group is hidden."""

    label: str
    count: int | None
    value: float | None

    @property
    def hidden(self) -> bool:
        return self.count is None


def suppress_means(
    groups: Mapping[str, tuple[int, float | None]],
    *,
    floor: int | None = None,
    total_shown: bool = True,
) -> list[GroupFigure]:
    """Per-group means (count, mean) with the same rule as counts: a hidden group hides its
    mean too, so a mean is never shown for fewer people than the floor."""
    counts = {label: n for label, (n, _) in groups.items()}
    safe = suppress_counts(counts, floor=floor, total_shown=total_shown)
    return [
        GroupFigure(
            label=label,
            count=safe[label],
            value=None if safe[label] is None or safe[label] == 0 else mean,
        )
        for label, (_, mean) in groups.items()
    ]
