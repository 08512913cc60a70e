"""Benchmark of the task queues: `make bench BENCH=queue`.

The case of issue 11: a manager accepts 20,000 applications (20,000 decision emails are
queued), then starts a match run. With the workers started as `turnabout serve` starts them
(one `turnabout worker --queue default`, one `turnabout worker --queue matching
--tick-every 0`), how long does the run wait before a worker starts it? Target: under 5 s.

Data: the applications are written in bulk (20,000 of them through the service would take
minutes and measure the service, not the queue); the emails are queued exactly as
`applications_decide` queues them after its commit (`send_decision_email.enqueue(id)`);
the match run is started through the service (`match_run_start`), on a cohort of 200
mentors and 200 mentees. PostgreSQL when BENCH_DATABASE_URL is set, else a SQLite file.

Run directly (`python bench/bench_queue.py [--quick]`) it writes docs/benchmarks-queue.md
(not with --quick: 2,000 emails).
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMAILS = 20_000
QUICK_EMAILS = 2_000
RUN_SIDE = 200
TARGET_S = 5.0
TIMEOUT_S = 600


def _setup(workdir: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnabout.settings")
    os.environ.setdefault("TURNABOUT_VAR_DIR", str(workdir))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if url:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return "PostgreSQL" if url else "SQLite"


def _build(emails: int) -> tuple[object, object, list[int]]:
    """A cohort in matching with RUN_SIDE people per side, and `emails` accepted applicants
    of a second cohort whose decision emails are to be sent."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from turnabout.accounts.models import Role, RoleAssignment
    from turnabout.enrollment.models import Application
    from turnabout.people.models import Employee
    from turnabout.programs.models import Cohort, InterestSurvey, Program

    manager = get_user_model().objects.create_user(username="m@q.example", email="m@q.example")
    RoleAssignment.objects.create(user=manager, role=Role.PROGRAM_MANAGER)
    program = Program.objects.create(name="Queue", purpose="Bench", meeting_every_days=14)
    program.managers.add(manager)
    start = date(2026, 12, 1)
    signed = timezone.now()

    def cohort(name: str, phase: str) -> Cohort:
        made = Cohort.objects.create(
            program=program, name=name, phase=phase, starts_on=start,
            ends_on=start + timedelta(days=180), applications_open_on=start - timedelta(days=30),
        )  # fmt: skip
        InterestSurvey.objects.get_or_create(cohort=made)
        return made

    matching, big = cohort("To match", "matching"), cohort("Big intake", "applications_closed")
    total = 2 * RUN_SIDE + emails
    people = Employee.objects.bulk_create(
        [
            Employee(
                employee_id=f"Q{i:06d}", first_name="Q", last_name=f"{i}",
                email=f"q{i}@q.example", level=2 if i % 2 == 0 else 8,
                department=["Sales", "Finance", "Engineering"][i % 3], location="London",
            )
            for i in range(total)
        ],
        batch_size=2000,
    )  # fmt: skip
    apps = Application.objects.bulk_create(
        [
            Application(
                cohort=matching if n < 2 * RUN_SIDE else big,
                person=p,
                role="mentor" if n < 2 * RUN_SIDE and n % 2 == 0 else "mentee",
                status="accepted",
                agreed_to_guidelines_at=signed,
                decided_at=signed,
            )
            for n, p in enumerate(people)
        ],
        batch_size=2000,
    )
    return matching, manager, [a.pk for a in apps[2 * RUN_SIDE :]]


def _workers(env: dict[str, str], log: Path) -> list[subprocess.Popen[bytes]]:
    """The two workers, exactly as `turnabout serve` starts them."""
    command = [sys.executable, "-m", "turnabout.cli", "worker"]
    out = log.open("ab")
    return [
        subprocess.Popen([*command, "--queue", "default"], env=env, stdout=out, stderr=out),
        subprocess.Popen(
            [*command, "--queue", "matching", "--tick-every", "0"], env=env, stdout=out, stderr=out
        ),
    ]


