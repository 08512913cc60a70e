from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from turnabout.accounts import scopes
from turnabout.accounts.models import ApiToken, Role, ServiceAccount
from turnabout.accounts.services import (
    service_account_create,
    token_create,
    token_owner_label,
    token_revoke,
)
from turnabout.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create, list or revoke API tokens: "
        'turnabout token create --integration "HRIS sync" --scope import'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token acting as an account.")
        who = create.add_mutually_exclusive_group(required=True)
        who.add_argument(
            "--integration",
            help="The integration the token is for; its service account is created if new.",
        )
        who.add_argument("--email", help="A person's own account the token acts as.")
        create.add_argument(
            "--role",
            default=Role.ORG_ADMIN,
            choices=Role.values,
            help="Role of a new integration's account (default org_admin).",
        )
        create.add_argument("--name", default="command line", help="What the token is for.")
        create.add_argument(
            "--scope",
            action="append",
            choices=[*scopes.PRESETS, *scopes.SCOPES],
            help="A preset (read, import, full) or a scope; repeat for several (default full).",
        )
        create.add_argument(
            "--days", type=int, default=ApiToken.DAYS_DEFAULT, help="Days until it expires."
        )
        sub.add_parser("list", help="List tokens (never their secrets).")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            for token in ApiToken.objects.select_related("user"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.prefix}  {state:8}  {token.scope:8}  "
                    f"{token.expires_at:%Y-%m-%d}  {token_owner_label(token.user)}  {token.name}"
                )
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"No token has the prefix {options['prefix']}.")
            token_revoke(found, acting_user=None)
            self.stdout.write(f"Revoked {found.prefix}.")

    def _create(self, options: dict[str, Any]) -> None:
        try:
            if options["integration"]:
                account = ServiceAccount.objects.filter(
                    name__iexact=" ".join(options["integration"].split())
                ).first() or service_account_create(
                    name=options["integration"], role=options["role"], acting_user=None
                )
                user = account.user
            else:
                found = get_user_model().objects.filter(username__iexact=options["email"]).first()
                if found is None or not found.is_active:
                    raise CommandError(f"No active account has the email {options['email']}.")
                user = found
            issued = token_create(
                user=user,
                name=options["name"],
                scope=options["scope"] or ["full"],
                days=options["days"],
                acting_user=None,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.secret)
        self.stderr.write(
            f"Token '{issued.token.name}' acts as {token_owner_label(user)}, scope "
            f"{issued.token.scope}, until {issued.token.expires_at:%Y-%m-%d}. "
            "Store it now: it is not shown again."
        )
