"""Background work of the pairing app: the match run itself and the emails to people."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from turnabout.common.email import absolute_url, send_templated_email
from turnabout.pairing.models import MatchRun, Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Phase


@task(queue_name="matching")  # its own queue: never behind a backlog of emails
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
    pairs = list(
        Mentorship.objects.filter(
            Q(mentor=person) | Q(mentee=person), run=run, status=Mentorship.Status.PROPOSED
        )
        .select_related("mentor", "mentee")
        .order_by("pk")
    )
    if not pairs:
        return
    send_templated_email(
        "pairing/emails/match",
        {
            "person": person,
            "cohort": run.cohort,
            "pairs": pairs,
            "action_url": absolute_url("me:matches"),
            "action_label": _("See your match"),
        },
        to=[person.email],
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
    send_templated_email(
        "pairing/emails/pair_closed",
        {
            "person": person,
            "partner": partner,
            "cohort": mentorship.cohort,
            "declined": mentorship.status == Mentorship.Status.DECLINED,
            "ended_by_manager": mentorship.ended_by_role == "program manager",
            "rematch": mentorship.cohort.phase in (Phase.MATCHED, Phase.ACTIVE),
            "action_url": absolute_url("me:matches"),
            "action_label": _("Your mentoring page"),
        },
        to=[person.email],
    )
