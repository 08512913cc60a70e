"""Background work of the learning app: the training reminder email."""

from __future__ import annotations

from django_tasks import task


@task()
def send_readiness_reminder(reminder_id: int) -> None:
    """Email a not-ready participant which modules are left (skipped once sent)."""
    from turnabout.common.email import absolute_url, send_templated_email
    from turnabout.learning.models import ReadinessReminder
    from turnabout.learning.readiness import readiness_of
    from turnabout.learning.services import readiness_reminder_mark_sent

    reminder = (
        ReadinessReminder.objects.select_related("cohort__program", "person")
        .filter(pk=reminder_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None or not reminder.person.email:
        return
    program = reminder.cohort.program
    roles = list(
        reminder.cohort.applications.filter(person=reminder.person, status="accepted").values_list(
            "role", flat=True
        )
    )
    states = readiness_of(program, [(reminder.person_id, role) for role in roles])
    state = next(iter(states.values()), None)
    if state is None or state.ready:
        readiness_reminder_mark_sent(reminder.pk)
        return
    send_templated_email(
        "learning/emails/readiness_reminder",
        {
            "person": reminder.person,
            "program": program,
            "cohort": reminder.cohort,
            "done": state.done,
            "required": state.required,
            "url": absolute_url("learning:program", program_pk=program.pk),
        },
        to=[reminder.person.email],
    )
    readiness_reminder_mark_sent(reminder.pk)
