"""Background work of the pairing app: the match run itself and the emails to people."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from turnabout.pairing.models import MatchRun, Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Phase


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
    link = base + reverse("me:matches")
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


@task()
def send_pair_closed_email(person_id: int, mentorship_id: int) -> None:
    """One email to a person whose pair was declined or ended by somebody else: what
    happened, that they wait for a re-match and where their page is. Never the reason, which
    is for the program managers only. People who left the company are not emailed."""
    person = Employee.objects.filter(pk=person_id).first()
    mentorship = (
        Mentorship.objects.select_related("cohort__program", "mentor", "mentee")
        .filter(pk=mentorship_id, status__in=[Mentorship.Status.DECLINED, Mentorship.Status.ENDED])
        .first()
    )
    if person is None or mentorship is None or person.status == Employee.Status.TERMINATED:
        return
    if person.pk == mentorship.mentor_id:
        partner = mentorship.mentee
    elif person.pk == mentorship.mentee_id:
        partner = mentorship.mentor
    else:
        return
    cohort = mentorship.cohort
    if mentorship.status == Mentorship.Status.DECLINED:
        subject = f"Your reverse mentoring match with {partner.full_name} will not go ahead"
        what = (
            f"The match with {partner.full_name} in {cohort} was declined, "
            "so the pair will not start."
        )
    else:
        subject = f"Your reverse mentoring pair with {partner.full_name} has ended"
        if mentorship.ended_by_role == "program manager":
            what = (
                f"The program team has ended your mentorship with {partner.full_name} in {cohort}."
            )
        else:
            what = f"Your mentorship with {partner.full_name} in {cohort} has ended."
    if cohort.phase in (Phase.MATCHED, Phase.ACTIVE):
        next_steps = (
            "You are flagged for re-matching: you are back on the program team's list of people "
            "waiting for a partner, and their next re-match looks for a new partner for you "
            f"({partner.full_name} will not be proposed to you again in this cohort). When a new "
            "match is published you get an email and accept or decline it as before; until "
            "then there is nothing you need to do."
        )
    else:
        next_steps = (
            "You are flagged as waiting for a partner. This cohort is past its matching phase, "
            "so no new pairs are made in it: the program team will tell you what happens next."
        )
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    link = base + reverse("me:matches")
    send_mail(
        subject=subject,
        message=(
            f"Hello {person.first_name},\n\n{what}\n\n{next_steps}\n\nYour mentoring page: {link}\n"
        ),
        from_email=None,
        recipient_list=[person.email],
    )
