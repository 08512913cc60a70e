"""Build, open, answer (draft, errors, submit), close: the whole path through services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from turnabout.common.errors import Conflict, ErrorCode, PermissionDenied, ValidationFailed
from turnabout.feedback import services
from turnabout.feedback.models import Invitation, Response, Survey
from turnabout.feedback.tests.factories import NOW

pytestmark = pytest.mark.django_db


def test_template_survey_opens_and_invites_each_participant_once(make_pairs):
    p = make_pairs(n=2)
    survey = services.survey_create(p.cohort, template="midpoint", acting_user=p.manager)
    survey.trigger = Survey.Trigger.MANUAL
    survey.save()
    assert [q.key for q in survey.questions.order_by("position")][:2] == ["cadence", "learning"]
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    assert Invitation.objects.filter(survey=survey).count() == 4
    assert services.invitations_run(survey, now=NOW + timedelta(hours=1)) == 0
    assert Invitation.objects.filter(survey=survey).count() == 4


def test_participants_cannot_build_surveys(make_pairs):
    p = make_pairs(n=1)
    with pytest.raises(PermissionDenied):
        services.survey_create(p.cohort, template="final", acting_user=p.mentee_user(p.pairs[0]))


def test_draft_then_submit_keeps_answers_and_refuses_a_second_submission(make_pairs):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="final", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    m = p.pairs[0]
    invitation = Invitation.objects.get(survey=survey, person=m.mentee)
    q = {q.key: q for q in survey.questions.all()}
    user = p.mentee_user(m)
    saved = services.response_save(
        invitation, data={str(q["satisfaction"].pk): "4"}, submit=False, acting_user=user,
        today=NOW.date(),
    )  # fmt: skip
    assert not saved.submitted
    with pytest.raises(ValidationFailed) as missing:
        services.response_save(
            invitation, data={str(q["satisfaction"].pk): "4"}, submit=True, acting_user=user,
            today=NOW.date(),
        )  # fmt: skip
    assert missing.value.code == ErrorCode.SURVEY_ANSWER_INVALID
    assert isinstance(missing.value.details, dict)
    assert set(missing.value.details["fields"]) == {str(q["again"].pk), str(q["nps"].pk)}
    with pytest.raises(ValidationFailed):
        services.response_save(
            invitation, data={str(q["nps"].pk): "11"}, submit=False, acting_user=user,
            today=NOW.date(),
        )  # fmt: skip
    answers = {str(q["satisfaction"].pk): 4, str(q["again"].pk): 5, str(q["nps"].pk): 9}
    assert services.response_save(
        invitation, data=answers, submit=True, acting_user=user, today=NOW.date()
    ).submitted
    assert Response.objects.get(invitation=invitation).submitted_at is not None
    with pytest.raises(Conflict) as again:
        services.response_save(
            invitation, data=answers, submit=True, acting_user=user, today=NOW.date()
        )
    assert again.value.code == ErrorCode.SURVEY_ALREADY_ANSWERED
    # Once answered, the survey's questions are locked.
    with pytest.raises(Conflict) as locked:
        services.question_add(survey, kind="long_text", text="More?", acting_user=p.manager)
    assert locked.value.code == ErrorCode.SURVEY_LOCKED


def test_somebody_else_cannot_answer_an_invitation(make_pairs):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    m = p.pairs[0]
    invitation = Invitation.objects.get(survey=survey, person=m.mentee)
    with pytest.raises(PermissionDenied):
        services.response_save(
            invitation, data={}, submit=False, acting_user=p.mentor_user(m), today=NOW.date()
        )


def test_closed_survey_takes_no_answers(make_pairs):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    services.survey_close(survey, acting_user=p.manager)
    m = p.pairs[0]
    invitation = Invitation.objects.get(survey=survey, person=m.mentee)
    with pytest.raises(Conflict) as closed:
        services.response_save(
            invitation, data={}, submit=True, acting_user=p.mentee_user(m), today=NOW.date()
        )
    assert closed.value.code == ErrorCode.SURVEY_NOT_OPEN
    with pytest.raises(Conflict):
        services.survey_close(survey, acting_user=p.manager)


def test_anonymous_surveys_refuse_drafts(make_pairs):
    p = make_pairs(n=1)
    survey = services.survey_create(p.cohort, template="custom", acting_user=p.manager)
    services.question_add(survey, kind="likert", text="Fine?", acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    m = p.pairs[0]
    invitation = Invitation.objects.get(survey=survey, person=m.mentor)
    with pytest.raises(ValidationFailed) as draft:
        services.response_save(
            invitation, data={}, submit=False, acting_user=p.mentor_user(m), today=NOW.date()
        )
    assert draft.value.code == ErrorCode.SURVEY_DRAFT_NOT_ALLOWED
