from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from turnabout.accounts import permissions
from turnabout.accounts.models import ApiToken
from turnabout.accounts.services import TOKEN_PREFIX, hash_token
from turnabout.common.errors import PermissionDenied
from turnabout.common.types import AnyUser

LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_user(secret: str) -> User | None:
    """The active user a bearer token acts as, or None for an unknown or revoked token."""
    if not secret.startswith(f"{TOKEN_PREFIX}_") or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # Bookkeeping, not a business write: throttled so reads stay cheap.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_list(*, user: AnyUser) -> QuerySet[ApiToken]:
    if not permissions.is_org_admin(user):
        raise PermissionDenied("Only org admins see API tokens.")
    return ApiToken.objects.select_related("user").all()
