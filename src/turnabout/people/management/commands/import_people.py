"""`turnabout import people FILE [--dry-run] [--as EMAIL]`: the HRIS import from a shell."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from turnabout.accounts import permissions
from turnabout.common.errors import DomainError
from turnabout.people.importing import MAX_FILE_BYTES, people_import


class Command(BaseCommand):
    help = (
        "Import employees from a CSV or XLSX export of the HR system (see docs/import.md). "
        "Every row is checked first; if any row has an error nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the CSV or XLSX file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and count what would change, without writing anything",
        )
        parser.add_argument(
            "--as",
            dest="acting_email",
            metavar="EMAIL",
            help="record this organisation admin as the actor in the audit log (default: system)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        acting_user = self._acting_user(options["acting_email"])
        content = self._read(path)
        try:
            report = people_import(
                content=content,
                filename=path.name,
                acting_user=acting_user,
                dry_run=options["dry_run"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.summary()))
            return
        for error in report.errors:
            self.stderr.write(str(error))
        raise CommandError(report.summary())

    def _acting_user(self, email: str | None) -> AbstractBaseUser | None:
        if not email:
            return None
        user = get_user_model().objects.filter(username__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account has the email %(email)s.") % {"email": email})
        if not permissions.can_import_people(user):
            raise CommandError(
                _("%(email)s is not an organisation admin and cannot import people.")
                % {"email": email}
            )
        return user

    def _read(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise CommandError(
                    _("%(file)s is too big: at most %(size)d MB.")
                    % {"file": path, "size": MAX_FILE_BYTES // 2**20}
                )
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(problem)s") % {"file": path, "problem": exc.strerror}
            ) from exc
