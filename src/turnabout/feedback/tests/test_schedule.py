"""Schedules and the tick: invitations and reminders once per person and step, whatever
runs twice; "not a good fit" flags the pair and offers the mentee a re-match."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command

from turnabout.common.errors import Conflict, PermissionDenied
from turnabout.engagement.models import MentoringSession
from turnabout.feedback import metrics, services
from turnabout.feedback.models import Invitation, PairFitFlag
from turnabout.feedback.tests.factories import NOW
from turnabout.pairing.models import Mentorship, PairExclusion
from turnabout.programs.tests.factories import move_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_tasks(monkeypatch):
    """Queued emails run at once when the transaction commits (the worker's job)."""
    for name in ("send_invitation_email_task", "send_fit_flag_email_task"):
        task = getattr(services, name)
        monkeypatch.setattr(services, name, SimpleNamespace(enqueue=task.call))


def test_tick_twice_sends_each_invitation_and_reminder_once(
    make_pairs, django_capture_on_commit_callbacks
):
    p = make_pairs(n=2)
    survey = services.survey_create(p.cohort, template="final", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(survey, acting_user=p.manager, now=NOW)
    assert len(mail.outbox) == 4
    assert {m.to[0] for m in mail.outbox} == {u.email for u in p.people}
    link = f"/surveys/answer/{Invitation.objects.filter(survey=survey).earliest('pk').pk}/"
    assert any(link in m.body for m in mail.outbox)
    mail.outbox.clear()
    for days in (0, 1, 3, 3, 4, 7, 7, 8):
        when = NOW + timedelta(days=days)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("tick", "--now", when.isoformat(), stdout=StringIO())
    # Two reminder steps (day 3 and day 7) for each of the four people: eight emails.
    assert len(mail.outbox) == 8
    assert all(m.subject.startswith("Reminder") for m in mail.outbox)
    assert set(
        Invitation.objects.filter(survey=survey).values_list("reminders_sent", flat=True)
    ) == {2}


def test_answered_people_get_no_reminder(make_pairs, django_capture_on_commit_callbacks):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    m = p.pairs[0]
    invitation = Invitation.objects.get(survey=survey, person=m.mentee)
    pulse = survey.questions.get(key=metrics.KEY_PULSE)
    services.response_save(
        invitation, data={str(pulse.pk): 8}, submit=True, acting_user=p.mentee_user(m),
        today=NOW.date(),
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.surveys_tick(NOW + timedelta(days=4))
    assert [m_.to[0] for m_ in mail.outbox] == [p.mentor_user(m).email]


def test_recurring_pulse_asks_once_per_period_and_pair(make_pairs):
    p = make_pairs(n=2, activated_at=NOW - timedelta(days=1))
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    assert Invitation.objects.filter(survey=survey).count() == 0  # not four weeks yet
    for days in (28, 29, 30):
        services.surveys_tick(NOW + timedelta(days=days), notify=False)
    assert Invitation.objects.filter(survey=survey).count() == 4
    services.surveys_tick(NOW + timedelta(days=56), notify=False)
    invitations = Invitation.objects.filter(survey=survey)
    assert invitations.count() == 8
    assert all(i.mentorship_id for i in invitations)
    assert len({i.occasion for i in invitations}) == 4  # two periods x two pairs


def test_pre_post_self_assessment_follows_the_cohort_phase(make_pairs):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="self_assessment", acting_user=p.manager)
    assert survey.questions.get(key="skills").options  # the program's topics
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    assert set(Invitation.objects.filter(survey=survey).values_list("occasion", flat=True)) == {
        "pre"
    }
    move_to(p.cohort, "wrapping_up", p.manager)
    services.surveys_tick(NOW + timedelta(days=1), notify=False)
    occasions = sorted(Invitation.objects.filter(survey=survey).values_list("occasion", flat=True))
    assert occasions == ["post", "post", "pre", "pre"]


def _fit_survey_after_first_session(p):
    survey = services.survey_create(p.cohort, template="pairing_fit", acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    assert Invitation.objects.filter(survey=survey).count() == 0
    m = p.pairs[0]
    MentoringSession.objects.create(
        mentorship=m, uid="s1@test", starts_at=NOW + timedelta(days=1), format="video",
        outcome=MentoringSession.Outcome.HELD,
    )  # fmt: skip
    services.surveys_tick(NOW + timedelta(days=2), notify=False)
    return survey, m


def test_not_a_good_fit_flags_the_pair_and_the_mentee_can_ask_for_a_rematch(
    make_pairs, django_capture_on_commit_callbacks
):
    p = make_pairs(n=2)
    survey, m = _fit_survey_after_first_session(p)
    assert Invitation.objects.filter(survey=survey).count() == 2  # only the pair that met
    fit = survey.questions.get(key=metrics.KEY_FIT)
    mentor_invitation = Invitation.objects.get(survey=survey, person=m.mentor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        saved = services.response_save(
            mentor_invitation, data={str(fit.pk): metrics.FIT_NOT_GOOD}, submit=True,
            acting_user=p.mentor_user(m), today=(NOW + timedelta(days=2)).date(),
        )  # fmt: skip
    assert saved.flagged
    flag = PairFitFlag.objects.get(mentorship=m)
    assert flag.role == "mentor" and flag.status == PairFitFlag.Status.OPEN
    recipients = {to for message in mail.outbox for to in message.to}
    assert p.manager.email in recipients and m.mentee.email in recipients
    assert m.mentor.email not in recipients
    # Only the mentee takes the offer; it ends the pair through pairing's service.
    with pytest.raises(PermissionDenied):
        services.fit_flag_request_rematch(flag, acting_user=p.mentor_user(m))
    services.fit_flag_request_rematch(flag, acting_user=p.mentee_user(m))
    m.refresh_from_db()
    assert m.status == Mentorship.Status.ENDED
    assert PairExclusion.objects.filter(mentor=m.mentor, mentee=m.mentee).exists()
    assert PairFitFlag.objects.get(pk=flag.pk).status == PairFitFlag.Status.REMATCH_REQUESTED
    with pytest.raises(Conflict):
        services.fit_flag_request_rematch(flag, acting_user=p.mentee_user(m))
    # Pair health reads the answers.
    answers = metrics.pairing_fit_answers(cohort=p.cohort)
    assert [(a.mentorship_id, a.role, a.fit) for a in answers] == [
        (m.pk, "mentor", metrics.FIT_NOT_GOOD)
    ]
    assert metrics.fit_flagged_pairs(cohort=p.cohort) == {m.pk: "rematch_requested"}


def test_a_good_fit_flags_nothing(make_pairs):
    p = make_pairs(n=1)
    survey, m = _fit_survey_after_first_session(p)
    fit = survey.questions.get(key=metrics.KEY_FIT)
    invitation = Invitation.objects.get(survey=survey, person=m.mentee)
    saved = services.response_save(
        invitation, data={str(fit.pk): metrics.FIT_GOOD}, submit=True,
        acting_user=p.mentee_user(m), today=(NOW + timedelta(days=2)).date(),
    )  # fmt: skip
    assert not saved.flagged and not PairFitFlag.objects.exists()


def test_pulse_ratings_per_partner_per_month(make_pairs):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    m = p.pairs[0]
    pulse = survey.questions.get(key=metrics.KEY_PULSE)
    for person, user, rating in ((m.mentor, p.mentor_user(m), 9), (m.mentee, p.mentee_user(m), 4)):
        invitation = Invitation.objects.get(survey=survey, person=person)
        services.response_save(
            invitation, data={str(pulse.pk): rating}, submit=True, acting_user=user,
            today=NOW.date(),
        )  # fmt: skip
    by_pair = metrics.pulse_by_pair(cohort=p.cohort)
    (months,) = by_pair[m.pk].values()
    assert months == {"mentor": 9, "mentee": 4}


def test_tick_closes_surveys_past_their_date_and_answers_stop(make_pairs):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_update(
        survey,
        data={"trigger": "manual", "closes_on": (NOW + timedelta(days=5)).date()},
        acting_user=p.manager,
    )
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    invitation = Invitation.objects.get(survey=survey, person=p.pairs[0].mentee)
    assert invitation.due_on == (NOW + timedelta(days=5)).date()  # never past the close date
    assert services.surveys_tick(NOW + timedelta(days=5), notify=False) == {
        "survey reminders": 2  # the day-3 step for both partners
    }
    assert services.surveys_tick(NOW + timedelta(days=6), notify=False) == {"surveys closed": 1}
    survey.refresh_from_db()
    assert survey.status == "closed"
    with pytest.raises(Conflict):
        services.response_save(
            invitation, data={}, submit=True, acting_user=p.mentee_user(p.pairs[0]),
            today=(NOW + timedelta(days=6)).date(),
        )  # fmt: skip


def test_pre_assessment_reaches_active_pairs_before_the_cohort_is_marked_active(make_pairs):
    p = make_pairs(n=1, phase="matched")
    survey = services.survey_create(p.cohort, template="self_assessment", acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    assert sorted(Invitation.objects.filter(survey=survey).values_list("occasion", flat=True)) == [
        "pre",
        "pre",
    ]
    final = services.survey_create(p.cohort, template="final", acting_user=p.manager)
    services.survey_open(final, acting_user=p.manager, now=NOW)
    assert not Invitation.objects.filter(survey=final).exists()  # waits for the wrap-up
