from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from turnabout.people.permissions import is_participant

pytestmark = pytest.mark.django_db


def test_an_account_linked_to_an_employee_is_a_participant(participant, make_user):
    assert is_participant(participant)
    assert not is_participant(make_user(employee=False))


def test_an_anonymous_user_is_not_a_participant():
    assert not is_participant(AnonymousUser())
