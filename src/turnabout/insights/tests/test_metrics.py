"""Each KPI metric against figures computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from turnabout.insights import metrics
from turnabout.insights.models import KpiState
from turnabout.insights.services import manual_value_record
from turnabout.insights.tests.factories import (
    END,
    START,
    add_pair,
    apply,
    objective,
    person,
    sessions,
    world,
)
from turnabout.people.models import Employee

pytestmark = pytest.mark.django_db


def _value(o, w, day):
    return metrics.compute([o], [w.cohort], day)[(o.pk, w.cohort.pk)]


def test_pairs_meeting_min_sessions_after_the_end_counts_pairs_with_n_held():
    w = world(pairs=4)
    o = objective(w, "pairs_meeting_min_sessions", 50, "percent", parameter="3")
    # 3 held, 3 held (+1 cancelled), 2 held, 0 held -> 2 of 4 = 50 %
    sessions(w.pairs[0], [START + timedelta(days=14 * k) for k in range(1, 4)])
    sessions(w.pairs[1], [START + timedelta(days=14 * k) for k in range(1, 4)])
    sessions(w.pairs[1], [START + timedelta(days=60)], outcome="cancelled")
    sessions(w.pairs[2], [START + timedelta(days=14 * k) for k in range(1, 3)])
    v = _value(o, w, END + timedelta(days=1))
    assert v.value == Decimal("50.000") and v.count == 4
    assert v.state == KpiState.ON_TRACK


def test_pairs_meeting_while_running_is_the_share_on_pace():
    w = world(pairs=2)
    o = objective(w, "pairs_meeting_min_sessions", 80, "percent", parameter="6")
    # Halfway through: on pace means floor(6 * share) held sessions.
    half = START + (END - START) / 2
    share = (half - START).days / (END - START).days
    needed = int(6 * share)
    sessions(w.pairs[0], [START + timedelta(days=7 * k) for k in range(1, needed + 1)])
    sessions(w.pairs[1], [START + timedelta(days=7)])
    v = _value(o, w, half)
    assert v.value == Decimal("50.000") and v.note == "on pace"
    assert v.state == KpiState.OFF_TRACK  # 50 is more than 10 points below 80


def test_pair_completion_excludes_pairs_that_ended_early():
    w = world(pairs=3)
    add_pair(w, ended=START + timedelta(days=30))  # early
    add_pair(w, ended=END - timedelta(days=5))  # within the grace: completed
    o = objective(w, "pair_completion", 85, "percent")
    v = _value(o, w, END + timedelta(days=1))
    assert v.value == Decimal("80.000") and v.count == 5  # 4 of 5
    assert v.state == KpiState.AT_RISK  # 5 points below, within 10


def test_mentor_retention_counts_mentors_still_employed_n_months_after_start():
    w = world(pairs=0)
    for leave in [None, None, None, None, START + timedelta(days=100), START + timedelta(days=400)]:
        mentor = person(level=2)
        if leave:
            Employee.objects.filter(pk=mentor.pk).update(
                status="terminated", termination_date=leave
            )
        add_pair(w, mentor=mentor)
    o = objective(w, "mentor_retention", 95, "percent", parameter="6")
    v = _value(o, w, START + timedelta(days=365))
    # The one who left after 100 days is gone at 6 months; the one at 400 days is not.
    assert v.value == Decimal(str(round(100 * 5 / 6, 3))) and v.count == 6


def test_mentor_retention_is_hidden_below_the_privacy_floor(settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 5
    w = world(pairs=3)
    o = objective(w, "mentor_retention", 95, "percent", parameter="6")
    v = _value(o, w, START + timedelta(days=10))
    assert v.hidden and v.value is None and v.state == KpiState.NO_DATA


def test_applications_count_excludes_withdrawn():
    w = world(pairs=0)
    for status in ["submitted", "accepted", "declined", "withdrawn"]:
        apply(w.cohort, person(), "mentor", status=status)
    o = objective(w, "applications", 3, "count")
    v = _value(o, w, date(2026, 12, 1))
    assert v.value == Decimal("3.000") and v.state == KpiState.ON_TRACK


def test_custom_takes_the_latest_manual_value_on_or_before_the_day(manager):

    w = world(manager, pairs=0)
    o = objective(w, "custom", 10, "count", comparison="at_most")
    manual_value_record(o, day=date(2026, 2, 1), value="14", acting_user=manager)
    manual_value_record(o, day=date(2026, 3, 1), value="9.5", acting_user=manager)
    assert _value(o, w, date(2026, 2, 15)).value == Decimal("14.000")
    later = _value(o, w, date(2026, 3, 2))
    assert later.value == Decimal("9.500") and later.state == KpiState.ON_TRACK
    assert _value(o, w, date(2026, 1, 15)).value is None


def test_survey_metrics_have_no_value_without_answers():
    w = world(pairs=2)
    o = objective(w, "satisfaction", "4.2", "points")
    v = _value(o, w, END)
    assert v.value is None and v.state == KpiState.NO_DATA


@pytest.mark.parametrize(
    ("comparison", "value", "state"),
    [
        ("at_least", "4.2", KpiState.ON_TRACK),
        ("at_least", "4.0", KpiState.AT_RISK),  # within 0.42
        ("at_least", "3.7", KpiState.OFF_TRACK),
        ("at_most", "4.5", KpiState.AT_RISK),
        ("at_most", "4.0", KpiState.ON_TRACK),
    ],
)
def test_state_against_the_target(comparison, value, state):
    w = world()
    o = objective(w, "satisfaction", "4.2", "points", comparison=comparison)
    assert metrics.kpi_state(o, Decimal(value)) == state
