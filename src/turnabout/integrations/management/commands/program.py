"""`turnabout program export|apply`: programs as code (see integrations/program_files.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from turnabout.accounts.models import Role
from turnabout.integrations.program_files import ProgramFileError, program_apply, program_export
from turnabout.programs.models import Program


class Command(BaseCommand):
    help = "Export a program's design to a TOML file, or apply one (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write a program's design as TOML.")
        export.add_argument("program", help="The program's name.")
        export.add_argument("--out", help="File to write (default: standard output).")
        apply = sub.add_parser("apply", help="Check a program file; --apply writes it.")
        apply.add_argument("file")
        apply.add_argument("--apply", action="store_true", help="Write the changes.")
        apply.add_argument("--as", dest="as_email", help="Acting org admin (default: the first).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            program = Program.objects.filter(name__iexact=options["program"]).first()
            if program is None:
                raise CommandError(f"No program named {options['program']!r}.")
            text = program_export(program)
            if options["out"]:
                Path(options["out"]).write_text(text, encoding="utf-8")
                self.stdout.write(f"Wrote {options['out']}.")
            else:
                self.stdout.write(text, ending="")
            return
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file.")
        users = get_user_model().objects.filter(is_active=True)
        if options["as_email"]:
            actor = users.filter(email__iexact=options["as_email"]).first()
        else:
            actor = users.filter(role_assignments__role=Role.ORG_ADMIN).order_by("pk").first()
        if actor is None:
            raise CommandError("No acting org admin: pass --as EMAIL of an org admin.")
        try:
            result = program_apply(
                path.read_text(encoding="utf-8"), acting_user=actor, write=options["apply"]
            )
        except ProgramFileError as exc:
            message = f"{path}:{exc.line}: {exc.message}" if exc.line else str(exc)
            raise CommandError(message) from exc
        verb = "Created" if result.created else "Updated"
        if not options["apply"]:
            verb = "Would create" if result.created else "Would update"
        changed = ", ".join(sorted(result.changes)) or "nothing changed"
        self.stdout.write(f"{verb} {result.program.name}: {changed}.")
        if not options["apply"]:
            self.stdout.write("Dry run: nothing was written. Add --apply to write it.")
