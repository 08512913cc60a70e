"""Benchmark of the web pages at 10,000 pairs: `make bench BENCH=web`.

Data (PostgreSQL when BENCH_DATABASE_URL is set, else a SQLite file; the target is stated
for PostgreSQL). The volume is written in bulk, because building 10,000 pairs through the
services would take hours: `bench_insights._build` (20,000 people and accepted
applications, 10,000 active pairs, a year of fortnightly sessions, half the agreements
signed), plus, in bulk too, 500 accepted mentees still waiting, the published match run that
proposed the pairs (10,000 proposals, 500 unmatched entries), 5 audit records per pair and the
login accounts of the people who take part in the load test. Sessions are opened through
Django's own login (`Client.force_login`), as a browser's sign-in would.

Then:
  (i)  each main page's median time (in process, 5 requests after a warm-up) at the demo's
       size (50 pairs, the same builder) and at 10,000 pairs, and the ratio (target <= 3x);
  (ii) a load test: locust, 50 logged-in users (10 program managers who are also org
       admins, 35 participants, 5 sponsors), think time uniform in 2.5-7.5 s (mean 5 s),
       90 s, against gunicorn with 2 workers (4 threads each, docs/deploy.md): p95 of every
       page and the errors (target p95 < 200 ms, 0 errors).

Run directly (`python bench/bench_web.py [--quick]`) it writes docs/benchmarks-web.md
(not with --quick: 1,000 pairs, 20 s of load).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

PAIRS = 10_000
QUICK_PAIRS = 1_000
DEMO_PAIRS = 50
WAITING = 500
AUDIT_PER_PAIR = 5  # audit records per pair: 50,000 at 10,000 pairs
REQUESTS = 5
USERS = {"manager": 10, "participant": 35, "sponsor": 5}
LOAD_SECONDS = 90
PORT = int(os.environ.get("BENCH_PORT", "8102"))
TARGET_MS = 200
TARGET_RATIO = 3.0


def _setup(workdir: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turnabout.settings")
    os.environ.setdefault("TURNABOUT_VAR_DIR", str(workdir))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return "PostgreSQL" if url else "SQLite"


def _reset() -> None:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        connection.close()
        Path(str(connection.settings_dict["NAME"])).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def _build(pairs: int) -> dict[str, Any]:
    """The data set (see the module docstring); returns the ids the pages need."""
    from bench_insights import _build as build_pairs
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from turnabout.accounts.models import Role, RoleAssignment
    from turnabout.common.models import AuditRecord
    from turnabout.enrollment.models import Application
    from turnabout.pairing.models import MatchRun, Mentorship, Proposal, UnmatchedEntry
    from turnabout.people.models import Employee
    from turnabout.programs.models import InterestSurvey

    program, manager, sponsor = build_pairs(pairs)
    cohort = program.cohorts.get()  # type: ignore[attr-defined]
    InterestSurvey.objects.get_or_create(cohort=cohort)  # what cohort_create makes
    users = get_user_model().objects
    RoleAssignment.objects.create(user=manager, role=Role.ORG_ADMIN)
    signed = timezone.now() - timedelta(days=200)
    waiting_people = Employee.objects.bulk_create(
        [
            Employee(
                employee_id=f"W{i:06d}", first_name="W", last_name=f"{i}",
                email=f"w{i}@bench.example", level=8, department="Sales", location="London",
            )
            for i in range(WAITING)
        ],
        batch_size=2000,
    )  # fmt: skip
    waiting = Application.objects.bulk_create(
        [
            Application(
                cohort=cohort, person=p, role="mentee", status="accepted",
                agreed_to_guidelines_at=signed, decided_at=signed,
            )
            for p in waiting_people
        ],
        batch_size=2000,
    )  # fmt: skip
    Application.objects.filter(cohort=cohort, decided_at__isnull=True).update(decided_at=signed)
    run = MatchRun.objects.create(
        cohort=cohort, number=1, status=MatchRun.Status.DONE, progress=100,
        created_by=manager, started_at=signed, finished_at=signed, published_at=signed,
        mentors=pairs, mentees=pairs + WAITING, matched=pairs, mean_score=0.7, min_score=0.3,
        total_score=0.7 * pairs, seconds=12.0,
    )  # fmt: skip
    side = "mentor_application" if hasattr(Proposal, "mentor_application") else "mentor"
    other = "mentee_application" if side == "mentor_application" else "mentee"
    batch = []
    for n, (mentor_id, mentee_id) in enumerate(
        Mentorship.objects.filter(cohort=cohort)
        .order_by("pk")
        .values_list("mentor_application_id", "mentee_application_id")
    ):
        batch.append(
            Proposal(
                run=run, score=0.3 + (n % 70) / 100,
                breakdown={"skills": 0.8, "level_gap": 0.6, "language": 1.0},
                reasons=[{"code": "skills", "params": {"offered": ["Data"], "wanted": 2}}],
                **{f"{side}_id": mentor_id, f"{other}_id": mentee_id},
            )
        )  # fmt: skip
    Proposal.objects.bulk_create(batch, batch_size=2000)
    UnmatchedEntry.objects.bulk_create(
        [
            UnmatchedEntry(run=run, application=a, reason={"code": "no_capacity", "params": {}})
            for a in waiting
        ],
        batch_size=2000,
    )
    AuditRecord.objects.bulk_create(
        [
            AuditRecord(
                actor=manager, actor_label=manager.email, event="person.updated",
                target_type="employee", target_id=str(i), target_label=f"P {i}",
                changes={"title": ["Analyst", "Engineer"]},
            )
            for i in range(AUDIT_PER_PAIR * pairs)
        ],
        batch_size=5000,
    )  # fmt: skip

    # Login accounts: more managers (also org admins) and sponsors, and the people of the
    # first pairs. One password hash for all (the load test never signs in by password).
    password = make_password("bench-not-a-secret")
    managers = [manager]
    for i in range(1, USERS["manager"]):
        user = users.create(username=f"m{i}@bench.example", email=f"m{i}@bench.example")
        RoleAssignment.objects.create(user=user, role=Role.PROGRAM_MANAGER)
        RoleAssignment.objects.create(user=user, role=Role.ORG_ADMIN)
        program.managers.add(user)  # type: ignore[attr-defined]
        managers.append(user)
    sponsors = [sponsor]
    for i in range(1, USERS["sponsor"]):
        user = users.create(username=f"s{i}@bench.example", email=f"s{i}@bench.example")
        RoleAssignment.objects.create(user=user, role=Role.SPONSOR)
        sponsors.append(user)
    participants = []
    first_pairs = list(
        Mentorship.objects.filter(cohort=cohort)
        .order_by("pk")
        .values_list("pk", "mentor_id", "mentee_id")[: USERS["participant"]]
    )
    for n, (pair_pk, mentor_pk, mentee_pk) in enumerate(first_pairs):
        employee_pk = mentor_pk if n % 2 == 0 else mentee_pk
        email = f"p{employee_pk}@participant.bench.example"
        user = users.create(username=email, email=email, password=password)
        Employee.objects.filter(pk=employee_pk).update(user=user)
        participants.append((user, pair_pk))
    return {
        "program": program.pk,
        "cohort": cohort.pk,
        "run": run.pk,
        "managers": managers,
        "sponsors": sponsors,
        "participants": participants,
    }


def _pages(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, role, url) of the main pages; participants' pages use their own pair."""
    from django.urls import reverse

    program, cohort, run = data["program"], data["cohort"], data["run"]
    pair = data["participants"][0][1]
    return [
        ("program page", "manager", reverse("programs:detail", args=[program])),
        ("cohort detail", "manager", reverse("programs:cohort", args=[cohort])),
        ("applications review", "manager", reverse("enrollment:review", args=[cohort])),
        ("matching (cohort)", "manager", reverse("pairing:cohort", args=[cohort])),
        ("match run", "manager", reverse("pairing:run", args=[run])),
        ("pairs list", "manager", reverse("pairing:mentorships", args=[cohort])),
        ("engagement dashboard", "manager", reverse("engagement:program", args=[program])),
        ("pair health list", "manager", reverse("insights:health", args=[program])),
        ("people list", "manager", reverse("people:list")),
        ("people list, page 300", "manager", reverse("people:list") + "?page=300"),
        ("audit log", "manager", reverse("audit:list")),
        ("API match run", "manager", f"/api/v1/match-runs/{run}"),
        ("API run proposals", "manager", f"/api/v1/match-runs/{run}/proposals"),
        ("API mentorships of a cohort", "manager", f"/api/v1/mentorships?cohort_id={cohort}"),
        ("API applications", "manager", f"/api/v1/cohorts/{cohort}/applications"),
        ("program dashboard", "sponsor", reverse("insights:program", args=[program])),
        ("participant home", "participant", reverse("home")),
        ("hub", "participant", reverse("me:hub")),
        ("my matches", "participant", reverse("me:matches")),
        ("pair page", "participant", reverse("engagement:pair", args=[pair])),
    ]


