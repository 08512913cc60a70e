"""Two publishes or two accepts at once never create a double pair or exceed a mentor's
capacity: database constraints (one live mentorship per mentee) and a row lock on the
mentor's application (capacity) hold even when two transactions race. Runs on SQLite
(IMMEDIATE transactions serialise writers) and on PostgreSQL (row locks, unique index)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from turnabout.common.errors import DomainError
from turnabout.pairing import adapter, services
from turnabout.pairing.models import MatchRun, Mentorship, Proposal
from turnabout.pairing.tests.helpers import published, run_now
from turnabout.programs.models import Phase

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released together; returns each result or DomainError."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def worker(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except DomainError as exc:
            results[index] = exc
        except Exception as exc:  # noqa: BLE001  # any failure in the thread is surfaced below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n, a)) for n, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _failures(results: list[Any]) -> list[Any]:
    return [r for r in results if isinstance(r, Exception)]


def test_the_same_run_published_twice_at_once_creates_one_set_of_pairs(build_cohort: Any) -> None:
    setup = build_cohort(mentors=3, mentees=3)
    run = run_now(setup)
    results = race(
        lambda: services.match_run_publish(run, acting_user=setup.manager, notify=False),
        lambda: services.match_run_publish(run, acting_user=setup.manager, notify=False),
    )
    failures = _failures(results)
    assert len(failures) == 1 and isinstance(failures[0], DomainError), results
    assert Mentorship.objects.filter(cohort=setup.cohort).count() == 3


def test_two_rematches_published_at_once_never_pair_a_mentee_twice(build_cohort: Any) -> None:
    setup = build_cohort(mentors=3, mentees=2)
    first, _second = published(setup)
    freed = first.mentee_application
    services.mentorship_decline(first, acting_user=setup.user_of(freed))
    run_a = run_now(setup)
    run_b = run_now(setup)
    assert run_a.proposals.filter(mentee_application=freed, kept=False).exists()
    assert run_b.proposals.filter(mentee_application=freed, kept=False).exists()
    results = race(
        lambda: services.match_run_publish(run_a, acting_user=setup.manager, notify=False),
        lambda: services.match_run_publish(run_b, acting_user=setup.manager, notify=False),
    )
    assert len(_failures(results)) == 1, results
    assert isinstance(_failures(results)[0], DomainError), results
    live = Mentorship.objects.filter(mentee_application=freed, status__in=["proposed", "active"])
    assert live.count() == 1


def test_two_publishes_at_once_never_exceed_a_mentors_capacity(build_cohort: Any) -> None:
    """Two runs give the same mentor (capacity 1) two different mentees: only the row lock
    and the count can stop this, no unique constraint can."""
    setup = build_cohort(mentors=1, mentees=2, phase=Phase.MATCHED)
    (mentor_user, mentor), (_u1, mentee_1), (_u2, mentee_2) = (
        setup.mentors[0],
        setup.mentees[0],
        setup.mentees[1],
    )
    del mentor_user
    runs = []
    for number, mentee in ((1, mentee_1), (2, mentee_2)):
        run = MatchRun.objects.create(
            cohort=setup.cohort,
            number=number,
            kind=MatchRun.Kind.REMATCH,
            status=MatchRun.Status.DONE,
            config=adapter.config_mapping({}),
        )
        Proposal.objects.create(
            run=run, mentor_application=mentor, mentee_application=mentee, score=0.5
        )
        runs.append(run)
    results = race(
        *(
            (lambda r=r: services.match_run_publish(r, acting_user=setup.manager, notify=False))
            for r in runs
        )
    )
    assert len(_failures(results)) == 1, results
    assert isinstance(_failures(results)[0], DomainError), results
    live = Mentorship.objects.filter(mentor_application=mentor, status__in=["proposed", "active"])
    assert live.count() == 1 == mentor.capacity


def test_both_partners_accepting_at_once_make_the_pair_active(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (pair,) = published(setup)
    mentor = setup.user_of(pair.mentor_application)
    mentee = setup.user_of(pair.mentee_application)
    results = race(
        lambda: services.mentorship_accept(pair, acting_user=mentor),
        lambda: services.mentorship_accept(pair, acting_user=mentee),
    )
    assert not _failures(results), results
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE
    assert pair.mentor_accepted_at and pair.mentee_accepted_at and pair.activated_at
