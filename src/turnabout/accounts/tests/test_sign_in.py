"""Sign-in through allauth: throttled per account and per address (axes), password resets
throttled and linked from SITE_URL, every login and failure audited, TOTP for admins."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from turnabout.accounts.models import Role
from turnabout.common.email import render_email
from turnabout.common.models import AuditRecord

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"


def _login(client: Client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def _events(event: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(event=event).order_by("id"))


def test_a_login_and_a_failed_login_are_audited_with_the_address(participant):
    client = Client()
    assert _login(client, participant.email, "wrong-password").status_code == 200
    assert _login(client, participant.email, PASSWORD).status_code == 302

    [failed] = _events("login.failed")
    assert failed.message == f"{participant.email} from 10.0.0.1"
    [succeeded] = _events("login.succeeded")
    assert succeeded.actor_id == participant.pk and succeeded.target_id == str(participant.pk)
    assert succeeded.message == "password from 10.0.0.1"


def test_ten_failures_lock_the_account_even_from_other_addresses(participant, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, participant.email, "nope", f"10.0.1.{attempt}").status_code == 200
    locked = _login(client, participant.email, "nope", "10.0.1.99")
    assert locked.status_code == 429
    # The right password from a fresh address is refused while the account is locked.
    response = _login(Client(), participant.email, PASSWORD, "10.9.9.9")
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert "Too many failed logins" in response.content.decode()
    assert next(r.message for r in _events("login.locked_out")).startswith(participant.email)


def test_ten_failures_from_one_address_lock_that_address_for_every_account(make_user, settings):
    victims = [make_user() for _ in range(settings.AXES_FAILURE_LIMIT)]
    for victim in victims:
        _login(Client(), victim.email, "nope", "10.0.2.1")
    someone = make_user()
    assert _login(Client(), someone.email, PASSWORD, "10.0.2.1").status_code == 429
    assert _login(Client(), someone.email, PASSWORD, "10.0.2.2").status_code == 302


def test_a_lock_ends_by_itself_after_the_cool_down(participant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), participant.email, "nope")
    assert _login(Client(), participant.email, PASSWORD, "10.0.3.3").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _login(Client(), participant.email, PASSWORD, "10.0.3.3").status_code == 302


def test_an_org_admin_sees_the_lock_and_lifts_it_with_an_audit_record(
    participant, org_admin, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), participant.email, "nope", "10.0.4.4")
    admin = Client()
    admin.force_login(org_admin)
    page = admin.get(reverse("accounts:lockouts")).content.decode()
    assert participant.email in page and "10.0.4.4" in page

    admin.post(reverse("accounts:lockout_unlock"), {"kind": "account", "value": participant.email})
    assert _login(Client(), participant.email, PASSWORD, "10.0.4.5").status_code == 302
    [unlocked] = _events("login.unlocked")
    assert unlocked.actor_id == org_admin.pk and participant.email in unlocked.message


def test_only_org_admins_reach_the_lockouts(participant, program_manager):
    for user in (participant, program_manager):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("accounts:lockouts")).status_code == 403
        response = client.post(
            reverse("accounts:lockout_unlock"), {"kind": "account", "value": "x"}
        )
        assert response.status_code == 403


def test_the_reset_link_comes_from_site_url_not_from_the_host_header(participant, settings):
    settings.SITE_URL = "https://mentoring.example.com"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    response = Client().post(
        reverse("password_reset"), {"email": participant.email}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 302
    [message] = mail.outbox
    links = re.findall(r"https?://\S+", str(message.body))
    assert links and all(link.startswith("https://mentoring.example.com/") for link in links)
    assert "evil.example" not in message.body
    alternatives = getattr(message, "alternatives", [])
    assert alternatives and "mentoring.example.com" in str(alternatives[0][0])
    # The link works: it leads to the form to choose a new password.
    path = links[0].removeprefix("https://mentoring.example.com")
    client = Client()
    page = client.get(path, follow=True)
    assert page.status_code == 200 and "password1" in page.content.decode()
    assert [r.target_id for r in _events("password.reset_requested")] == [str(participant.pk)]


def test_reset_requests_are_throttled_per_address_and_per_email(participant, settings):
    client = Client()
    statuses = [
        client.post(reverse("password_reset"), {"email": participant.email}).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3


def test_a_reset_request_for_an_unknown_email_sends_nothing(db):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_password_change_by_any_path_is_audited(participant):
    participant.set_password("another-horse-43")
    participant.save()
    [changed] = _events("password.changed")
    assert changed.target_id == str(participant.pk)
    participant.save(update_fields=["last_login"])  # no new password: no record
    assert len(_events("password.changed")) == 1


def test_the_password_change_page_is_audited(participant):
    client = Client()
    _login(client, participant.email, PASSWORD)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a-new-horse-4711", "password2": "a-new-horse-4711"},
    )
    assert response.status_code == 302
    assert len(_events("password.changed")) == 1


def test_the_admin_site_login_leads_to_the_throttled_login(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nobody_can_sign_up(db):
    response = Client().post(
        "/accounts/signup/", {"email": "new@example.com", "password1": "x-Y-z-12345"}
    )
    assert response.status_code == 200
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="new@example.com").exists()


def _totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(iter(yield_hotp_counters_from_time()))
    return str(format_hotp_value(hotp_value(secret, counter)))


def test_an_org_admin_turns_on_totp_and_then_needs_a_code_to_log_in(
    org_admin, django_capture_on_commit_callbacks
):
    client = Client()
    assert _login(client, org_admin.email, PASSWORD).status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert reverse("mfa_index") in home  # offered to admins and managers
    # allauth asks for the password again before a security change.
    ask = client.get(reverse("mfa_activate_totp"))
    assert ask.status_code == 302 and ask["Location"].startswith(reverse("account_reauthenticate"))
    client.post(ask["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert "totp" in [r.message for r in _events("mfa.added")]

    fresh = Client()
    step = _login(fresh, org_admin.email, PASSWORD)
    assert step.status_code == 302 and step["Location"] == reverse("mfa_authenticate")
    assert fresh.get(reverse("home")).status_code == 302  # not signed in yet
    wrong = fresh.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.get(user=org_admin, type=Authenticator.Type.TOTP)
    # A code is good once: wait for the next 30-second window's code instead of reusing.
    done = fresh.post(reverse("mfa_authenticate"), {"code": _next_code(_secret_of(totp))})
    assert done.status_code == 302
    assert fresh.get(reverse("home")).status_code == 200


def _next_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // 30
    return str(format_hotp_value(hotp_value(secret, counter + 1)))


def _secret_of(totp) -> str:
    from allauth.mfa.adapter import get_adapter

    return str(get_adapter().decrypt(totp.data["secret"]))


def test_participants_are_not_pressed_to_use_two_factor(participant):
    client = Client()
    client.force_login(participant)
    assert reverse("mfa_index") not in client.get(reverse("home")).content.decode()


def test_program_managers_are_offered_two_factor(make_user):
    manager = make_user(Role.PROGRAM_MANAGER)
    client = Client()
    client.force_login(manager)
    assert reverse("mfa_index") in client.get(reverse("home")).content.decode()


def test_the_reset_email_has_a_text_and_an_html_part():

    email = render_email(
        "accounts/emails/password_reset",
        {"first_name": "Zoë", "email": "zoe@example.com", "action_url": "https://x.example/r/1"},
    )
    assert email.subject == "Choose a new Turnabout password"
    assert "Hello Zoë," in email.text and "https://x.example/r/1" in email.text
    assert "https://x.example/r/1" in email.html and "zoe@example.com" in email.html
