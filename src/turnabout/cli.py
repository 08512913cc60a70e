"""The `turnabout` command.

turnabout serve [--port 8000]        web server and task worker together (Ctrl-C stops both)
turnabout worker                     the task worker only
turnabout demo                       build the demo organisation (deterministic)
turnabout import people FILE         import employees from a CSV or XLSX HR export
turnabout token create --email E     issue an API token for an account
turnabout match --mentors ... --out  offline matching of two CSV files (no database)
turnabout <any manage.py command>    e.g. migrate, createsuperuser, shell
"""

from __future__ import annotations

import os
import sys


def _manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnabout.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["turnabout", *argv])


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "match":
        # The offline matcher needs no database and no Django at all.
        from turnabout.matching.cli import main as match_main

        return int(match_main(args[1:]))
    if args and args[0] == "import":
        if args[1:2] != ["people"]:
            print("usage: turnabout import people FILE [--dry-run]", file=sys.stderr)
            return 2
        args = ["import_people", *args[2:]]
    if not args:
        print(__doc__)
        return 0
    _manage(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
