"""Certificates: issued at the end of a cohort to those who completed it, a real PDF,
emailed, verifiable by anyone at an unguessable URL, revocable by a manager."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from turnabout.common.errors import Conflict, ErrorCode, PermissionDenied
from turnabout.recognition import services
from turnabout.recognition.models import Certificate
from turnabout.recognition.tasks import send_certificate
from turnabout.recognition.tests.activity import close_cohort, hold_sessions, log_learning

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _completed(make_pair: Any) -> Any:
    pair = make_pair()
    hold_sessions(pair, 3)
    log_learning(pair)
    close_cohort(pair)
    return pair


def test_not_before_the_cohort_closes_and_not_without_sessions(make_pair: Any) -> None:
    pair = make_pair()
    with pytest.raises(Conflict) as exc:
        services.certificates_issue(pair.mentorship.cohort, acting_user=pair.manager)
    assert exc.value.code == ErrorCode.CERTIFICATE_NOT_ELIGIBLE
    hold_sessions(pair, 2)  # below the completion minimum
    close_cohort(pair)
    assert services.certificates_issue(pair.mentorship.cohort, acting_user=pair.manager) == []


def test_pdf_says_who_what_and_when_and_is_emailed(make_pair: Any) -> None:
    pair = _completed(make_pair)
    cohort = pair.mentorship.cohort
    issued = services.certificates_issue(cohort, acting_user=pair.manager, notify=False)
    assert len(issued) == 2
    assert services.certificates_issue(cohort, acting_user=pair.manager) == []  # idempotent
    mentee_cert = Certificate.objects.get(role="mentee")
    text = _pdf_text(bytes(mentee_cert.pdf))
    assert "Raj Mehta" in text and pair.program.name in text
    assert "3 sessions held" in text
    assert "Generative AI tools" in text  # learned (the mentee's tags)
    assert "Leading change" in text  # taught (the mentor's tags, learned by the mentor)
    assert mentee_cert.code in text.replace("\n", "")
    assert len(mentee_cert.code) >= 32
    mail.outbox.clear()
    send_certificate.call(mentee_cert.pk)
    send_certificate.call(mentee_cert.pk)  # once only
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0] == "certificate.pdf"
    assert f"/certificates/{mentee_cert.code}/" in mail.outbox[0].body


def test_verification_page_is_public_and_shows_name_program_date_only(make_pair: Any) -> None:
    pair = _completed(make_pair)
    services.certificates_issue(pair.mentorship.cohort, acting_user=None, notify=False)
    cert = Certificate.objects.get(role="mentor")
    anonymous = Client()
    page = anonymous.get(f"/certificates/{cert.code}/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-verified="true"' in body
    assert cert.holder_name in body and cert.program_name in body
    assert "sessions" not in body.lower() and "Leading change" not in body  # nothing else
    assert anonymous.get("/certificates/not-a-real-code/").status_code == 404
    # A manager revokes it: the page says so; the holder can no longer download it.
    holder = Client()
    holder.force_login(pair.mentor)
    assert holder.get(f"/recognition/certificates/{cert.pk}/pdf/").status_code == 200
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(cert, reason="x", acting_user=pair.mentor)
    services.certificate_revoke(cert, reason="Issued by mistake", acting_user=pair.manager)
    with pytest.raises(Conflict) as again:
        services.certificate_revoke(cert, reason="again", acting_user=pair.manager)
    assert again.value.code == ErrorCode.CERTIFICATE_REVOKED
    revoked = anonymous.get(f"/certificates/{cert.code}/").content.decode()
    assert 'data-verified="false"' in revoked and cert.holder_name not in revoked
    assert holder.get(f"/recognition/certificates/{cert.pk}/pdf/").status_code == 302


def test_only_the_holder_and_managers_download(make_pair: Any, make_user: Any) -> None:
    pair = _completed(make_pair)
    services.certificates_issue(pair.mentorship.cohort, acting_user=None, notify=False)
    cert = Certificate.objects.get(role="mentor")
    for user, status in ((pair.mentee, 404), (make_user(), 404), (pair.manager, 200)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/recognition/certificates/{cert.pk}/pdf/").status_code == status
