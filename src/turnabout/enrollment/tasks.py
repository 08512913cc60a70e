from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from turnabout.enrollment.models import Application

_SUBJECTS: dict[str, str] = {
    Application.Status.ACCEPTED: "You are in: {cohort}",
    Application.Status.WAITLISTED: "You are on the waiting list: {cohort}",
    Application.Status.DECLINED: "About your application: {cohort}",
}


@task()
def send_decision_email(application_id: int) -> None:
    """Tell an applicant the manager's decision, with the optional message."""
    application = (
        Application.objects.select_related("person", "cohort__program")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status not in _SUBJECTS:
        return
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    link = base + reverse("enrollment:detail", args=[application.pk])
    note = f"\n\n{application.decision_message}" if application.decision_message else ""
    send_mail(
        subject=_SUBJECTS[application.status].format(cohort=application.cohort),
        message=(
            f"Hello {application.person.first_name},\n\n"
            f"Your application as {application.get_role_display().lower()} to "
            f"{application.cohort} is now: {application.get_status_display().lower()}."
            f"{note}\n\nSee it here: {link}\n"
        ),
        from_email=None,
        recipient_list=[application.person.email],
    )
