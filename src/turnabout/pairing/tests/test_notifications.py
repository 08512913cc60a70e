"""Telling the partner: a decline or an early end emails the other person (both, when a
manager ends it) once, after commit, through the task worker, and never with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from turnabout.common.errors import Conflict
from turnabout.pairing import services
from turnabout.pairing.models import Mentorship
from turnabout.pairing.tasks import send_pair_closed_email
from turnabout.pairing.tests.helpers import published
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase

SECRET = "We clash badly; please never tell them this."


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _assert_private(message: Any) -> None:
    for text in (message.subject, message.body):
        assert SECRET not in text
        assert "clash" not in text


@pytest.mark.django_db(transaction=True)
def test_a_decline_emails_the_partner_once_and_never_the_reason(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair = published(setup)[0]
    work()
    mail.outbox.clear()

    services.mentorship_decline(
        pair, reason=SECRET, acting_user=setup.user_of(pair.mentee_application)
    )
    work()

    (message,) = mail.outbox
    mentor, mentee = pair.mentor, pair.mentee
    assert message.to == [mentor.email]
    assert message.subject == (
        f"Your reverse mentoring match with {mentee.full_name} will not go ahead"
    )
    assert f"Hello {mentor.first_name}," in message.body
    assert "was declined" in message.body
    assert "flagged for re-matching" in message.body
    assert "next re-match" in message.body
    assert settings.SITE_URL.rstrip("/") + "/pairing/me/" in message.body
    _assert_private(message)


@pytest.mark.django_db(transaction=True)
def test_a_partner_ending_early_emails_only_the_other_partner(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair = published(setup)[0]
    for app in (pair.mentor_application, pair.mentee_application):
        services.mentorship_accept(pair, acting_user=setup.user_of(app))
    work()
    mail.outbox.clear()

    services.mentorship_end(pair, reason=SECRET, acting_user=setup.user_of(pair.mentor_application))
    work()

    (message,) = mail.outbox
    assert message.to == [pair.mentee.email]
    assert message.subject == f"Your reverse mentoring pair with {pair.mentor.full_name} has ended"
    assert f"Your mentorship with {pair.mentor.full_name}" in message.body
    assert "flagged for re-matching" in message.body and "/pairing/me/" in message.body
    _assert_private(message)


@pytest.mark.django_db(transaction=True)
def test_a_manager_ending_early_emails_both_partners_once_each(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair, other = published(setup)
    work()
    mail.outbox.clear()

    services.mentorship_end(pair, reason=SECRET, acting_user=setup.manager)
    work()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentor.email, pair.mentee.email])
    by_person = {m.to[0]: m for m in mail.outbox}
    assert pair.mentee.full_name in by_person[pair.mentor.email].body
    assert pair.mentor.full_name in by_person[pair.mentee.email].body
    for message in mail.outbox:
        assert "The program team has ended your mentorship" in message.body
        _assert_private(message)
    assert other.mentor.email not in by_person and other.mentee.email not in by_person


@pytest.mark.django_db
def test_each_event_queues_one_email_per_person_after_commit(
    build_cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=3, mentees=3)
    declined, ended_by_partner, ended_by_manager = published(setup)
    with django_capture_on_commit_callbacks() as callbacks:
        services.mentorship_decline(
            declined, acting_user=setup.user_of(declined.mentor_application)
        )
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        services.mentorship_end(
            ended_by_partner,
            reason="x",
            acting_user=setup.user_of(ended_by_partner.mentee_application),
        )
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        services.mentorship_end(ended_by_manager, reason="x", acting_user=setup.manager)
    assert len(callbacks) == 2


@pytest.mark.django_db
def test_a_refused_decline_queues_nothing(
    build_cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (pair,) = published(setup)
    services.mentorship_end(pair, reason="x", acting_user=setup.manager)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Conflict):
        services.mentorship_decline(pair, acting_user=setup.user_of(pair.mentee_application))
    assert callbacks == []


@pytest.mark.django_db
def test_past_the_matching_phases_the_email_says_no_re_match_is_coming(
    build_cohort: Any, mailoutbox: Any
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (pair,) = published(setup)
    services.mentorship_end(pair, reason=SECRET, acting_user=setup.manager)
    Cohort.objects.filter(pk=setup.cohort.pk).update(phase=Phase.WRAPPING_UP)

    send_pair_closed_email.call(pair.mentee_id, pair.pk)

    (message,) = mailoutbox
    assert "past its matching phase" in message.body
    assert "flagged for re-matching" not in message.body
    _assert_private(message)


@pytest.mark.django_db
def test_nobody_is_emailed_about_a_live_pair_or_when_they_left(
    build_cohort: Any, mailoutbox: Any
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (pair,) = published(setup)
    send_pair_closed_email.call(pair.mentee_id, pair.pk)  # still proposed
    assert mailoutbox == []
    services.mentorship_end(pair, reason="x", acting_user=setup.manager)
    Employee.objects.filter(pk=pair.mentee_id).update(
        status="terminated", termination_date="2026-01-31"
    )
    send_pair_closed_email.call(pair.mentee_id, pair.pk)
    assert mailoutbox == []
    send_pair_closed_email.call(pair.mentor_id, pair.pk)
    assert [m.to for m in mailoutbox] == [[pair.mentor.email]]
    assert Mentorship.objects.get(pk=pair.pk).status == Mentorship.Status.ENDED
