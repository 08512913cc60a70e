"""The demo's surveys: the pilot's full history and the current cohort's live surveys."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from turnabout.demo.engagement import engagement_demo_build
from turnabout.demo.feedback import PILOT_COHORT, feedback_demo_build
from turnabout.demo.pairing import CURRENT_COHORT, pairing_demo_build
from turnabout.demo.people import demo_build
from turnabout.demo.programs import MANAGER_EMAIL, MENTEE_EMAIL, programs_demo_build
from turnabout.feedback import metrics, selectors
from turnabout.feedback.models import PairFitFlag, Survey
from turnabout.programs.models import Cohort

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_surveys_give_every_results_page_real_content() -> None:
    assert feedback_demo_build() is None  # no demo program yet
    demo_build()
    programs_demo_build()
    pairing_demo_build()
    engagement_demo_build()
    summary = feedback_demo_build()
    assert summary is not None and summary.surveys == 8 and summary.flags == 2
    manager = get_user_model().objects.get(username=MANAGER_EMAIL)
    pilot = Cohort.objects.get(name=PILOT_COHORT)
    current = Cohort.objects.get(name=CURRENT_COHORT)

    # The pilot: pre/post change per topic with intervals, NPS and satisfaction.
    skills = Survey.objects.get(cohort=pilot, template="self_assessment")
    results = selectors.survey_results(user=manager, survey=skills)
    shown = [c for c in results.changes if not c.hidden]
    assert len(shown) >= 4 and all(c.low is not None and (c.n or 0) >= 5 for c in shown)
    ai = metrics.mentee_self_rating_change(topic="Generative AI tools", cohort=pilot)
    assert ai.value is not None and ai.value > 0
    assert metrics.satisfaction(cohort=pilot).value is not None
    nps = metrics.net_promoter_score(cohort=pilot)
    assert nps.value is not None and -100 <= nps.value <= 100
    assert all(s.status == "closed" for s in Survey.objects.filter(cohort=pilot))

    # The current cohort: two "not a good fit" flags, falling pulses, a 5-point disagreement.
    assert PairFitFlag.objects.filter(mentorship__cohort=current).count() == 2
    by_pair = metrics.pulse_by_pair(cohort=current)
    gaps = [
        abs(r["mentor"] - r["mentee"])
        for months in by_pair.values()
        for r in months.values()
        if len(r) == 2
    ]
    assert 5 in gaps
    falling = [
        m for m, months in by_pair.items()
        if len(months) >= 2 and max(min(r.values()) for r in months.values()) - min(
            min(r.values()) for r in months.values()
        ) >= 3
    ]  # fmt: skip
    assert len(falling) >= 2
    # The open mid-point check-in is on the demo mentee's hub, and anonymous.
    mentee = get_user_model().objects.get(username=MENTEE_EMAIL)
    (waiting,) = [s for s in selectors.open_surveys_for(mentee) if s.title == "Mid-point check-in"]
    assert waiting.mode == "anonymous"
    midpoint = Survey.objects.get(pk=waiting.survey_id)
    assert not selectors.survey_results(user=manager, survey=midpoint).hidden
    assert feedback_demo_build() is None  # once only
