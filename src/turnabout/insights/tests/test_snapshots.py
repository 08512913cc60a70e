"""The daily KPI snapshot: taken by the tick, once a day, and shown as history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from turnabout.insights.models import KpiSnapshot
from turnabout.insights.services import kpi_snapshots_take
from turnabout.insights.tests.factories import START, objective, sessions, world

pytestmark = pytest.mark.django_db


def test_snapshot_is_idempotent_per_day():
    w = world(pairs=2)
    objective(w, "pairs_meeting_min_sessions", 80, "percent", parameter="2")
    objective(w, "applications", 4, "count")
    day = START + timedelta(days=30)
    assert kpi_snapshots_take(day=day) == 2
    assert kpi_snapshots_take(day=day) == 0
    assert KpiSnapshot.objects.filter(day=day).count() == 2


def test_the_tick_command_takes_todays_snapshot_once(capsys):
    w = world(pairs=1)
    objective(w, "applications", 4, "count")
    now = datetime(2026, 2, 2, 9, tzinfo=UTC)
    call_command("tick", now=now.isoformat())
    call_command("tick", now=(now + timedelta(hours=1)).isoformat())
    assert KpiSnapshot.objects.filter(cohort=w.cohort).count() == 1
    assert "KPI snapshots" in capsys.readouterr().out


def test_program_page_shows_each_kpi_with_value_state_and_history(client, sponsor):
    w = world(pairs=2)
    o = objective(w, "pairs_meeting_min_sessions", 50, "percent", parameter="1", title="Pairs meet")
    sessions(w.pairs[0], [START + timedelta(days=3)])
    kpi_snapshots_take(day=START + timedelta(days=10))
    client.force_login(sponsor)
    page = client.get(reverse("programs:detail", args=[w.program.pk])).content.decode()
    assert "How the program is doing" in page
    assert "Pairs meet" in page and "chart--spark" in page
    detail = client.get(reverse("insights:kpi", args=[o.pk])).content.decode()
    assert "History against the target" in detail
    assert "<polyline" in detail or "<circle" in detail
    assert not re.search(r"<script(?![^>]*\bsrc=)", detail)  # no inline script
