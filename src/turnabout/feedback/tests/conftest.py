from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from turnabout.feedback.tests.factories import Pairs, build_pairs


@pytest.fixture
def make_pairs(program_manager: Any, make_user: Callable[..., Any]) -> Callable[..., Pairs]:
    def make(**kwargs: Any) -> Pairs:
        return build_pairs(program_manager, make_user, **kwargs)

    return make
