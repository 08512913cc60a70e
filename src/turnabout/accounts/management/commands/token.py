from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from turnabout.accounts.models import ApiToken
from turnabout.accounts.services import token_create, token_revoke
from turnabout.common.errors import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke API tokens: turnabout token create --email ADMIN_EMAIL"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token acting as an account.")
        create.add_argument("--email", required=True, help="The account the token acts as.")
        create.add_argument("--name", default="command line", help="What the token is for.")
        sub.add_parser("list", help="List tokens (never their secrets).")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = get_user_model().objects.filter(username__iexact=options["email"]).first()
            if user is None or not user.is_active:
                raise CommandError(f"No active account has the email {options['email']}.")
            try:
                issued = token_create(user=user, name=options["name"], acting_user=None)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(issued.secret)
            self.stderr.write(
                f"Token '{issued.token.name}' acts as {user.get_username()}. "
                "Store it now: it is not shown again."
            )
        elif action == "list":
            for token in ApiToken.objects.select_related("user"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.prefix}  {state:8}  {token.user.get_username()}  {token.name}"
                )
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"No token has the prefix {options['prefix']}.")
            token_revoke(found, acting_user=None)
            self.stdout.write(f"Revoked {found.prefix}.")
