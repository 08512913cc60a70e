"""The demo's insights: as the sponsor, every KPI of the program has a value, a state and
a history; survey-based ones of the running cohort say they are interim."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from turnabout.demo.engagement import DEMO_TODAY, engagement_demo_build
from turnabout.demo.feedback import feedback_demo_build
from turnabout.demo.insights import insights_demo_build
from turnabout.demo.pairing import CURRENT_COHORT, pairing_demo_build
from turnabout.demo.people import EMAIL_DOMAIN, demo_build
from turnabout.demo.programs import PROGRAM_NAME, programs_demo_build
from turnabout.insights import selectors
from turnabout.insights.models import KpiState
from turnabout.programs.models import Objective, Program

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SURVEY_BASED = {
    Objective.Metric.SATISFACTION,
    Objective.Metric.MENTEE_SELF_RATING_CHANGE,
    Objective.Metric.MENTOR_SELF_RATING_CHANGE,
}


def test_every_kpi_of_the_demo_program_has_a_value_a_state_and_a_history(client) -> None:
    demo_build()
    programs_demo_build()
    pairing_demo_build()
    engagement_demo_build()
    feedback_demo_build()
    summary = insights_demo_build()
    assert summary is not None and summary.snapshots > 0
    program = Program.objects.get(name=PROGRAM_NAME)
    objectives = list(program.objectives.all())
    assert len(objectives) == 5
    assert {o.metric for o in objectives} & SURVEY_BASED  # the case this test is about

    cohort, cards = selectors.kpi_cards(program=program, today=DEMO_TODAY.date())
    assert cohort is not None and cohort.name == CURRENT_COHORT
    assert len(cards) == len(objectives)
    for card in cards:
        kpi = card.kpi
        assert kpi.value is not None and not kpi.hidden, card.objective.title
        assert kpi.state != KpiState.NO_DATA and kpi.count > 0, card.objective.title
        assert len(card.history_values) >= 2, card.objective.title  # measured for days
        if card.objective.metric in SURVEY_BASED:
            assert kpi.note.startswith("interim"), (card.objective.title, kpi.note)

    # The program page as the demo's sponsor: every card with a value, none "No data yet".
    sponsor = get_user_model().objects.get(username=f"sponsor@{EMAIL_DOMAIN}")
    client.force_login(sponsor)
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    for objective in objectives:
        assert objective.title in page
    assert "No data yet" not in page and "Too few answers" not in page
    assert page.count("interim:") >= 2
