"""Fixtures of the learning tests: a cohort with accepted participants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from turnabout.learning.tests.factories import Setup, make_setup


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def build_cohort(program_manager: Any, make_user: Callable[..., Any]) -> Callable[..., Setup]:
    def build(**kwargs: Any) -> Setup:
        return make_setup(program_manager, make_user, **kwargs)

    return build
