"""Reminders: each trigger fires once (the tick runs twice, the second sends nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from turnabout.engagement import services
from turnabout.engagement.models import Reminder

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)  # the pair became active


def _kinds(result: services.TickResult) -> dict[str, int]:
    return dict(result.created)


def _sign(pair: Any, when: datetime) -> None:
    data = services.AgreementInput(goals=[services.GoalInput("Learn TikTok")])
    services.agreement_save(pair.mentorship, data=data, acting_user=pair.mentor, now=when)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentor, now=when)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentee, now=when)


def test_unsigned_agreement_reminder_after_seven_days_once_per_week(make_pair: Any) -> None:
    pair = make_pair(activated_at=T0)
    assert services.reminders_run(now=T0 + timedelta(days=6), notify=False).total == 0
    first = services.reminders_run(now=T0 + timedelta(days=8), notify=False)
    assert _kinds(first) == {"agreement_unsigned": 1}
    reminder = Reminder.objects.get()
    assert sorted(reminder.recipients) == sorted(
        [pair.mentorship.mentor_id, pair.mentorship.mentee_id]
    )
    # The second tick, the same day: nothing new.
    assert services.reminders_run(now=T0 + timedelta(days=8, hours=1), notify=False).total == 0
    # Half signed: next week only the one who has not signed is reminded.
    data = services.AgreementInput(goals=[services.GoalInput("Learn TikTok")])
    services.agreement_save(pair.mentorship, data=data, acting_user=pair.mentor, now=T0)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentor, now=T0)
    services.reminders_run(now=T0 + timedelta(days=15), notify=False)
    second = Reminder.objects.get(kind="agreement_unsigned", period="week2")
    assert second.recipients == [pair.mentorship.mentee_id]


def test_no_session_nudge_after_cadence_plus_grace_and_again_each_period(make_pair: Any) -> None:
    pair = make_pair(activated_at=T0)
    _sign(pair, T0)
    # Cadence 14 days + 3 days of grace.
    assert services.reminders_run(now=T0 + timedelta(days=16), notify=False).total == 0
    assert _kinds(services.reminders_run(now=T0 + timedelta(days=17, hours=1), notify=False)) == {
        "no_session": 1
    }
    assert services.reminders_run(now=T0 + timedelta(days=18), notify=False).total == 0
    assert _kinds(services.reminders_run(now=T0 + timedelta(days=31, hours=2), notify=False)) == {
        "no_session": 1,
    }
    # A scheduled session stops the nudges.
    services.session_schedule(
        pair.mentorship,
        starts_at=T0 + timedelta(days=33),
        minutes=45,
        format="video",
        acting_user=pair.mentee,
        now=T0 + timedelta(days=32),
        notify=False,
    )
    assert services.reminders_run(now=T0 + timedelta(days=32, hours=1), notify=False).total == 0


def test_unlogged_session_asks_each_partner_once(make_pair: Any) -> None:
    pair = make_pair(activated_at=T0)
    _sign(pair, T0)
    start = T0 + timedelta(days=5)
    session = services.session_schedule(
        pair.mentorship,
        starts_at=start,
        minutes=45,
        format="video",
        acting_user=pair.mentor,
        now=T0,
        notify=False,
    )
    services.session_log(session, outcome="held", acting_user=pair.mentor, now=start)
    later = start + timedelta(hours=3)
    assert _kinds(services.reminders_run(now=later, notify=False)) == {"log_session": 1}
    reminder = Reminder.objects.get(kind="log_session")
    assert reminder.recipients == [pair.mentorship.mentee_id]
    assert (reminder.target, reminder.period) == (f"session:{session.pk}", "mentee")
    assert services.reminders_run(now=later + timedelta(hours=1), notify=False).total == 0


def test_stalled_pair_is_not_emailed_per_pair(make_pair: Any) -> None:
    """Managers hear of pairs that stopped meeting in the daily pair-health digest."""
    pair = make_pair(activated_at=T0)
    _sign(pair, T0)
    start = T0 + timedelta(days=3)
    session = services.session_schedule(
        pair.mentorship, starts_at=start, minutes=45, format="video",
        acting_user=pair.mentor, now=T0, notify=False,
    )  # fmt: skip
    for user in (pair.mentor, pair.mentee):
        services.session_log(session, outcome="held", acting_user=user, now=start)
    result = services.reminders_run(now=start + timedelta(days=29), notify=False)
    assert "pair_stalled" not in result.created
    assert not Reminder.objects.filter(kind="pair_stalled").exists()


@pytest.mark.django_db(transaction=True)
def test_tick_command_twice_sends_each_reminder_once(make_pair: Any) -> None:
    make_pair(activated_at=T0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    mail.outbox.clear()
    now = (T0 + timedelta(days=31)).isoformat()
    out = StringIO()
    call_command("tick", "--now", now, stdout=out)
    assert "Queued 2 reminders" in out.getvalue()  # agreement, no session (both partners)
    again = StringIO()
    call_command("tick", "--now", now, stdout=again)
    assert again.getvalue().startswith("No reminders due.")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 5  # 2 agreement, 2 no session, 1 manager digest
    assert sum("not signed" in s for s in subjects) == 2
    assert sum("next session" in s for s in subjects) == 2
    assert sum("Pair health" in s for s in subjects) == 1  # the insights digest
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    # A third tick and another worker run: still nothing new.
    call_command("tick", "--now", now, stdout=StringIO())
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 5


def test_tick_refuses_a_naive_time() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="offset"):
        call_command("tick", "--now", "2026-09-01T09:00")
