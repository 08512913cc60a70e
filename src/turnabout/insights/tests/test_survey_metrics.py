"""KPIs and pair health from survey answers (through insights/sources.py)."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from turnabout.feedback.models import Answer, Invitation, Question, Response, Survey
from turnabout.insights import health, metrics, services, sources
from turnabout.insights.models import HealthState, KpiSnapshot, KpiState
from turnabout.insights.tests.factories import END, objective, person, world

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 6, 20, 10, 0, tzinfo=UTC)


def _survey(cohort, template, mode="confidential"):
    return Survey.objects.create(
        cohort=cohort, template=template, title=template, mode=mode, status="closed"
    )


def _answer(survey, question, who, *, role, number=None, occasion="manual", topic="",
            mentorship=None, choices=None, when=WHEN):  # fmt: skip
    invitation, _ = Invitation.objects.get_or_create(
        survey=survey, person=who, occasion=occasion, mentorship=mentorship,
        defaults={"role": role, "invited_on": date(2026, 6, 1), "due_on": date(2026, 6, 30)},
    )  # fmt: skip
    response, _ = Response.objects.get_or_create(
        invitation=invitation,
        defaults={"survey": survey, "person": who, "role": role, "occasion": occasion,
                  "submitted_at": when, "mentorship": mentorship},
    )  # fmt: skip
    Answer.objects.create(
        response=response, question=question, topic=topic, number=number, choices=choices or []
    )


def test_satisfaction_and_would_do_it_again_kpis(settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    w = world(pairs=0)
    final = _survey(w.cohort, Survey.Template.FINAL)
    sat = Question.objects.create(
        survey=final, position=1, kind="likert", text="S", key="satisfaction"
    )
    again = Question.objects.create(survey=final, position=2, kind="likert", text="A", key="again")
    scores, agains = [5, 4, 4, 3], [5, 4, 2, 4]
    for score, a in zip(scores, agains, strict=True):
        who = person()
        _answer(final, sat, who, role="mentee", number=score)
        _answer(final, again, who, role="mentee", number=a)
    o1 = objective(w, "satisfaction", "4.2", "points", title="Satisfied")
    o2 = objective(w, "satisfaction", "75", "percent", title="Would do it again")
    values = metrics.compute([o1, o2], [w.cohort], END)
    v1, v2 = values[(o1.pk, w.cohort.pk)], values[(o2.pk, w.cohort.pk)]
    assert v1.value == Decimal(str(round(statistics.fmean(scores), 3))) and v1.count == 4
    assert v1.state == KpiState.AT_RISK  # 4.0 vs 4.2, within 0.42
    assert v2.value == Decimal("75.000") and v2.state == KpiState.ON_TRACK  # 3 of 4 agree


def test_self_rating_change_kpi_and_floor(settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    w = world(pairs=0)
    grid = _survey(w.cohort, Survey.Template.SELF_ASSESSMENT)
    q = Question.objects.create(survey=grid, position=1, kind="skill_grid", text="G", key="skills")
    changes = [(2, 4), (1, 3), (3, 3)]
    for pre, post in changes:
        who = person()
        _answer(grid, q, who, role="mentee", number=pre, occasion="pre", topic="AI tools")
        _answer(grid, q, who, role="mentee", number=post, occasion="post", topic="AI tools")
    o = objective(w, "mentee_self_rating_change", "1.0", "points", parameter="AI tools")
    v = metrics.compute([o], [w.cohort], END)[(o.pk, w.cohort.pk)]
    assert v.value == Decimal(str(round(statistics.fmean([2, 2, 0]), 3))) and v.count == 3
    settings.TURNABOUT_MIN_GROUP_SIZE = 5
    hidden = metrics.compute([o], [w.cohort], END)[(o.pk, w.cohort.pk)]
    assert hidden.hidden and hidden.value is None


def test_fit_and_pulses_feed_pair_health():
    w = world(pairs=1)
    m = w.pairs[0]
    fit = _survey(w.cohort, Survey.Template.PAIRING_FIT, mode="pair")
    fq = Question.objects.create(survey=fit, position=1, kind="single", text="Fit?", key="fit")
    _answer(fit, fq, m.mentee, role="mentee", choices=["Not a good fit"], mentorship=m)
    pulse = _survey(w.cohort, Survey.Template.PULSE, mode="pair")
    pq = Question.objects.create(survey=pulse, position=1, kind="rating", text="How?", key="pulse")
    oq = Question.objects.create(
        survey=pulse, position=2, kind="multiple", text="Obstacles", key="obstacles"
    )
    answers = [
        (WHEN - timedelta(days=40), m.mentor, "mentor", 9),
        (WHEN, m.mentor, "mentor", 5),
        (WHEN, m.mentee, "mentee", 9),
    ]
    for day, who, role, rating in answers:
        occasion = f"{role}-{day:%m}"
        _answer(pulse, pq, who, role=role, number=rating, mentorship=m, occasion=occasion, when=day)
    _answer(pulse, oq, m.mentor, role="mentor", choices=["Feeling unheard or disrespected"],
            mentorship=m, occasion=f"mentor-{WHEN:%m}", when=WHEN)  # fmt: skip
    feedback = sources.pair_feedback([m.pk])[m.pk]
    assert feedback.fit == {"mentee": "not_good"}
    facts = health.PairFacts(
        pair_id=m.pk, activated_at=WHEN - timedelta(days=60), cadence_days=14, held=4,
        last_held=WHEN - timedelta(days=3), agreement_signed=True, goals=1, goals_moving=1,
        feedback=feedback,
    )  # fmt: skip
    fired = {f.code for f in health.evaluate(facts, WHEN)}
    assert fired == {"fit_not_good", "pulse_drop", "pulse_disagree", "warning_signs"}
    assert health.state_of(health.evaluate(facts, WHEN)) == HealthState.AT_RISK


def test_kpi_history_of_a_survey_metric_uses_the_answers_of_each_day(settings):
    """The snapshot of a past day reads the answers given by then: interim from pulses
    first, then the final evaluation once it has answers."""
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    w = world(pairs=0)
    pulse = _survey(w.cohort, Survey.Template.PULSE, mode="pair")
    rating = Question.objects.create(survey=pulse, position=1, kind="rating", text="P", key="pulse")
    final = _survey(w.cohort, Survey.Template.FINAL)
    sat = Question.objects.create(
        survey=final, position=1, kind="likert", text="S", key="satisfaction"
    )
    people = [person() for _ in range(3)]
    for who in people:
        _answer(pulse, rating, who, role="mentee", number=10, when=datetime(2026, 5, 5, tzinfo=UTC))
        _answer(final, sat, who, role="mentee", number=3, when=datetime(2026, 6, 20, tzinfo=UTC))
    o = objective(w, "satisfaction", "4.2", "points", title="Satisfied")
    services.kpi_snapshots_take(day=date(2026, 5, 4))
    services.kpi_snapshots_take(day=date(2026, 5, 5))
    services.kpi_snapshots_take(day=date(2026, 6, 20))
    history = {s.day: s for s in KpiSnapshot.objects.filter(objective=o, cohort=w.cohort)}
    assert history[date(2026, 5, 4)].value is None
    assert history[date(2026, 5, 4)].state == KpiState.NO_DATA
    on_5 = history[date(2026, 5, 5)]
    assert on_5.value == Decimal("5.000") and on_5.note.startswith("interim") and on_5.count == 3
    on_20 = history[date(2026, 6, 20)]
    assert on_20.value == Decimal("3.000") and on_20.note == "" and on_20.count == 3
