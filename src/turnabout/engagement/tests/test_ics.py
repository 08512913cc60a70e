"""Calendar invites: parsed back by icalendar, right in both partners' zones, one UID for the
whole life of a session with a rising SEQUENCE, and emailed by the task worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from turnabout.engagement import services
from turnabout.engagement.ics import session_ics
from turnabout.engagement.models import MentoringSession
from turnabout.engagement.tests.factories import NOW

pytestmark = pytest.mark.django_db

START = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)  # 10:00 in London (BST), 14:30 in Kolkata


def _event(data: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(data)
    calendar.validate()
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def _schedule(pair: Any) -> MentoringSession:
    return services.session_schedule(
        pair.mentorship,
        starts_at=START,
        minutes=45,
        format="video",
        video_url="https://meet.example.com/abc",
        agenda="1. Tools\n2. Questions",
        acting_user=pair.mentor,
        now=NOW,
    )


def test_invite_parses_back_with_utc_times_and_both_local_times(pair: Any) -> None:
    session = _schedule(pair)
    calendar, event = _event(session_ics(session))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert str(event["UID"]) == session.uid
    assert int(event["SEQUENCE"]) == 0
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == START and start.utcoffset() == timedelta(0)
    assert end - start == timedelta(minutes=45)
    assert "DTSTAMP" in event
    assert str(event["STATUS"]) == "CONFIRMED"
    mentor = pair.mentorship.mentor
    mentee = pair.mentorship.mentee
    assert str(event["ORGANIZER"]) == f"mailto:{mentor.email}"
    assert sorted(str(a) for a in event["ATTENDEE"]) == sorted(
        [f"mailto:{mentor.email}", f"mailto:{mentee.email}"]
    )
    assert event["ATTENDEE"][0].params["PARTSTAT"] == "NEEDS-ACTION"
    description = str(event["DESCRIPTION"])
    assert "Thu 08 Oct 2026, 10:00-10:45 (Europe/London)" in description
    assert "Thu 08 Oct 2026, 14:30-15:15 (Asia/Kolkata)" in description
    assert "1. Tools" in description
    assert str(event["LOCATION"]) == "https://meet.example.com/abc"
    assert str(event["URL"]) == "https://meet.example.com/abc"
    assert "Reverse mentoring" in str(event["SUMMARY"])


def test_update_and_cancel_keep_the_uid_with_a_higher_sequence(pair: Any) -> None:
    session = _schedule(pair)
    uid = session.uid
    services.session_update(
        session, starts_at=START + timedelta(hours=1), acting_user=pair.mentee, now=NOW
    )
    session.refresh_from_db()
    _calendar, event = _event(session_ics(session))
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 1)
    assert event.decoded("DTSTART") == START + timedelta(hours=1)

    services.session_cancel(session, note="Board meeting", acting_user=pair.mentee, now=NOW)
    session.refresh_from_db()
    calendar, event = _event(session_ics(session))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 2)


def test_time_zones_across_a_daylight_saving_change(make_pair: Any) -> None:
    pair = make_pair(mentor_tz="America/New_York", mentee_tz="Europe/London")
    # 2026-11-02: New York is back on EST (UTC-5), London on GMT.
    start = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    session = services.session_schedule(
        pair.mentorship,
        starts_at=start,
        minutes=60,
        format="video",
        acting_user=pair.mentee,
        now=NOW,
    )
    _calendar, event = _event(session_ics(session))
    description = str(event["DESCRIPTION"])
    assert "10:00-11:00 (America/New_York)" in description
    assert "15:00-16:00 (Europe/London)" in description


def _calendar_parts(message: Any) -> list[Message]:
    return [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]


def _drain() -> None:
    """Send what building the pair queued (decision emails), then start from an empty box."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    mail.outbox.clear()


@pytest.mark.django_db(transaction=True)
def test_worker_emails_both_partners_an_invite_then_the_update(pair: Any) -> None:
    _drain()
    session = _schedule(pair)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [pair.mentorship.mentor.email, pair.mentorship.mentee.email]
    )
    by_person = {m.to[0]: m for m in mail.outbox}
    to_mentee = by_person[pair.mentorship.mentee.email]
    assert "14:30" in to_mentee.body and "Asia/Kolkata" in to_mentee.body
    assert "10:00" in by_person[pair.mentorship.mentor.email].body
    (part,) = _calendar_parts(to_mentee)
    assert part.get_param("method") == "REQUEST"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    _calendar, event = _event(payload)
    assert str(event["UID"]) == session.uid

    mail.outbox.clear()
    services.session_cancel(session, acting_user=pair.mentee, now=NOW)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 2
    assert all(m.subject.startswith("Cancelled") for m in mail.outbox)
    (part,) = _calendar_parts(mail.outbox[0])
    assert part.get_param("method") == "CANCEL"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    _calendar, event = _event(payload)
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (session.uid, 1)


@pytest.mark.django_db(transaction=True)
def test_a_stale_invite_is_skipped_when_a_newer_one_is_queued(pair: Any) -> None:
    _drain()
    session = _schedule(pair)
    services.session_update(session, minutes=30, acting_user=pair.mentor, now=NOW)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 2
    assert all(m.subject.startswith("Updated") for m in mail.outbox)
