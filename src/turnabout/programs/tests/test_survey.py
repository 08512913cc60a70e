"""The interest survey is anonymous by construction: no way from an answer to a person."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models

from turnabout.common.errors import Conflict, PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.programs import selectors
from turnabout.programs.models import (
    InterestSurvey,
    SurveyDailyCount,
    SurveyParticipation,
    SurveyTally,
)
from turnabout.programs.services import survey_respond, survey_update
from turnabout.programs.tests.factories import make_cohort, make_program, move_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(program_manager):
    cohort = make_cohort(make_program(program_manager), program_manager, phase="interest_survey")
    return InterestSurvey.objects.select_related("cohort__program").get(cohort=cohort)


def answer(survey, user, **overrides):
    data: dict[str, Any] = {
        "would_mentor": "yes",
        "would_be_mentored": "no",
        "comfort": 4,
        "topics": [survey.topics[0]],
    }
    data.update(overrides)
    survey_respond(survey, acting_user=user, **data)


def test_answers_leave_only_tallies_that_lead_to_nobody():
    for model in (SurveyTally, SurveyDailyCount):
        fields = {f.name: f for f in model._meta.get_fields()}
        relations = [f for f in fields.values() if f.is_relation]
        assert [(f.name, f.related_model) for f in relations] == [("survey", InterestSurvey)]
        assert not any(isinstance(f, models.DateTimeField) for f in fields.values())
    assert isinstance(SurveyTally._meta.pk, models.UUIDField)


def test_participation_records_only_that_a_person_answered():
    fields = {f.name for f in SurveyParticipation._meta.get_fields()}
    assert fields == {"id", "survey", "user"}


def test_answering_counts_the_answer_and_records_the_participation(survey, make_user):
    user = make_user()
    before = AuditRecord.objects.count()
    answer(survey, user, comfort=5)
    participation = SurveyParticipation.objects.get()
    assert participation.user == user and participation.survey == survey
    tallies = {(t.question, t.option): t.count for t in SurveyTally.objects.all()}
    assert tallies[("would_mentor", "yes")] == 1 and tallies[("comfort", "5")] == 1
    assert sum(tallies.values()) == 4  # two willingness questions, comfort, one topic
    # No audit record per answer (it would date the answer to the microsecond): a daily count.
    assert AuditRecord.objects.count() == before
    assert [(d.count) for d in SurveyDailyCount.objects.filter(survey=survey)] == [1]


def test_one_answer_per_person(survey, make_user):
    user = make_user()
    answer(survey, user)
    with pytest.raises(Conflict, match="answered this survey already"):
        answer(survey, user)
    assert SurveyParticipation.objects.count() == 1
    assert SurveyTally.objects.get(question="would_mentor", option="yes").count == 1


def test_answers_are_validated(survey, make_user):
    user = make_user()
    with pytest.raises(ValidationFailed, match="Comfort must be a number from 1 to 5"):
        answer(survey, user, comfort=6)
    with pytest.raises(ValidationFailed, match="Unknown topics: Knitting"):
        answer(survey, user, topics=["Knitting"])
    with pytest.raises(ValidationFailed, match="would_mentor must be yes, maybe or no"):
        answer(survey, user, would_mentor="sure")
    assert not SurveyTally.objects.exists() and not SurveyParticipation.objects.exists()


def test_only_employees_with_accounts_answer_and_only_while_open(
    survey, make_user, program_manager
):
    with pytest.raises(PermissionDenied):
        answer(survey, make_user(employee=False))
    move_to(survey.cohort, "applications_open", program_manager)
    survey.cohort.refresh_from_db()
    with pytest.raises(ValidationFailed, match="not open"):
        answer(survey, make_user())


def test_results_are_hidden_below_the_minimum_group_size(
    survey, make_user, program_manager, settings
):
    settings.TURNABOUT_MIN_GROUP_SIZE = 5
    for _ in range(4):
        answer(survey, make_user())
    hidden = selectors.survey_results(user=program_manager, survey=survey)
    assert (hidden.shown, hidden.responses, hidden.would_mentor) == (False, 4, [])
    answer(survey, make_user(), would_mentor="maybe", comfort=2, topics=[])
    shown = selectors.survey_results(user=program_manager, survey=survey)
    assert shown.shown and shown.responses == 5
    # "Maybe" (1) is below the floor, and "Yes" would give it away by subtraction: both
    # are hidden. Nobody answered "No": a zero is shown.
    assert [(t.label, t.count, t.percent) for t in shown.would_mentor] == [
        ("Yes", None, None),
        ("Maybe", None, None),
        ("No", 0, 0.0),
    ]
    assert shown.comfort_average == 3.6
    assert {t.label: t.count for t in shown.topics}[survey.topics[0]] is None  # 4 < 5


def test_results_are_for_managers_and_sponsors(survey, participant, sponsor):
    with pytest.raises(PermissionDenied):
        selectors.survey_results(user=participant, survey=survey)
    assert selectors.survey_results(user=sponsor, survey=survey).responses == 0


def test_questions_are_fixed_once_answered(survey, make_user, program_manager):
    survey_update(survey, intro="Hi", topics=["AI", "TikTok"], acting_user=program_manager)
    assert survey.topics == ["AI", "TikTok"]
    answer(survey, make_user(), topics=["AI"])
    with pytest.raises(Conflict):
        survey_update(survey, intro="Hi", topics=["AI"], acting_user=program_manager)


def test_survey_page_and_api(survey, make_user, client, program_manager):
    user = make_user()
    client.force_login(user)
    page = client.get(f"/programs/cohorts/{survey.cohort_id}/survey/")
    assert page.status_code == 200 and "Anonymous" in page.content.decode()
    posted = client.post(
        f"/programs/cohorts/{survey.cohort_id}/survey/",
        {
            "would_mentor": "yes",
            "would_be_mentored": "maybe",
            "comfort": "3",
            "topics": [survey.topics[1]],
        },
    )
    assert posted.status_code == 302
    assert SurveyTally.objects.get(question="topic", option=survey.topics[1]).count == 1
    again = client.post(
        f"/api/v1/cohorts/{survey.cohort_id}/survey/responses",
        {"would_mentor": "yes", "would_be_mentored": "no", "comfort": 3},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "survey_already_answered"
    other = make_user()
    client.force_login(other)
    ok = client.post(
        f"/api/v1/cohorts/{survey.cohort_id}/survey/responses",
        {"would_mentor": "no", "would_be_mentored": "no", "comfort": 1},
        content_type="application/json",
    )
    assert ok.status_code == 201
    client.force_login(program_manager)
    results = client.get(f"/api/v1/cohorts/{survey.cohort_id}/survey").json()
    assert results["responses"] == 2 and results["shown"] is False and results["would_mentor"] == []
