"""Small helpers shared by the pairing tests."""

from __future__ import annotations

from typing import Any

from turnabout.accounts.services import token_create
from turnabout.pairing import services
from turnabout.pairing.models import MatchRun, Mentorship


def bearer(user: Any) -> dict[str, str]:
    secret = token_create(user=user, name="t", acting_user=None).secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def run_now(setup: Any, **kwargs: Any) -> MatchRun:
    """Start a run and execute it in-process (what the task worker does)."""
    run = services.match_run_start(setup.cohort, acting_user=setup.manager, enqueue=False, **kwargs)
    done = services.match_run_execute(run.pk)
    assert done is not None and done.status == MatchRun.Status.DONE, done and done.error
    return done


def published(setup: Any) -> list[Mentorship]:
    run = run_now(setup)
    return services.match_run_publish(run, acting_user=setup.manager, notify=False)
