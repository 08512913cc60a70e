"""The manager's engagement dashboard at size (issue 11): pair rows a page at a time, the
stalled count from SQL agreeing with the per-pair rule, queries flat in the number of pairs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from turnabout.engagement import selectors, views
from turnabout.engagement.models import Agreement, MentoringSession
from turnabout.pairing import services as pairing_services
from turnabout.pairing.models import Mentorship
from turnabout.pairing.tests.helpers import run_now

pytestmark = pytest.mark.django_db


def _active_program(build_cohort: Any, *, mentors: int, name: str) -> Any:
    setup = build_cohort(mentors=mentors, mentees=mentors, name=name)
    pairs = pairing_services.match_run_publish(
        run_now(setup), acting_user=setup.manager, notify=False
    )
    for pair in pairs:
        for app in (pair.mentor_application, pair.mentee_application):
            pairing_services.mentorship_accept(pair, acting_user=setup.user_of(app))
    assert Mentorship.objects.filter(cohort=setup.cohort, status="active").count() == len(pairs)
    return setup


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pair_rows_are_paginated_and_the_stalled_count_is_exact(
    build_cohort: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "ENGAGEMENT_PAGE_SIZE", 2)
    setup = _active_program(build_cohort, mentors=5, name="Paged")
    program = setup.cohort.program
    now = timezone.now()
    pairs = list(Mentorship.objects.filter(cohort=setup.cohort).order_by("pk"))
    # Make the stall rule's three cases: an old activation, a recent session, an agreement
    # with a short cadence.
    Mentorship.objects.filter(pk__in=[p.pk for p in pairs[:3]]).update(
        activated_at=now - timedelta(days=60)
    )
    MentoringSession.objects.create(
        mentorship=pairs[1],
        uid="t-1",
        starts_at=now - timedelta(days=3),
        minutes=45,
        format="video",
        outcome="held",
    )
    Agreement.objects.create(mentorship=pairs[3], cadence_days=1)
    Mentorship.objects.filter(pk=pairs[3].pk).update(activated_at=now - timedelta(days=5))

    rows = selectors.pair_rows(
        pairs=selectors.engagement_pairs(user=setup.manager, program=program), now=now
    )
    expected = sum(1 for row in rows if row.stalled)
    figures = selectors.program_engagement(user=setup.manager, program=program, now=now)
    assert figures.stalled == expected == 3  # pairs 0 and 2 by activation, 3 by its cadence

    client = _client(setup.manager)
    first = client.get(f"/engagement/programs/{program.pk}/").content.decode()
    assert first.count("<tr>") == 1 + 2  # the header and one page of two rows
    assert "Page 1 of 3" in first and "3 pairs have held no session" in first
    link = first[first.index('rel="next"') - 300 : first.index('rel="next"')]
    href = link[link.index('href="') + 6 :].split('"')[0].replace("&amp;", "&")
    assert "after=" in href  # a keyset link
    second = client.get(f"/engagement/programs/{program.pk}/{href.split('#')[0]}").content
    assert b"Page 2 of 3" in second


def test_dashboard_queries_do_not_grow_with_the_pairs(build_cohort: Any) -> None:
    def count(mentors: int, name: str) -> int:
        setup = _active_program(build_cohort, mentors=mentors, name=name)
        client = _client(setup.manager)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/engagement/programs/{setup.cohort.program.pk}/")
            assert response.status_code == 200
        return len(captured)

    assert count(5, "Small") == count(25, "Large")