def run(*, quick: bool) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    engine = _setup(workdir)
    from django_tasks_db.models import DBTaskResult

    from turnabout.common.models import WorkerHeartbeat
    from turnabout.enrollment.tasks import send_decision_email
    from turnabout.pairing import services
    from turnabout.pairing.models import MatchRun

    emails = QUICK_EMAILS if quick else EMAILS
    matching, manager, app_ids = _build(emails)
    t0 = time.perf_counter()
    for app_id in app_ids:
        send_decision_email.enqueue(application_id=app_id)
    enqueue_s = time.perf_counter() - t0
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-key-" + "x" * 40),
        "DEBUG": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    workers = _workers(env, workdir / "workers.log")
    try:
        # Both workers up (their heartbeats written) and the default one into the backlog:
        # what is measured is the queueing, not the workers' start-up.
        ready_by = time.perf_counter() + TIMEOUT_S
        while time.perf_counter() < ready_by:
            sending = DBTaskResult.objects.filter(queue_name="default").exclude(status="READY")
            if WorkerHeartbeat.objects.count() >= 2 and sending.exists():
                break
            time.sleep(0.2)
        time.sleep(1.0)
        run_row = services.match_run_start(matching, acting_user=manager)  # type: ignore[arg-type]
        queued_at = time.perf_counter()
        started_after = finished_after = None
        emails_left_at_start = None
        while time.perf_counter() - queued_at < TIMEOUT_S:
            run_row.refresh_from_db()
            if started_after is None and run_row.status != MatchRun.Status.QUEUED:
                started_after = time.perf_counter() - queued_at
                emails_left_at_start = DBTaskResult.objects.filter(
                    queue_name="default", status="READY"
                ).count()
            if run_row.is_finished:
                finished_after = time.perf_counter() - queued_at
                break
            time.sleep(0.1)
        emails_sent = DBTaskResult.objects.filter(queue_name="default", status="SUCCESSFUL").count()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    db_wait = (
        (run_row.started_at - run_row.created_at).total_seconds()
        if run_row.started_at is not None
        else None
    )
    verdict = (
        "met"
        if started_after is not None and started_after < TARGET_S
        else f"missed (target {TARGET_S:g} s)"
    )
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607
    lines = [
        "## Match runs behind an email backlog (`make bench BENCH=queue`)",
        "",
        f"{engine} task queue (django-tasks' database backend), {platform.machine()} "
        f"{platform.system()}, Python {platform.python_version()}, {os.cpu_count()} cores "
        f"shared with other work (`uptime` after the run: "
        f"{uptime.split('load average:')[-1].strip()}).",
        "",
        f"{emails:,} decision emails queued (in {enqueue_s:.1f} s), then a match run of "
        f"{RUN_SIDE} x {RUN_SIDE} started through the service, with the two workers of "
        "`turnabout serve` (`worker --queue default`, `worker --queue matching --tick-every 0`). "
        "The run is started once both workers are up (their heartbeats written) and the default "
        "one is sending: a worker's own start-up is not queueing and is left out.",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| wait before the run started (polled) | "
        f"{'—' if started_after is None else f'{started_after:.2f} s'} ({verdict}) |",
        f"| wait by the run's own timestamps (started_at - created_at) | "
        f"{'—' if db_wait is None else f'{db_wait:.2f} s'} |",
        f"| run finished after | {'—' if finished_after is None else f'{finished_after:.1f} s'} |",
        f"| emails still queued when the run started | {emails_left_at_start} of {emails:,} |",
        f"| emails sent by the end of the run | {emails_sent:,} |",
        "",
        "Before the matching queue (one FIFO queue), the issue measured a 591 s wait behind "
        "19,500 decision emails.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    section = run(quick=quick)
    print(section)
    if not quick:
        (ROOT / "docs" / "benchmarks-queue.md").write_text(section, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
