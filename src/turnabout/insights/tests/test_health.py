"""Pair health: each signal moves the state; managers see reasons, never values; one
digest per manager per day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from turnabout.engagement.models import PairGoal, SessionLog
from turnabout.insights import health, services
from turnabout.insights.models import DigestSent, HealthState, PairHealth
from turnabout.insights.sources import PairFeedback, Pulse
from turnabout.insights.tasks import digest_email
from turnabout.insights.tests.factories import START, at, sessions, sign, world

NOW = at(START + timedelta(days=60))


def facts(**kwargs: Any) -> health.PairFacts:
    base: dict[str, Any] = {
        "pair_id": 1,
        "activated_at": NOW - timedelta(days=56),
        "cadence_days": 14,
        "held": 4,
        "last_held": NOW - timedelta(days=5),
        "agreement_signed": True,
        "goals": 2,
        "goals_moving": 1,
    }
    base.update(kwargs)
    return health.PairFacts(**base)


def state(f: health.PairFacts) -> tuple[str, set[str]]:
    fired = health.evaluate(f, NOW)
    return health.state_of(fired), {s.code for s in fired}


def test_a_pair_meeting_as_agreed_is_on_track():
    assert state(facts()) == (HealthState.ON_TRACK, set())


@pytest.mark.parametrize(
    ("changes", "expected", "code"),
    [
        ({"held": 2}, HealthState.CHECK_IN, "behind_cadence"),
        ({"held": 0, "last_held": NOW - timedelta(days=5)}, HealthState.AT_RISK, "behind_cadence"),
        ({"last_held": NOW - timedelta(days=30)}, HealthState.CHECK_IN, "no_recent_session"),
        ({"last_held": NOW - timedelta(days=43)}, HealthState.AT_RISK, "no_recent_session"),
        ({"missed_recent": 2}, HealthState.CHECK_IN, "cancellations"),
        ({"missed_recent": 4}, HealthState.AT_RISK, "cancellations"),
        ({"recent_ratings": [2, 1, 3]}, HealthState.CHECK_IN, "low_ratings"),
        ({"goals_moving": 0}, HealthState.CHECK_IN, "goals_stalled"),
        ({"agreement_signed": False}, HealthState.CHECK_IN, "agreement_unsigned"),
        (
            {"feedback": PairFeedback(fit={"mentee": "not_good"})},
            HealthState.AT_RISK,
            "fit_not_good",
        ),
        (
            {"feedback": PairFeedback(fit={"mentor": "deciding"})},
            HealthState.CHECK_IN,
            "fit_deciding",
        ),
    ],
)
def test_each_signal_sets_the_state(changes, expected, code):
    result, codes = state(facts(**changes))
    assert result == expected and code in codes


def _pulses(*items: tuple[int, str, int, tuple[str, ...]]) -> PairFeedback:
    return PairFeedback(
        pulses=[Pulse(START + timedelta(days=d), side, r, signs) for d, side, r, signs in items]
    )


def test_pulse_signals():
    drop = _pulses((10, "mentee", 8, ()), (40, "mentee", 5, ()))
    assert state(facts(feedback=drop)) == (HealthState.CHECK_IN, {"pulse_drop"})
    disagree = _pulses((40, "mentee", 9, ()), (40, "mentor", 5, ()))
    assert state(facts(feedback=disagree)) == (HealthState.CHECK_IN, {"pulse_disagree"})
    signs = _pulses((40, "mentee", 7, ("time",)))
    assert state(facts(feedback=signs)) == (HealthState.CHECK_IN, {"warning_signs"})
    unheard = _pulses((40, "mentor", 7, ("unheard",)))
    assert state(facts(feedback=unheard)) == (HealthState.AT_RISK, {"warning_signs"})


def test_snoozed_signal_does_not_count():
    fired = health.evaluate(facts(missed_recent=4), NOW)
    assert health.state_of(fired, {"cancellations"}) == HealthState.ON_TRACK


@pytest.mark.django_db
def test_refresh_reads_the_database_and_records_changes_once(manager):
    w = world(manager, pairs=2)
    good, quiet = w.pairs
    sign(good, START)
    sign(quiet, START)
    sessions(good, [START + timedelta(days=14 * k) for k in range(1, 5)])
    for m in (good, quiet):
        PairGoal.objects.create(mentorship=m, position=1, title="Learn", progress=20)
    assert services.pair_health_refresh(now=NOW) == 1
    assert PairHealth.objects.get(mentorship=good).state == HealthState.ON_TRACK
    record = PairHealth.objects.get(mentorship=quiet)
    assert record.state == HealthState.AT_RISK
    assert {s["code"] for s in record.signals} == {"behind_cadence", "no_recent_session"}
    assert services.pair_health_refresh(now=NOW + timedelta(hours=1)) == 0


@pytest.mark.django_db
def test_manager_sees_reasons_but_never_a_private_rating(client, manager, sponsor):
    w = world(manager, pairs=1)
    m = w.pairs[0]
    sign(m, START)
    sessions(m, [START + timedelta(days=14 * k) for k in range(1, 5)])
    PairGoal.objects.create(mentorship=m, position=1, title="Learn", progress=20)
    for session in m.sessions.all():
        SessionLog.objects.create(
            session=session, author=m.mentee, side="mentee", outcome="held", rating=1,
            comment="SECRET-COMMENT",
        )  # fmt: skip
    services.pair_health_refresh(now=NOW)
    client.force_login(manager)
    page = client.get(reverse("insights:health", args=[w.program.pk])).content.decode()
    assert "Session ratings are low" in page
    assert "SECRET-COMMENT" not in page
    # What insights stores about the pair: signal names and severities, no value.
    stored = PairHealth.objects.get(mentorship=m).signals
    assert all(set(item) == {"code", "severity"} for item in stored)
    detail = client.get(reverse("insights:pair", args=[m.pk])).content.decode()
    assert "SECRET-COMMENT" not in detail
    client.force_login(sponsor)
    assert client.get(reverse("insights:health", args=[w.program.pk])).status_code in (403, 404)
    assert client.get(reverse("insights:pair", args=[m.pk])).status_code == 404


@pytest.mark.django_db
def test_digest_once_per_manager_per_day(manager, django_capture_on_commit_callbacks):
    w = world(manager, pairs=3)  # none meets: every pair turns at risk
    with django_capture_on_commit_callbacks(execute=True):
        first = services.insights_tick(now=NOW)
        second = services.insights_tick(now=NOW + timedelta(hours=2))
    assert first.digests == 1 and second.digests == 0
    assert DigestSent.objects.filter(manager=manager).count() == 1

    digest_email.call(DigestSent.objects.get().pk)
    digest_email.call(DigestSent.objects.get().pk)  # a retried task sends nothing more
    digests = [m for m in mail.outbox if "Pair health" in m.subject]
    assert len(digests) == 1 and digests[0].to == [manager.email]
    assert "3 pairs changed state" in digests[0].subject
    body = digests[0].body
    assert all(p.mentee.full_name in body for p in w.pairs)
    # The next day, nothing changed: no digest.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.insights_tick(now=NOW + timedelta(days=1)).digests == 0


@pytest.mark.django_db
def test_check_in_note_snooze_and_rematch(
    client, manager, sponsor, django_capture_on_commit_callbacks
):
    w = world(manager, pairs=1)
    m = w.pairs[0]
    services.pair_health_refresh(now=datetime.now(UTC))
    client.force_login(manager)
    client.post(reverse("insights:note_add", args=[m.pk]), {"body": "Talked to both."})
    assert m.checkin_notes.get().body == "Talked to both."
    client.post(reverse("insights:snooze", args=[m.pk]), {"signal": "behind_cadence", "days": "7"})
    assert m.snoozes.get().signal == "behind_cadence"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("insights:rematch", args=[m.pk]), {"message": "Happy to help."})
    assert m.rematch_offers.count() == 1
    client.force_login(sponsor)
    response = client.post(reverse("insights:note_add", args=[m.pk]), {"body": "x"})
    assert response.status_code == 404 and m.checkin_notes.count() == 1
