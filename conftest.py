"""Fixtures shared by every test folder: people and accounts built through the services."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

import pytest

# pytest-playwright keeps an asyncio loop alive; Django must not refuse sync DB calls then.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """No persistent connections in tests: live-server request threads would keep theirs
    open, and PostgreSQL then refuses to drop the test database at the end."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def make_employee(db: None) -> Callable[..., Any]:
    """Create an employee directly (test data, not a user action)."""
    from turnabout.people.models import Employee

    def make(**fields: Any) -> Employee:
        n = next(_counter)
        defaults: dict[str, Any] = {
            "employee_id": f"T{n:05d}",
            "first_name": f"First{n}",
            "last_name": f"Last{n}",
            "email": f"person{n}@example.com",
            "title": "Analyst",
            "department": "Finance",
            "location": "London",
            "timezone": "Europe/London",
            "level": 3,
        }
        defaults.update(fields)
        return Employee.objects.create(**defaults)

    return make


@pytest.fixture
def make_user(db: None, make_employee: Callable[..., Any]) -> Callable[..., Any]:
    """A login account with the given roles; linked to an employee unless `employee=False`."""
    from django.contrib.auth import get_user_model

    from turnabout.accounts.models import Role
    from turnabout.accounts.services import role_grant

    def make(*roles: Role, employee: bool = True, password: str = "correct-horse-42") -> Any:
        n = next(_counter)
        email = f"user{n}@example.com"
        user = get_user_model().objects.create_user(username=email, email=email, password=password)
        for role in roles:
            role_grant(user, role, acting_user=None)
        if employee:
            make_employee(email=email, user=user)
        return user

    return make


@pytest.fixture
def org_admin(make_user: Callable[..., Any]) -> Any:
    from turnabout.accounts.models import Role

    return make_user(Role.ORG_ADMIN)


@pytest.fixture
def program_manager(make_user: Callable[..., Any]) -> Any:
    from turnabout.accounts.models import Role

    return make_user(Role.PROGRAM_MANAGER)


@pytest.fixture
def sponsor(make_user: Callable[..., Any]) -> Any:
    from turnabout.accounts.models import Role

    return make_user(Role.SPONSOR)


@pytest.fixture
def participant(make_user: Callable[..., Any]) -> Any:
    return make_user()


# --- Built through the real services: a published cohort, an active pair ---------------


@pytest.fixture
def build_cohort(program_manager: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """A cohort with applications, matched and ready to publish (`pairing.tests.factories`)."""
    from turnabout.pairing.tests.factories import make_setup

    def build(**kwargs: Any) -> Any:
        return make_setup(program_manager, make_user, **kwargs)

    return build


@pytest.fixture
def make_pair(program_manager: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """An active pair, the two partners in different time zones
    (`engagement.tests.factories`)."""
    from turnabout.engagement.tests.factories import build_pair

    def make(**kwargs: Any) -> Any:
        return build_pair(program_manager, make_user, **kwargs)

    return make


@pytest.fixture
def pair(make_pair: Callable[..., Any]) -> Any:
    return make_pair()
