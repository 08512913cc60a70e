"""A new participant's first page says what reverse mentoring is and how to join in one click."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from turnabout.enrollment.services import application_create
from turnabout.programs.models import Phase
from turnabout.programs.tests.factories import make_cohort, make_program, mentor_profile

pytestmark = pytest.mark.django_db


def _home(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_newcomer_is_welcomed_with_the_open_cohort_and_both_apply_buttons(
    participant: Any, program_manager: Any
):
    program = make_program(program_manager, name="Digital Fluency")
    cohort = make_cohort(program, program_manager, phase=Phase.APPLICATIONS_OPEN, name="Spring")
    html = _home(participant)
    assert "Welcome to reverse mentoring" in html
    assert "junior colleague mentors a senior leader" in html
    assert f'href="/applications/apply/{cohort.pk}/mentor/"' in html
    assert f'href="/applications/apply/{cohort.pk}/mentee/"' in html


def test_no_welcome_when_nothing_is_open(participant: Any):
    assert "Welcome to reverse mentoring" not in _home(participant)


def test_no_welcome_once_the_person_has_applied(participant: Any, program_manager: Any):
    program = make_program(program_manager, name="Digital Fluency")
    cohort = make_cohort(program, program_manager, phase=Phase.APPLICATIONS_OPEN, name="Spring")
    application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=participant)
    assert "Welcome to reverse mentoring" not in _home(participant)
