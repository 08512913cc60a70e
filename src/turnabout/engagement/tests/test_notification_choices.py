"""A person's notification choices hold on the real sending path (accounts' choices,
checked once in `common.email.build_email`)."""

from __future__ import annotations

import pytest
from django.core import mail

from turnabout.accounts.services import notification_preferences_update


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_session_invite_only_to_the_partner_who_wants_it(pair):
    """The real path: a session scheduled, its invites sent by the task worker."""
    from datetime import timedelta

    from django.core.management import call_command

    from turnabout.engagement.services import session_schedule
    from turnabout.engagement.tests.factories import NOW

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    mail.outbox.clear()
    notification_preferences_update(
        pair.mentor, choices={"sessions": "none"}, acting_user=pair.mentor
    )
    session_schedule(
        pair.mentorship,
        starts_at=NOW + timedelta(days=3),
        minutes=45,
        format="video",
        video_url="https://meet.example.com/abc",
        acting_user=pair.mentee,
        now=NOW,
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mail.outbox] == [[pair.mentorship.mentee.email]]
