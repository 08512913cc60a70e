"""The hook through which the HR import tells other apps about leavers.

`people` sits below the apps that hold a person's commitments (pairing's mentorships), so
it cannot call them. Such an app registers a `LeaverHandler` from its AppConfig.ready();
the import calls every handler inside its own transaction, so a leaver's access and their
commitments end together or not at all (a handler that raises rolls the import back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from turnabout.common.types import AnyUserOrSystem


@dataclass(frozen=True)
class LeaverHandler:
    """`count`: how many live commitments of these employees `end` would end (a preview);
    `end`: end them, acting as `acting_user` (None: the system), and say how many ended."""

    name: str
    count: Callable[[Sequence[int]], int]
    end: Callable[[Sequence[int], AnyUserOrSystem], int]


_handlers: dict[str, LeaverHandler] = {}


def register_leaver_handler(handler: LeaverHandler) -> None:
    """Register (or replace, by name) a handler of leavers."""
    _handlers[handler.name] = handler


def leavers_count(employee_pks: Sequence[int]) -> int:
    """What the registered handlers would end for these employees (a dry run)."""
    return sum(handler.count(employee_pks) for handler in _handlers.values())


def leavers_end(employee_pks: Sequence[int], *, acting_user: AnyUserOrSystem) -> int:
    """End the leavers' commitments in every registered handler, in the caller's
    transaction; returns how many ended."""
    return sum(handler.end(employee_pks, acting_user) for handler in _handlers.values())
