"""Pairing fixtures, shared with other apps' tests that need a published cohort.

Import them into a conftest or a test module to use them there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from turnabout.pairing.tests.factories import Setup, make_setup


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Argon2 is slow by design; these tests do not test hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def build_cohort(program_manager: Any, make_user: Callable[..., Any]) -> Callable[..., Setup]:
    def build(**kwargs: Any) -> Setup:
        return make_setup(program_manager, make_user, **kwargs)

    return build
