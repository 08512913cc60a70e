"""Roles of a login account and API tokens for integrations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel
from turnabout.common.notifications import Channel, NotificationKind


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation admin")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    SPONSOR = "sponsor", _("Executive sponsor")


class RoleAssignment(TimeStampedModel):
    """A role held by a user. Participants need none: a linked employee record makes one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display()}"


class ServiceAccount(TimeStampedModel):
    """The account of one integration (an HRIS sync, a BI export). API tokens act as it.

    A service account is a login account with no usable password and no employee record:
    it never takes part in a program, so it never owns a reflection or a rating, and an org
    admin who issues tokens for it gives away only the role it was granted here.
    """

    NAME_MAX = 120

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_account"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(TimeStampedModel):
    """A bearer token for an integration. Only the SHA-256 of the secret is stored.

    A token acts as one account (a service account, or the person who issued it for
    themselves), only until `expires_at`, and only for what its `scope` allows (see
    `accounts/scopes.py`): never more than the account itself may do.
    """

    NAME_MAX = 120
    DAYS_DEFAULT = 90
    DAYS_MAX = 730

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    SCOPE_MAX = 160
    scope = models.CharField(
        _("scopes"),
        max_length=SCOPE_MAX,
        default="full",
        help_text=_("Scope names separated by spaces, or a preset (read, import, full)."),
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when issued from the command line."),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_labels(self) -> list[str]:
        """What the token may do, one label per scope (presets expanded)."""
        from turnabout.accounts.scopes import scope_labels

        return scope_labels(self.scope)


class SsoSettings(TimeStampedModel):
    """The organisation's sign-in policy (one row, edited on the single sign-on page).

    The identity providers themselves are allauth `SocialApp` rows (OIDC or SAML) and
    providers configured in the environment; see `accounts/sso.py`.
    """

    sso_only = models.BooleanField(
        _("single sign-on only"),
        default=False,
        help_text=_("Turn password sign-in off for everyone except the break-glass admin."),
    )
    break_glass_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("break-glass admin"),
        help_text=_("An org admin who can still sign in with a password when SSO fails."),
    )

    class Meta:
        verbose_name = _("single sign-on settings")
        verbose_name_plural = _("single sign-on settings")

    def __str__(self) -> str:
        return "SSO only" if self.sso_only else "SSO optional"


class NotificationPreference(TimeStampedModel):
    """A person's choice for one kind of notification (`common.notifications`).

    No row means email (the default); mandatory kinds are never stored as off
    (`accounts.services.notification_preferences_update` refuses it).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} by {self.channel}"
