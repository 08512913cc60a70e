"""Background work of surveys: invitation, reminder and fit-flag emails (fetch by id,
render, send). Tasks import services inside their body; services import tasks."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django_tasks import task

from turnabout.common.email import absolute_url, send_templated_email
from turnabout.feedback.models import Invitation, PairFitFlag


def privacy_sentence(mode: str) -> str:
    """What the person is promised about their answers, in one sentence."""
    if mode == "anonymous":
        return _(
            "Your answers are stored without your name, account or pair, and "
            "shown only as totals once enough people have answered."
        )
    if mode == "pair":
        return _("The program's managers see your answers; your partner never does.")
    return _(
        "The program's managers see results only as totals of several people; "
        "you see your own answers; your partner never sees them."
    )


@task()
def send_invitation_email(invitation_id: int, step: int) -> None:
    """Email one invitation (step 0) or one reminder (step 1, 2, ...), if still unanswered."""
    invitation = (
        Invitation.objects.select_related("survey__cohort__program", "person")
        .filter(pk=invitation_id, answered_on__isnull=True)
        .first()
    )
    if invitation is None or invitation.survey.status != "open" or not invitation.person.email:
        return
    survey = invitation.survey
    send_templated_email(
        "feedback/emails/invitation",
        {
            "first_name": invitation.person.first_name,
            "title": survey.title,
            "cohort": str(survey.cohort),
            "privacy": privacy_sentence(survey.mode),
            "due_on": invitation.due_on.isoformat(),
            "step": step,
            "action_url": absolute_url("feedback:answer", invitation.pk),
            "action_label": _("Answer now"),
        },
        to=[invitation.person.email],
    )


@task()
def send_fit_flag_email(flag_id: int) -> None:
    """Tell the program's managers about a "not a good fit" answer, and offer the mentee a
    new match (whoever of the two answered it)."""
    flag = (
        PairFitFlag.objects.select_related(
            "mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program"
        )
        .filter(pk=flag_id)
        .first()
    )
    if flag is None:
        return
    m = flag.mentorship
    managers = get_user_model().objects.filter(managed_programs=m.cohort.program_id)
    emails = sorted({u.email for u in managers if u.email})
    if emails:
        send_templated_email(
            "feedback/emails/fit_flag",
            {
                "mentor": m.mentor.full_name,
                "mentee": m.mentee.full_name,
                "side": flag.get_role_display().lower(),
                "action_url": absolute_url("pairing:mentorship", m.pk),
                "action_label": _("See the pair"),
            },
            to=emails,
        )
    if m.mentee.email:
        send_templated_email(
            "feedback/emails/rematch_offer",
            {
                "first_name": m.mentee.first_name,
                "action_url": absolute_url("feedback:fit_flag", flag.pk),
                "action_label": _("Your options"),
            },
            to=[m.mentee.email],
        )
