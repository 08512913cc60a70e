"""Tasks survive a crash: a worker killed in the middle of a match run leaves neither the
run "running" forever nor the cohort blocked; its task is re-queued (it is idempotent) and
the run is failed with "the worker stopped; start the run again". Any other task of a
dead worker is failed with a reason."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from turnabout.accounts.tasks import send_invitation
from turnabout.common import leases
from turnabout.pairing.models import MatchRun
from turnabout.pairing.services import WORKER_STOPPED, match_run_start

LEASE = 3  # seconds: short, so that the test does not wait a minute


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _worker(**env: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASK_LEASE_SECONDS": str(LEASE),
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "turnabout", "worker", "--tick-every", "0"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting until {what}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_fails_the_run_and_frees_the_cohort(build_cohort, settings):
    settings.TURNABOUT_TASK_LEASE_SECONDS = LEASE
    setup = build_cohort(mentors=3, mentees=3)
    run = match_run_start(setup.cohort, acting_user=setup.manager)
    doomed = _worker(TURNABOUT_MATCH_RUN_PAUSE_SECONDS="120")
    try:
        _wait(
            lambda: MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.RUNNING,
            90,
            "the worker started the run",
        )
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.RUNNING
    # Another worker's heartbeat reaps the dead one's work within the lease (+ a beat).
    survivor = _worker()
    started = time.monotonic()
    try:
        _wait(
            lambda: MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.FAILED,
            120,
            "the run was failed",
        )
        assert time.monotonic() - started < 120
        # The run's task is idempotent: re-queued, run again by the survivor, and finding
        # the run no longer queued, it leaves it alone.
        _wait(
            lambda: DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).exists(),
            60,
            "the re-queued task ran",
        )
    finally:
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(20)
    failed = MatchRun.objects.get(pk=run.pk)
    assert failed.error == WORKER_STOPPED and failed.stage == "failed"
    # The cohort accepts a new run at once.
    again = match_run_start(setup.cohort, acting_user=setup.manager, enqueue=False)
    assert again.status == MatchRun.Status.QUEUED and again.number == run.number + 1


@pytest.mark.django_db
def test_a_task_of_a_dead_worker_that_is_not_idempotent_fails_with_a_reason(settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.TURNABOUT_TASK_LEASE_SECONDS = LEASE
    result = send_invitation.enqueue(1)
    long_ago = timezone.now() - timedelta(seconds=LEASE * 10)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["gone-123"]
    )
    alive = DBTaskResult.objects.create(
        args_kwargs={"args": [2], "kwargs": {}},
        task_path=DBTaskResult.objects.get(pk=result.id).task_path,
        backend_name="default",
        queue_name="default",
        run_after=long_ago,
        status=TaskResultStatus.RUNNING,
        started_at=long_ago,
        worker_ids=["alive-1"],
    )
    leases.beat("alive-1")
    assert leases.reap() >= 1
    dead = DBTaskResult.objects.get(pk=result.id)
    assert dead.status == TaskResultStatus.FAILED and "worker stopped" in dead.traceback
    assert DBTaskResult.objects.get(pk=alive.pk).status == TaskResultStatus.RUNNING
