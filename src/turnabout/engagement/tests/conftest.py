"""Fixtures: an active pair built through the real services (program, cohort, applications,
a match run, publish, both accept), with the two partners in different time zones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from turnabout.engagement.tests.factories import NOW, Pair, build_pair

__all__ = ["NOW", "Pair"]


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_pair(program_manager: Any, make_user: Callable[..., Any]) -> Callable[..., Pair]:
    def make(**kwargs: Any) -> Pair:
        return build_pair(program_manager, make_user, **kwargs)

    return make


@pytest.fixture
def pair(make_pair: Callable[..., Pair]) -> Pair:
    return make_pair()
