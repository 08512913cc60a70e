"""Benchmark of insights at scale: `make bench BENCH=insights`.

Builds 10,000 active pairs with a year of fortnightly sessions (about 260,000) in a fresh
database (PostgreSQL when BENCH_DATABASE_URL is set, else a SQLite file), then measures:
the nightly tick's work (pair health of every pair, the KPI snapshot of every objective),
and each dashboard page's number of queries and median render time over 7 requests.

Run directly (`python bench/bench_insights.py [--quick]`) it writes its section to
docs/benchmarks-insights.md (not with --quick: 1,000 pairs).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

PAIRS = 10_000
QUICK_PAIRS = 1_000
REQUESTS = 7
ROOT = Path(__file__).resolve().parent.parent


def _setup(workdir: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnabout.settings")
    os.environ.setdefault("TURNABOUT_VAR_DIR", str(workdir))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    if url:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    return "PostgreSQL" if url else "SQLite"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, dtime(hour), tzinfo=UTC)


def _build(pairs: int) -> tuple[object, object, object]:
    from django.contrib.auth import get_user_model

    from turnabout.accounts.models import Role, RoleAssignment
    from turnabout.engagement.models import Agreement, MentoringSession
    from turnabout.enrollment.models import Application
    from turnabout.pairing.models import Mentorship
    from turnabout.people.models import Employee
    from turnabout.programs.models import Cohort, Objective, Program

    users = get_user_model().objects
    manager = users.create_user(username="m@bench.example", email="m@bench.example")
    sponsor = users.create_user(username="s@bench.example", email="s@bench.example")
    RoleAssignment.objects.create(user=manager, role=Role.PROGRAM_MANAGER)
    RoleAssignment.objects.create(user=sponsor, role=Role.SPONSOR)
    program = Program.objects.create(name="Bench", purpose="Bench", meeting_every_days=14)
    program.managers.add(manager)
    start = date(2025, 11, 3)
    cohort = Cohort.objects.create(
        program=program, name="Year", phase="active", starts_on=start,
        ends_on=start + timedelta(days=400), applications_open_on=start - timedelta(days=30),
    )  # fmt: skip
    for metric, target, unit, parameter in [
        ("pairs_meeting_min_sessions", 80, "percent", "6"),
        ("pair_completion", 85, "percent", ""),
        ("mentor_retention", 95, "percent", "12"),
        ("applications", 1000, "count", ""),
        ("satisfaction", "4.2", "points", ""),
    ]:
        Objective.objects.create(
            program=program, title=metric, metric=metric, target=target, unit=unit,
            parameter=parameter,
        )  # fmt: skip
    people = Employee.objects.bulk_create(
        [
            Employee(
                employee_id=f"B{i:06d}",
                first_name="P",
                last_name=f"{i}",
                email=f"p{i}@bench.example",
                level=2 if i % 2 == 0 else 8,
                department=["Sales", "Finance", "Engineering"][i % 3],
                location="London",
            )
            for i in range(2 * pairs)
        ],
        batch_size=2000,
    )
    signed = _at(start)
    apps = Application.objects.bulk_create(
        [
            Application(
                cohort=cohort,
                person=p,
                role="mentor" if p.level == 2 else "mentee",
                status="accepted",
                agreed_to_guidelines_at=signed,
            )
            for p in people
        ],
        batch_size=2000,
    )
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                cohort=cohort,
                mentor=people[2 * i],
                mentee=people[2 * i + 1],
                mentor_application=apps[2 * i],
                mentee_application=apps[2 * i + 1],
                status="active",
                activated_at=signed,
            )
            for i in range(pairs)
        ],
        batch_size=2000,
    )
    Agreement.objects.bulk_create(
        [Agreement(mentorship=m, signed_at=signed) for m in mentorships[::2]], batch_size=2000
    )
    batch: list[MentoringSession] = []
    for n, m in enumerate(mentorships):
        meetings = 26 if n % 10 else 8  # one pair in ten stopped meeting
        for k in range(meetings):
            batch.append(
                MentoringSession(
                    mentorship=m,
                    uid=f"b{m.pk}-{k}",
                    starts_at=_at(start + timedelta(days=14 * k)),
                    format="video",
                    outcome="held" if (n + k) % 9 else "cancelled",
                )
            )
        if len(batch) >= 20_000:
            MentoringSession.objects.bulk_create(batch, batch_size=5000)
            batch = []
    MentoringSession.objects.bulk_create(batch, batch_size=5000)
    return program, manager, sponsor


def run(*, quick: bool) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="bench-insights-"))
    engine = _setup(workdir)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from turnabout.insights import services
    from turnabout.pairing.models import Mentorship

    pairs = QUICK_PAIRS if quick else PAIRS
    started = time.perf_counter()
    program, manager, sponsor = _build(pairs)
    built = time.perf_counter() - started
    sessions = Mentorship.objects.filter(cohort__program=program).count()
    now = datetime(2026, 11, 2, 6, tzinfo=UTC)
    t0 = time.perf_counter()
    changes = services.pair_health_refresh(now=now)
    health_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    snapshots = services.kpi_snapshots_take(day=now.date(), now=now)
    snapshot_s = time.perf_counter() - t0
    rows = []
    pages = [
        ("program dashboard", sponsor, reverse("insights:program", args=[program.pk])),
        ("cohort dashboard", sponsor, reverse("insights:cohort", args=[program.cohorts.get().pk])),
        ("program page (KPI cards)", sponsor, reverse("programs:detail", args=[program.pk])),
        ("pair health list (manager)", manager, reverse("insights:health", args=[program.pk])),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm (and the first view of the day: today's snapshot if missing)
        times = []
        for _ in range(REQUESTS):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (label, response.status_code)
        rows.append((label, len(ctx.captured_queries), statistics.median(times) * 1000))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "## Insights (`make bench BENCH=insights`)",
        "",
        f"{engine}, {platform.machine()} {platform.system()}, Python {platform.python_version()}; "
        f"{pairs:,} active pairs, {sessions:,} pairs in the cohort, sessions every 14 days for "
        f"a year (one pair in ten stopped after 8); data built in {built:.0f} s.",
        "",
        "| step | figure |",
        "| --- | --- |",
        f"| pair health of every active pair | {health_s:.1f} s ({changes:,} changes recorded) |",
        f"| KPI snapshot of every objective (nightly) | {snapshot_s:.2f} s ({snapshots} rows) |",
        "",
        "| page | queries | median render |",
        "| --- | ---: | ---: |",
        *[f"| {label} | {queries} | {ms:.0f} ms |" for label, queries, ms in rows],
        "",
        "KPI cards read the daily snapshot (value, state, history) that the tick takes; the "
        "first view of a day the tick has not reached takes it on demand (the snapshot time "
        "above, once a day). Sessions per week come from the cohort's rollup taken with the "
        "snapshot; every other figure is one SQL aggregate. The pair-health list is "
        "paginated and ordered in SQL. No page's query count grows with the data (pinned by "
        "`insights/tests/test_dashboard.py`).",
        "",
        f"Load average while measuring (1, 5, 15 min): {load}.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    section = run(quick=quick)
    print(section)
    if not quick:
        (ROOT / "docs" / "benchmarks-insights.md").write_text(section, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
