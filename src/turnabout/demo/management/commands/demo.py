"""`turnabout demo`: build the demo organisation and print its logins."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from turnabout.common.errors import Conflict
from turnabout.demo.engagement import engagement_demo_build
from turnabout.demo.feedback import feedback_demo_build
from turnabout.demo.insights import insights_demo_build
from turnabout.demo.learning import learning_demo_build
from turnabout.demo.pairing import pairing_demo_build
from turnabout.demo.people import DEFAULT_SEED, DemoSummary, demo_build
from turnabout.demo.programs import programs_demo_build
from turnabout.demo.recognition import recognition_demo_build

NOT_LOADED = "Database already has data; demo not loaded."

# The demo's parts after the people, in build order, each with the line it prints (the
# fields of the part's summary fill it in).
STEPS: tuple[tuple[Callable[..., Any], str], ...] = (
    (
        programs_demo_build,
        "Program {program}: {cohorts} cohorts, {mentor_applications} mentor and "
        "{mentee_applications} mentee applications in the current one.",
    ),
    (
        pairing_demo_build,
        "Pairing: {runs} match runs, {active} active pairs, {proposed} waiting for answers, "
        "{declined} declined and re-matched (engine time {seconds:.2f} s).",
    ),
    (
        engagement_demo_build,
        "Engagement: {agreements} agreements ({signed} signed), {sessions} sessions ({held} "
        "held), {goals} goals, {learning} learning entries, {guides} conversation guides.",
    ),
    (
        feedback_demo_build,
        "Surveys: {surveys} surveys, {answers} answer sheets, {pilot_pairs} pilot pairs with "
        "their history, {flags} pairs flagged as not a good fit.",
    ),
    (
        learning_demo_build,
        "Learning: {modules} training modules, {trained} participants trained and "
        "{not_trained} not yet, {resources} library resources.",
    ),
    (
        recognition_demo_build,
        "Recognition: the pilot's {pilot_pairs} pairs, {badges} badges, {certificates} "
        "certificates, {stories} published stories.",
    ),
    (
        insights_demo_build,
        "Insights: the pilot's {pilot_pairs} pairs and {pilot_sessions} sessions, {snapshots} "
        "KPI snapshots, {at_risk} pairs at risk and {check_in} to check in with.",
    ),
)


class Command(BaseCommand):
    help = (
        "Build the demo organisation (about 400 employees, resource groups, skills) "
        "with one login per role, in an empty database. The same seed gives the same company."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already has employees.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete everything in the database first, then build the demo again.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default: %(default)s)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = timezone.now()
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Deleted everything in the database; building the demo again.")
        self.verbosity = int(options.get("verbosity", 1))
        try:
            summary = demo_build(seed=options["seed"])
        except Conflict as exc:
            if options["if_empty"]:
                self.stdout.write(NOT_LOADED)
                return
            raise CommandError(
                f"{exc.message} Use an empty database (e.g. a new TURNABOUT_VAR_DIR or "
                "DATABASE_URL), or pass --if-empty to skip quietly."
            ) from exc
        self._print(summary)
        for build, line in STEPS:
            part = build(seed=options["seed"])
            if part is not None:  # None: that part of the demo exists already
                self.stdout.write("  " + line.format_map(asdict(part)))
        self._drop_queued_emails(since=started)

    def _drop_queued_emails(self, *, since: datetime) -> None:
        """The demo's story (decisions, declines) queues emails to fictional people: drop them.

        Otherwise the worker of `make run` prints a hundred emails over the address and logins.
        """
        queued = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, enqueued_at__gte=since, task_path__endswith="_email"
        )
        dropped, _by_model = queued.delete()
        if dropped and self.verbosity >= 2:
            self.stdout.write(f"  Dropped {dropped} emails to the demo's fictional people.")

    def _print(self, summary: DemoSummary) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Built the demo organisation {summary.company} (seed {summary.seed})."
            )
        )
        self.stdout.write(
            f"  {summary.employees} employees, {summary.departments} departments, "
            f"{summary.locations} locations, {summary.resource_groups} employee resource groups, "
            f"{summary.skills} skills."
        )
        self.stdout.write("")
        passwords = {login.password for login in summary.logins}
        if len(passwords) == 1:
            self.stdout.write(f"Demo logins (password for all: {passwords.pop()}):")
        else:
            self.stdout.write("Demo logins:")
        rows = [("Role", "Email", "Sees")] + [
            (login.role, login.email, login.sees) for login in summary.logins
        ]
        role_width = max(len(row[0]) for row in rows)
        email_width = max(len(row[1]) for row in rows)
        for index, (role, email, sees) in enumerate(rows):
            line = f"  {role:<{role_width}}  {email:<{email_width}}  {sees}"
            self.stdout.write(self.style.MIGRATE_HEADING(line) if index == 0 else line)
