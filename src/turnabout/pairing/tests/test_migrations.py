"""Data steps of the pairing migrations, run against today's models."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from turnabout.pairing.models import MatchRun

names = importlib.import_module("turnabout.pairing.migrations.0005_proposal_application_names")

pytestmark = pytest.mark.django_db


def test_the_locks_a_rerun_keeps_take_the_application_names_and_back(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    old = [{"mentor": 11, "mentee": 12, "override_reason": "asked"}]
    run = MatchRun.objects.create(cohort=setup.cohort, number=1, locks=old)
    untouched = MatchRun.objects.create(cohort=setup.cohort, number=2, locks=[])

    names.forwards(apps, None)
    run.refresh_from_db()
    assert run.locks == [
        {"mentor_application": 11, "mentee_application": 12, "override_reason": "asked"}
    ]
    names.backwards(apps, None)
    run.refresh_from_db()
    untouched.refresh_from_db()
    assert (run.locks, untouched.locks) == (old, [])
