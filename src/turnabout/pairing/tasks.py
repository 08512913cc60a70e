"""Background work of the pairing app: the match run itself and the emails to people."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from turnabout.pairing.models import MatchRun, Mentorship
from turnabout.people.models import Employee


@task()
def run_match(run_id: int) -> None:
    """Execute a queued match run (progress is written to the run as it goes)."""
    from turnabout.pairing.services import match_run_execute

    match_run_execute(run_id)


@task()
def send_match_email(person_id: int, run_id: int) -> None:
    """One email per person: the partner(s) a published run gave them and where to answer."""
    person = Employee.objects.filter(pk=person_id).first()
    run = MatchRun.objects.select_related("cohort__program").filter(pk=run_id).first()
    if person is None or run is None:
        return
    pairs = Mentorship.objects.filter(
        Q(mentor=person) | Q(mentee=person), run=run, status=Mentorship.Status.PROPOSED
    ).select_related("mentor", "mentee")
    lines = [
        f"- you mentor {m.mentee.full_name}"
        if m.mentor_id == person.pk
        else f"- {m.mentor.full_name} mentors you"
        for m in pairs
    ]
    if not lines:
        return
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    link = base + reverse("pairing:mine")
    send_mail(
        subject=f"Your reverse mentoring match: {run.cohort}",
        message=(
            f"Hello {person.first_name},\n\n"
            f"The program team of {run.cohort} has matched you:\n"
            + "\n".join(lines)
            + "\n\nSee why you were matched and accept or decline here: "
            f"{link}\n\nA decline is fine: the reason you give goes to the program team only.\n"
        ),
        from_email=None,
        recipient_list=[person.email],
    )
