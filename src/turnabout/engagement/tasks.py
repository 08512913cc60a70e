"""Background work of the engagement app: calendar invites and reminder emails."""

from __future__ import annotations

from email.mime.text import MIMEText

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

from turnabout.engagement.ics import local_label, method_of, session_ics, site_url
from turnabout.engagement.models import MentoringSession, Reminder
from turnabout.people.models import Employee


def _calendar_part(ics: bytes, method: str) -> MIMEText:
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


@task()
def send_session_invite(session_id: int, sequence: int) -> None:
    """Email both partners the session with its calendar invite, each in their own zone.

    A newer change of the session queues its own invite: a stale one is skipped.
    """
    session = (
        MentoringSession.objects.select_related(
            "mentorship__cohort__program", "mentorship__mentor", "mentorship__mentee"
        )
        .select_related("scheduled_by")
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.sequence != sequence:
        return
    method = method_of(session)
    ics = session_ics(session)
    mentor, mentee = session.mentorship.mentor, session.mentorship.mentee
    link = site_url(session.get_absolute_url())
    for person, partner in ((mentor, mentee), (mentee, mentor)):
        when = local_label(session, person)
        if method == "CANCEL":
            subject = f"Cancelled: reverse mentoring session with {partner.full_name}"
            intro = f"Your session with {partner.full_name} on {when} is cancelled."
            if session.cancel_note:
                intro += f"\n\n{session.cancel_note}"
        elif session.sequence == 0:
            subject = f"Reverse mentoring session with {partner.full_name}"
            intro = f"A session with {partner.full_name} is scheduled for {when}."
        else:
            subject = f"Updated: reverse mentoring session with {partner.full_name}"
            intro = f"Your session with {partner.full_name} has changed: it is now {when}."
        where = session.place or session.video_url or "to be agreed"
        body = (
            f"Hello {person.first_name},\n\n{intro}\n\n"
            f"Where: {where}\n"
            f"{'Agenda:' + chr(10) + session.agenda + chr(10) if session.agenda else ''}\n"
            "The attached invite adds it to your calendar.\n"
            f"Details: {link}\n"
        )
        message = EmailMessage(subject=subject, body=body, to=[person.email])
        message.attach(_calendar_part(ics, method))
        message.send()


def _reminder_text(reminder: Reminder, person: Employee) -> tuple[str, str]:
    m = reminder.mentorship
    partner = m.mentee if person.pk == m.mentor_id else m.mentor
    pair_link = site_url(reverse("engagement:pair", args=[m.pk]))
    if reminder.kind == Reminder.Kind.NO_SESSION:
        return (
            f"Time to plan your next session with {partner.first_name}",
            f"You and {partner.full_name} have no session in the calendar. Regular "
            "conversations are what make reverse mentoring work: pick a time that suits "
            f"you both.\n\nSchedule it here: "
            f"{site_url(reverse('engagement:session_new', args=[m.pk]))}\n",
        )
    session = reminder.session
    if reminder.kind == Reminder.Kind.LOG_SESSION and session is not None:
        when = local_label(session, person)
        return (
            f"How did your session with {partner.first_name} go?",
            f"Your session with {partner.full_name} ({when}) is over. Two minutes: was it "
            "held, what did you cover, how useful was it? Your rating stays private.\n\n"
            f"Log it here: {site_url(reverse('engagement:session_log', args=[session.pk]))}\n",
        )
    return (
        f"Your mentoring agreement with {partner.first_name} is not signed yet",
        f"Agree with {partner.full_name} on your goals and ground rules, then both sign: "
        "it takes ten minutes and makes every session count.\n\n"
        f"Agreement: {site_url(reverse('engagement:agreement', args=[m.pk]))}\n"
        f"Your pair: {pair_link}\n",
    )


@task()
def send_reminder(reminder_id: int) -> None:
    """Send one recorded reminder to its recipients, then mark it sent."""
    from turnabout.engagement.services import reminder_mark_sent

    reminder = (
        Reminder.objects.select_related(
            "mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program", "session"
        )
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.sent_at is not None:
        return
    m = reminder.mentorship
    if reminder.kind == Reminder.Kind.PAIR_STALLED:
        link = site_url(reverse("engagement:program", args=[m.cohort.program_id]))
        for user in get_user_model().objects.filter(pk__in=reminder.recipients):
            if not user.email:
                continue
            EmailMessage(
                subject=f"A pair in {m.cohort} has not met for a while",
                body=(
                    f"{m.mentor.full_name} (mentor) and {m.mentee.full_name} (mentee) have "
                    "held no session for two meeting periods. A friendly check-in often "
                    f"helps.\n\nPairs of the program: {link}\n"
                ),
                to=[user.email],
            ).send()
    else:
        for person in Employee.objects.filter(pk__in=reminder.recipients):
            subject, body = _reminder_text(reminder, person)
            EmailMessage(
                subject=subject, body=f"Hello {person.first_name},\n\n{body}", to=[person.email]
            ).send()
    reminder_mark_sent(reminder.pk)
