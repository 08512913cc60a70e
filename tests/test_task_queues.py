"""The task queues: `/health/`, match runs on their own queue, and the same tasks on Redis
through django-tasks' RQ backend (the real Redis server on 127.0.0.1:6379)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

# A Redis database of its own, flushed by the test (CI's second run, beside this one on the
# other database, sets another number).
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('TURNABOUT_TEST_REDIS_DB', '15')}"


def test_health_answers_200_when_the_database_and_the_queue_answer(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_health_answers_503_when_the_queue_is_unreachable(client: Client, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "queue": "unavailable"}


def test_match_runs_have_their_own_queue() -> None:
    from turnabout.accounts.tasks import send_invitation
    from turnabout.pairing.tasks import run_match

    assert run_match.queue_name == "matching"
    assert send_invitation.queue_name == "default"


@pytest.fixture
def rq(settings: Any) -> Any:
    """Switch the tasks to the RQ backend on the real Redis; yields a burst worker."""
    import django_rq
    import redis
    from django_tasks_rq import Job
    from rq import SimpleWorker

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        if __import__("os").environ.get("CI", "").lower() == "true":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    connection.flushdb()
    settings.RQ_QUEUES = {q: {"URL": REDIS_URL} for q in ("default", "matching")}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "matching"]}
    }
    # (django-tasks resets its backends itself when the TASKS setting changes.)

    def work(*queues: str) -> int:
        """Run every job waiting on `queues` in this process (what `turnabout worker` runs)."""
        rq_queues = [django_rq.get_queue(name, job_class=Job) for name in queues]
        waiting = sum(len(queue) for queue in rq_queues)
        SimpleWorker(rq_queues, connection=rq_queues[0].connection, job_class=Job).work(burst=True)
        return waiting

    yield work
    connection.flushdb()


def test_an_email_a_match_run_and_the_tick_run_on_redis(
    rq: Any,
    make_employee: Any,
    make_user: Any,
    program_manager: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import django_rq

    from turnabout.integrations.models import ChatChannel, Delivery
    from turnabout.pairing import services as pairing
    from turnabout.pairing.models import MatchRun
    from turnabout.pairing.tests.factories import make_setup
    from turnabout.people.services import user_invite

    # An email: the invitation goes through the `default` queue on Redis.
    employee = make_employee(email="newcomer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        user_invite(employee, acting_user=None)
    assert len(django_rq.get_queue("default")) == 1
    assert rq("default") == 1
    assert [m.to for m in mail.outbox] == [["newcomer@example.com"]]

    # A match run: queued on `matching`, which no email backlog delays.
    setup = make_setup(program_manager, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        run = pairing.match_run_start(setup.cohort, acting_user=setup.manager)
    assert len(django_rq.get_queue("matching")) == 1
    assert len(django_rq.get_queue("default")) == 0
    assert rq("matching") == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE, run.error

    # The tick: on a Monday it queues the weekly chat digest, which a worker posts.
    ChatChannel.objects.create(
        program=setup.cohort.program,
        kind="slack",
        name="#x",
        webhook_url="http://127.0.0.1:9/nowhere",
        events=["weekly_digest"],
    )
    from django.core.management import call_command

    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tick", "--now", monday)
    assert rq("default") == 1
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1  # the worker tried (nothing listens on port 9)