def _user_for(data: dict[str, Any], role: str) -> Any:
    if role == "manager":
        return data["managers"][0]
    if role == "sponsor":
        return data["sponsors"][0]
    return data["participants"][0][0]


def _time_pages(data: dict[str, Any]) -> dict[str, float]:
    from django.test import Client

    clients: dict[str, Client] = {}
    out: dict[str, float] = {}
    for label, role, url in _pages(data):
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(_user_for(data, role))
        client = clients[role]
        warm = client.get(url)
        assert warm.status_code == 200, (label, url, warm.status_code)
        times = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t0)
        out[label] = statistics.median(times) * 1000
    return out


def _sessions(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A session cookie per load-test user, and the pages each role visits."""
    from django.conf import settings
    from django.test import Client

    def cookie(user: Any) -> str:
        client = Client()
        client.force_login(user)
        return str(client.cookies[settings.SESSION_COOKIE_NAME].value)

    from django.urls import reverse

    pages = _pages(data)
    by_role = {role: [(label, url) for label, r, url in pages if r == role] for role in USERS}
    by_role["sponsor"] += [(label, url) for label, _r, url in pages if label == "program page"]
    people: dict[str, list[dict[str, Any]]] = {role: [] for role in USERS}
    for user in data["managers"]:
        people["manager"].append({"cookie": cookie(user), "pages": by_role["manager"]})
    for user in data["sponsors"]:
        people["sponsor"].append({"cookie": cookie(user), "pages": by_role["sponsor"]})
    for user, pair in data["participants"]:
        own = [
            (label, reverse("engagement:pair", args=[pair]) if label == "pair page" else url)
            for label, url in by_role["participant"]
        ]
        people["participant"].append({"cookie": cookie(user), "pages": own})
    return people


def _load_test(workdir: Path, data: dict[str, Any], seconds: int) -> dict[str, Any]:
    """gunicorn with 2 workers, then locust headless; p95 per page from its CSV."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-key-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    sessions_file = workdir / "sessions.json"
    sessions_file.write_text(json.dumps(_sessions(data)))
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"), "turnabout.wsgi:application",
            # The 2-core settings of docs/deploy.md.
            "--workers", "2", "--threads", "4", "--worker-class", "gthread",
            "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning",
        ],
        env=env, cwd=str(ROOT),
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        prefix = workdir / "locust"
        total = sum(USERS.values())
        result = subprocess.run(
            [
                str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locustfile_web.py"),
                "--headless", "-u", str(total), "-r", "10", "-t", f"{seconds}s",
                "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary",
                "--loglevel", "WARNING",
            ],
            env={**env, "BENCH_SESSIONS": str(sessions_file)}, cwd=str(ROOT),
            capture_output=True, text=True,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    rows: dict[str, dict[str, str]] = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    failures = []
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with failures_file.open(newline="") as handle:
            failures = list(csv.DictReader(handle))
    return {"rows": rows, "failures": failures, "exit": result.returncode, "log": result.stderr}


def run(*, quick: bool) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    engine = _setup(workdir)
    pairs = QUICK_PAIRS if quick else PAIRS
    _reset()
    demo = _time_pages(_build(DEMO_PAIRS))
    _reset()
    started = time.perf_counter()
    data = _build(pairs)
    built = time.perf_counter() - started
    large = _time_pages(data)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        large = _time_pages(data)  # with the planner's statistics, as in production
    load = _load_test(workdir, data, 20 if quick else LOAD_SECONDS)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607

    lines = [
        "## Web pages at 10,000 pairs (`make bench BENCH=web`)",
        "",
        f"{engine}, {platform.machine()} {platform.system()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores shared with other work "
        f"(`uptime` after the run: {uptime.split('load average:')[-1].strip()}). "
        f"{pairs:,} active pairs with a year of sessions, {WAITING} people waiting, the "
        f"match run's {pairs:,} proposals, {AUDIT_PER_PAIR * pairs:,} audit records; built in "
        f"bulk in {built:.0f} s (see the script's docstring for what is bulk and why).",
        "",
        f"### (i) Each page at {pairs:,} pairs against the demo's size ({DEMO_PAIRS} pairs)",
        "",
        f"Median of {REQUESTS} requests in process (Django's test client), after a warm-up.",
        "",
        f"| page | {DEMO_PAIRS} pairs | {pairs:,} pairs | ratio (target <= {TARGET_RATIO:g}x) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, _role, _url in _pages(data):
        ratio = large[label] / demo[label] if demo[label] else float("nan")
        flag = "" if ratio <= TARGET_RATIO else " (over)"
        lines.append(
            f"| {label} | {demo[label]:.0f} ms | {large[label]:.0f} ms | {ratio:.1f}x{flag} |"
        )
    total = sum(USERS.values())
    aggregated = load["rows"].get("Aggregated", {})
    lines += [
        "",
        f"### (ii) Load: {total} logged-in users for {20 if quick else LOAD_SECONDS} s",
        "",
        f"locust, {USERS['manager']} program managers (also org admins), "
        f"{USERS['participant']} mentors and mentees, {USERS['sponsor']} sponsors; think time "
        "2.5-7.5 s (mean 5 s); gunicorn with 2 workers of 4 threads (the 2-core settings of "
        "docs/deploy.md) on the same machine as the "
        f"database and locust. {aggregated.get('Request Count', '?')} requests, "
        f"{aggregated.get('Failure Count', '?')} errors, aggregated p95 "
        f"{aggregated.get('95%', '?')} ms.",
        "",
        f"| page | requests | errors | median | p95 (target < {TARGET_MS} ms) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, row in sorted(load["rows"].items()):
        if name == "Aggregated":
            continue
        p95 = float(row["95%"] or 0)
        flag = "" if p95 < TARGET_MS else " (over)"
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} ms | {row['95%']} ms{flag} |"
        )
    if load["failures"]:
        lines += ["", "Errors:", ""]
        lines += [f"- {f['Name']}: {f['Error']} ({f['Occurrences']}x)" for f in load["failures"]]
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    section = run(quick=quick)
    print(section)
    if not quick:
        (ROOT / "docs" / "benchmarks-web.md").write_text(section, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
