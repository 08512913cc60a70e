"""Background work of the recognition app: the certificate email (with its PDF)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_certificate(certificate_id: int) -> None:
    from turnabout.common.email import absolute_url, send_templated_email
    from turnabout.recognition.models import Certificate
    from turnabout.recognition.services import certificate_mark_emailed

    certificate = (
        Certificate.objects.select_related("person")
        .filter(pk=certificate_id, emailed_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if certificate is None or not certificate.person.email:
        return
    send_templated_email(
        "recognition/emails/certificate",
        {
            "c": certificate,
            "verify_url": absolute_url("certificate_verify", code=certificate.code),
        },
        to=[certificate.person.email],
        attachments=[("certificate.pdf", bytes(certificate.pdf), "application/pdf")],
    )
    certificate_mark_emailed(certificate.pk)
