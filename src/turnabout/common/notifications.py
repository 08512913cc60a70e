"""Kinds of notification, and who chose not to receive which: checked in ONE place.

Every templated email belongs to a kind (`TEMPLATE_KINDS`, keyed by template name); each
person chooses email or none per kind on their Notifications page (or through
`/api/v1/me/notifications`). `common.email.build_email` drops the recipients who turned the
email's kind off, so no sender has to remember to ask. Account and security emails
(an invitation, a password reset) are mandatory: nobody can turn them off.

The choices are stored by the accounts app (`accounts.NotificationPreference`), which
registers its lookup here (`register_opt_out_lookup`): the leaf imports no other app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ACCOUNT = "account", _("Account and security (invitations, password resets)")
    APPLICATIONS = "applications", _("Decisions on my applications")
    MATCHES = "matches", _("Matches published and pairs ended")
    SESSIONS = "sessions", _("Session invitations (calendar)")
    REMINDERS = "reminders", _("Reminders (agreement, sessions, training)")
    SURVEYS = "surveys", _("Survey invitations")
    REMATCH = "rematch", _("Re-match offers")
    MANAGER_ALERTS = "manager_alerts", _("Alerts for program managers (stalled pairs, fit flags)")
    DIGESTS = "digests", _("Weekly digests")
    RECOGNITION = "recognition", _("Certificates")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    NONE = "none", _("None")


#: Kinds nobody can turn off.
MANDATORY: frozenset[str] = frozenset({NotificationKind.ACCOUNT})

#: Every email template the product sends, and its kind (a test checks none is missing).
TEMPLATE_KINDS: dict[str, str] = {
    "accounts/emails/invitation": NotificationKind.ACCOUNT,
    "accounts/emails/password_reset": NotificationKind.ACCOUNT,
    "enrollment/emails/decision": NotificationKind.APPLICATIONS,
    "pairing/emails/match": NotificationKind.MATCHES,
    "pairing/emails/pair_closed": NotificationKind.MATCHES,
    "engagement/emails/session_invite": NotificationKind.SESSIONS,
    "engagement/emails/reminder_agreement": NotificationKind.REMINDERS,
    "engagement/emails/reminder_log_session": NotificationKind.REMINDERS,
    "engagement/emails/reminder_no_session": NotificationKind.REMINDERS,
    "learning/emails/readiness_reminder": NotificationKind.REMINDERS,
    "engagement/emails/pair_stalled": NotificationKind.MANAGER_ALERTS,
    "feedback/emails/fit_flag": NotificationKind.MANAGER_ALERTS,
    "feedback/emails/invitation": NotificationKind.SURVEYS,
    "feedback/emails/rematch_offer": NotificationKind.REMATCH,
    "insights/emails/rematch_offer": NotificationKind.REMATCH,
    "insights/emails/digest": NotificationKind.DIGESTS,
    "recognition/emails/certificate": NotificationKind.RECOGNITION,
}


def kind_of(template: str) -> str:
    """The kind of an email template; an unlisted template counts as mandatory (sent)."""
    return TEMPLATE_KINDS.get(template, NotificationKind.ACCOUNT)


def is_mandatory(kind: str) -> bool:
    return kind in MANDATORY


OptOutLookup = Callable[[str, Sequence[str]], set[str]]
_lookup: OptOutLookup | None = None


def register_opt_out_lookup(lookup: OptOutLookup) -> None:
    """`lookup(kind, addresses)` returns the (lower-cased) addresses that turned `kind` off."""
    global _lookup
    _lookup = lookup


def recipients_for(kind: str, addresses: Sequence[str]) -> list[str]:
    """The addresses that still receive an email of `kind`: the one check every email passes."""
    if is_mandatory(kind) or _lookup is None or not addresses:
        return list(addresses)
    off = _lookup(kind, addresses)
    return [address for address in addresses if address.lower() not in off]
