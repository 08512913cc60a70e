"""Background work of the accounts app: fetch by id, render the email template, send."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from turnabout.common.email import absolute_url, send_templated_email


@task()
def send_invitation(user_id: int) -> None:
    """Email a newly invited person a link to choose their password."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = absolute_url("password_reset_confirm", uidb64=uid, token=token)
    send_templated_email(
        "accounts/emails/invitation",
        {
            "first_name": user.first_name,
            "action_url": link,
            "action_label": _("Choose your password"),
        },
        to=[user.email],
    )
