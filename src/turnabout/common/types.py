"""Types every app shares: who a service acts for."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

AnyUser = AbstractBaseUser | AnonymousUser  # whoever a service acts for
AnyUserOrSystem = AnyUser | None  # None: the system itself (HR import, scheduled work)
