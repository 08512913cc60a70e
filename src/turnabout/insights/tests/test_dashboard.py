"""Dashboards: figures, charts with tables, sponsor privacy, constant query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from turnabout.engagement.models import LearningEntry, PairGoal
from turnabout.insights import services
from turnabout.insights.models import CohortRollup, KpiSnapshot
from turnabout.insights.tests.factories import START, add_pair, at, objective, sessions, sign, world
from turnabout.people.models import Skill

pytestmark = pytest.mark.django_db


def _fill(w, n):
    skill, _ = Skill.objects.get_or_create(name="TikTok", defaults={"category": "social"})
    for _ in range(n):
        m = add_pair(w)
        sign(m, START)
        sessions(m, [START + timedelta(days=14 * k) for k in range(1, 4)])
        PairGoal.objects.create(mentorship=m, position=1, title="Learn", status="achieved")
        entry = LearningEntry.objects.create(mentorship=m, author=m.mentee, side="mentee", text="x")
        entry.skills.add(skill)
    services.pair_health_refresh(now=at(START + timedelta(days=50)))


def test_program_dashboard_shows_funnel_weeks_health_and_tables(client, manager):
    w = world(manager)
    objective(w, "pairs_meeting_min_sessions", 80, "percent", parameter="3")
    _fill(w, 6)
    client.force_login(manager)
    page = client.get(reverse("insights:program", args=[w.program.pk])).content.decode()
    for heading in ["Enrolment funnel", "Sessions per week", "Agreements and goals", "Pair health",
                    "Learning, both ways", "Survey headlines"]:  # fmt: skip
        assert heading in page
    # Applied 12 people, matched/active 12 (6 pairs x 2).
    funnel = re.findall(r'<th scope="row">(\w+)</th><td class="num">(\d+)</td>', page)
    assert ("Applied", "12") in funnel and ("Active", "12") in funnel
    assert page.count("<svg") >= 5 and page.count("<table") >= 5
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "TikTok" in page


def test_sponsor_dashboard_shows_aggregates_only(client, manager, sponsor):
    w = world(manager)
    _fill(w, 6)
    client.force_login(sponsor)
    page = client.get(reverse("insights:cohort", args=[w.cohort.pk])).content.decode()
    assert "Enrolment funnel" in page
    for m in w.pairs:
        assert m.mentee.last_name not in page and m.mentor.last_name not in page
    assert reverse("insights:health", args=[w.program.pk]) not in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow_with_the_data(client, manager):
    w = world(manager)
    objective(w, "pairs_meeting_min_sessions", 80, "percent", parameter="3")
    objective(w, "pair_completion", 80, "percent")
    _fill(w, 3)
    client.force_login(manager)
    urls = [
        reverse("insights:program", args=[w.program.pk]),
        reverse("insights:cohort", args=[w.cohort.pk]),
        reverse("insights:health", args=[w.program.pk]),
        reverse("programs:detail", args=[w.program.pk]),
    ]
    services.kpi_snapshots_take(day=timezone.localdate())  # the tick's snapshot of today
    before = [_queries(client, url) for url in urls]
    _fill(w, 9)
    after = [_queries(client, url) for url in urls]
    assert before == after, (before, after)
    # Pinned: program dashboard, cohort dashboard, pair health list, program page.
    assert before == [26, 26, 12, 15]  # the program page checks who sees exact counts


def test_cards_read_todays_snapshot_and_take_it_when_the_tick_has_not(client, manager):
    w = world(manager)
    goal = objective(w, "pair_completion", 80, "percent")
    _fill(w, 3)
    today = timezone.localdate()
    assert not KpiSnapshot.objects.filter(day=today).exists()
    client.force_login(manager)
    page = client.get(reverse("insights:cohort", args=[w.cohort.pk])).content.decode()
    (snapshot,) = KpiSnapshot.objects.filter(day=today, objective=goal)
    assert snapshot.value == 100 and snapshot.count == 3
    assert CohortRollup.objects.filter(cohort=w.cohort, day=today).count() == 1
    assert "100%" in page
    # The card shows the snapshot, not a live computation: a changed row shows tomorrow.
    KpiSnapshot.objects.filter(pk=snapshot.pk).update(value=42)
    page = client.get(reverse("insights:cohort", args=[w.cohort.pk])).content.decode()
    assert "42%" in page
    assert KpiSnapshot.objects.filter(day=today, objective=goal).count() == 1


def test_sponsor_home_shows_outcomes_instead_of_headcount(client, sponsor, manager):
    w = world(manager, pairs=2)
    objective(w, "applications", 3, "count", title="Enough applicants")
    client.force_login(sponsor)
    page = client.get(reverse("home")).content.decode()
    assert "How the programs are doing" in page and "Enough applicants" in page
    assert "current employees" not in page
    client.force_login(manager)
    assert "How the programs are doing" in client.get(reverse("home")).content.decode()
