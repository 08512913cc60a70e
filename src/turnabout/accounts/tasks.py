from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


@task()
def send_invitation(user_id: int) -> None:
    """Email a newly invited person a link to choose their password."""
    user = get_user_model().objects.get(pk=user_id)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    link = base + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    send_mail(
        subject="You are invited to Turnabout",
        message=(
            f"Hello {user.first_name},\n\n"
            "You have been invited to Turnabout, where your organisation runs its reverse "
            "mentoring programs.\n\n"
            f"Choose your password here: {link}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
