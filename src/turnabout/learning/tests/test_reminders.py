"""Training reminders: only with the gate on, only to the not ready, once a week (the tick)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from turnabout.learning import services
from turnabout.learning.models import ReadinessReminder
from turnabout.learning.tasks import send_readiness_reminder
from turnabout.learning.tests.helpers import complete_training

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)


def test_reminders_go_once_a_week_to_those_not_ready(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=1)
    program = setup.cohort.program
    (ready_user, _a), (late_user, late_app) = setup.mentors
    mentee_user, _m = setup.mentees[0]
    complete_training(ready_user, program, "mentor")
    complete_training(mentee_user, program, "mentee")
    complete_training(late_user, program, "mentor", leave=1)
    assert services.readiness_reminders_run(now=NOW, notify=False) == []  # gate off

    services.readiness_gate_set(program, acting_user=setup.manager, on=True)
    out = StringIO()
    call_command("tick", "--now", NOW.isoformat(), stdout=out)
    assert "1 training reminders" in out.getvalue()
    reminder = ReadinessReminder.objects.get()
    assert reminder.person_id == late_app.person_id
    # The same week: nothing new, however often the tick runs.
    assert services.readiness_reminders_run(now=NOW + timedelta(days=2), notify=False) == []
    mail.outbox.clear()
    send_readiness_reminder.call(reminder.pk)
    send_readiness_reminder.call(reminder.pk)  # a retried task sends nothing more
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [late_user.email] or mail.outbox[0].to
    assert "3 of the 4 training modules" in mail.outbox[0].body
    # Next week, once trained: nothing.
    complete_training(late_user, program, "mentor")
    assert services.readiness_reminders_run(now=NOW + timedelta(days=7), notify=False) == []
