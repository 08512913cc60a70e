"""Calendar invites (RFC 5545) for mentoring sessions, built with `icalendar`.

One VEVENT per session with a stable UID; every update or cancellation raises SEQUENCE,
so calendar clients replace the event instead of adding a second one. Times are in UTC
(`...Z`): each client shows them in its owner's zone, which is what partners in different
time zones need. METHOD is REQUEST for a scheduled session and CANCEL for a cancelled one.
"""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vText

from turnabout.common.email import site_url
from turnabout.engagement.models import MentoringSession
from turnabout.people.models import Employee

PRODID = "-//Turnabout//Reverse mentoring//EN"


def zone_of(person: Employee) -> ZoneInfo:
    """The person's time zone; UTC when the HR data holds an unknown name."""
    try:
        return ZoneInfo(person.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_label(session: MentoringSession, person: Employee) -> str:
    """ "Tue 15 Sep 2026, 10:00-11:00 (Europe/London)" in the person's own zone."""
    zone = zone_of(person)
    start = session.starts_at.astimezone(zone)
    end = session.ends_at.astimezone(zone)
    return f"{start:%a %d %b %Y, %H:%M}-{end:%H:%M} ({zone.key})"


def _address(person: Employee, *, organizer: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.full_name)
    if not organizer:
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def session_calendar(session: MentoringSession) -> Calendar:
    """The VCALENDAR for the session's current state (REQUEST, or CANCEL once cancelled)."""
    mentorship = session.mentorship
    mentor, mentee = mentorship.mentor, mentorship.mentee
    organizer = session.scheduled_by or mentor
    cancelled = session.status == MentoringSession.Status.CANCELLED
    page = site_url(session.get_absolute_url())
    lines = [
        f"Reverse mentoring session: {mentor.full_name} (mentor) and {mentee.full_name} (mentee).",
        "",
        f"{mentor.first_name}: {local_label(session, mentor)}",
        f"{mentee.first_name}: {local_label(session, mentee)}",
    ]
    if session.video_url:
        lines += ["", f"Video link: {session.video_url}"]
    if session.agenda:
        lines += ["", "Agenda:", session.agenda]
    if cancelled and session.cancel_note:
        lines += ["", f"Cancelled: {session.cancel_note}"]
    lines += ["", f"Details, and the log after the session: {page}"]

    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", f"Reverse mentoring: {mentor.first_name} & {mentee.first_name}")
    event.add("description", "\n".join(lines))
    location = session.place or session.video_url
    if location:
        event.add("location", location)
    event.add("url", session.video_url or page)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(organizer, organizer=True))
    for person in (mentor, mentee):
        event.add("attendee", _address(person))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(event)
    calendar.validate()  # type: ignore[no-untyped-call]
    return calendar


def session_ics(session: MentoringSession) -> bytes:
    return bytes(session_calendar(session).to_ical())


def method_of(session: MentoringSession) -> str:
    return "CANCEL" if session.status == MentoringSession.Status.CANCELLED else "REQUEST"
