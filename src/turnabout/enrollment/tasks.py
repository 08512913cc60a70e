"""Background work of the enrollment app: fetch by id, render the email template, send."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from turnabout.common.email import absolute_url, send_templated_email
from turnabout.enrollment.models import Application

DECIDED = (
    Application.Status.ACCEPTED,
    Application.Status.WAITLISTED,
    Application.Status.DECLINED,
)


@task()
def send_decision_email(application_id: int) -> None:
    """Tell an applicant the manager's decision, with the optional message."""
    application = (
        Application.objects.select_related("person", "cohort__program")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status not in DECIDED:
        return
    send_templated_email(
        "enrollment/emails/decision",
        {
            "application": application,
            "action_url": absolute_url("enrollment:detail", application.pk),
            "action_label": _("See your application"),
        },
        to=[application.person.email],
    )
