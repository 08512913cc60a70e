"""Background work of the engagement app: calendar invites and reminder emails.

Each task fetches its rows by id, renders an email template of
`templates/engagement/emails/` and sends it.
"""

from __future__ import annotations

from email.mime.text import MIMEText
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from turnabout.common.email import absolute_url, build_email, send_templated_email
from turnabout.engagement.ics import local_label, method_of, session_ics
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
    if method == "CANCEL":
        change = "cancelled"
    else:
        change = "scheduled" if session.sequence == 0 else "updated"
    for person, partner in ((mentor, mentee), (mentee, mentor)):
        message = build_email(
            "engagement/emails/session_invite",
            {
                "person": person,
                "partner": partner,
                "session": session,
                "change": change,
                "when": local_label(session, person),
                "action_url": absolute_url("engagement:session", session.pk),
                "action_label": _("See the session"),
            },
            to=[person.email],
        )
        message.attach(_calendar_part(ics, method))
        message.send()


def _reminder_email(reminder: Reminder, person: Employee) -> tuple[str, dict[str, Any]]:
    """The template and context of a participant's reminder."""
    m = reminder.mentorship
    partner = m.mentee if person.pk == m.mentor_id else m.mentor
    context: dict[str, Any] = {"person": person, "partner": partner, "mentorship": m}
    if reminder.kind == Reminder.Kind.NO_SESSION:
        context["action_url"] = absolute_url("engagement:session_new", m.pk)
        context["action_label"] = _("Schedule a session")
        return "engagement/emails/reminder_no_session", context
    session = reminder.session
    if reminder.kind == Reminder.Kind.LOG_SESSION and session is not None:
        context["when"] = local_label(session, person)
        context["action_url"] = absolute_url("engagement:session_log", session.pk)
        context["action_label"] = _("Log the session")
        return "engagement/emails/reminder_log_session", context
    context["action_url"] = absolute_url("engagement:agreement", m.pk)
    context["action_label"] = _("Open the agreement")
    context["pair_url"] = absolute_url("engagement:pair", m.pk)
    return "engagement/emails/reminder_agreement", context


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
        context = {
            "mentorship": m,
            "action_url": absolute_url("engagement:program", m.cohort.program_id),
            "action_label": _("Pairs of the program"),
        }
        for user in get_user_model().objects.filter(pk__in=reminder.recipients):
            if user.email:
                send_templated_email("engagement/emails/pair_stalled", context, to=[user.email])
    else:
        for person in Employee.objects.filter(pk__in=reminder.recipients):
            template, context = _reminder_email(reminder, person)
            send_templated_email(template, context, to=[person.email])
    reminder_mark_sent(reminder.pk)
