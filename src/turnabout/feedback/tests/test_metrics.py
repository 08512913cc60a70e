"""The KPI feed: each metric from submitted answers only, through the privacy floor."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime

import pytest

from turnabout.feedback import metrics
from turnabout.feedback.models import (
    AnonymousResponse,
    Answer,
    Invitation,
    Question,
    Response,
    Survey,
)
from turnabout.programs.models import Objective
from turnabout.programs.tests.factories import make_cohort, make_program

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 6, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def cohort(program_manager):
    program = make_program(program_manager, name="Metrics")
    return make_cohort(program, program_manager)


def _survey(cohort, template, mode="confidential", **kw):
    return Survey.objects.create(
        cohort=cohort, template=template, title=template, mode=mode, status="closed", **kw
    )


def _answer(survey, question, person, *, role, number, occasion="manual", topic="", draft=False):
    invitation, _ = Invitation.objects.get_or_create(
        survey=survey,
        person=person,
        occasion=occasion,
        defaults={"role": role, "invited_on": date(2026, 6, 1), "due_on": date(2026, 6, 30)},
    )
    response, _ = Response.objects.get_or_create(
        invitation=invitation,
        defaults={
            "survey": survey,
            "person": person,
            "role": role,
            "occasion": occasion,
            "submitted_at": None if draft else WHEN,
        },
    )
    Answer.objects.create(response=response, question=question, topic=topic, number=number)


def test_satisfaction_is_the_mean_of_final_evaluations_above_the_floor(
    cohort, make_employee, settings
):
    settings.TURNABOUT_MIN_GROUP_SIZE = 5
    final = _survey(cohort, Survey.Template.FINAL)
    q = Question.objects.create(
        survey=final, position=1, kind="likert", text="Satisfied?", key="satisfaction"
    )
    scores = [5, 4, 4, 3, 5, 2]
    people = [make_employee() for _ in scores]
    for person, score in zip(people[:4], scores[:4], strict=True):
        _answer(final, q, person, role="mentee", number=score)
    _answer(final, q, make_employee(), role="mentor", number=1, draft=True)  # drafts never count
    hidden = metrics.satisfaction(cohort=cohort)
    assert hidden.hidden and hidden.value is None and hidden.n is None
    for person, score in zip(people[4:], scores[4:], strict=True):
        _answer(final, q, person, role="mentor", number=score)
    value = metrics.satisfaction(cohort=cohort)
    assert value.n == 6
    assert value.value == pytest.approx(statistics.fmean(scores))
    assert value.low is not None and value.high is not None and value.value is not None
    assert value.low < value.value < value.high
    assert metrics.satisfaction(program=cohort.program).value == pytest.approx(value.value)


def test_anonymous_answers_count_too(cohort, settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    final = _survey(cohort, Survey.Template.FINAL, mode="anonymous")
    q = Question.objects.create(survey=final, position=1, kind="likert", text="Again?", key="again")
    nps = Question.objects.create(survey=final, position=2, kind="nps", text="NPS", key="nps")
    for again, score in [(5, 10), (4, 9), (2, 3)]:
        AnonymousResponse.objects.create(
            survey=final,
            role="mentee",
            answered_on=date(2026, 6, 20),
            answers={str(q.pk): again, str(nps.pk): score},
        )
    assert metrics.would_do_it_again(cohort=cohort).value == pytest.approx(11 / 3)
    assert metrics.net_promoter_score(cohort=cohort).value == pytest.approx(100 * (2 - 1) / 3)


def test_self_rating_change_pairs_pre_and_post_per_person(cohort, make_employee, settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    survey = _survey(cohort, Survey.Template.SELF_ASSESSMENT, trigger="pre_post")
    grid = Question.objects.create(
        survey=survey,
        position=1,
        kind="skill_grid",
        text="Rate yourself",
        key="skills",
        options=["Generative AI tools", "TikTok"],
    )
    pre_post = [(1, 3), (2, 4), (2, 2), (3, 5)]
    for pre, post in pre_post:
        person = make_employee()
        _answer(
            survey,
            grid,
            person,
            role="mentee",
            number=pre,
            occasion="pre",
            topic="Generative AI tools",
        )
        _answer(
            survey,
            grid,
            person,
            role="mentee",
            number=post,
            occasion="post",
            topic="Generative AI tools",
        )
    only_pre = make_employee()  # without a post answer: not counted
    _answer(
        survey, grid, only_pre, role="mentee", number=1, occasion="pre", topic="Generative AI tools"
    )
    mentor = make_employee()
    _answer(
        survey, grid, mentor, role="mentor", number=4, occasion="pre", topic="Generative AI tools"
    )
    _answer(
        survey, grid, mentor, role="mentor", number=5, occasion="post", topic="Generative AI tools"
    )

    change = metrics.mentee_self_rating_change(topic="generative ai tools", cohort=cohort)
    assert change.n == 4
    assert change.value == pytest.approx(statistics.fmean(b - a for a, b in pre_post))
    assert change.low is not None and change.value is not None
    assert change.low < change.value
    assert metrics.mentor_self_rating_change(topic="Generative AI tools", cohort=cohort).hidden


def test_objective_dispatch(cohort):
    program = cohort.program
    again = Objective(program=program, title="Would do it again", metric="satisfaction")
    plain = Objective(program=program, title="Happy participants", metric="satisfaction")
    topic = Objective(
        program=program, title="AI", metric="mentee_self_rating_change", parameter="AI"
    )
    retention = Objective(program=program, title="Stay", metric="mentor_retention")
    values = [metrics.objective_value(o, cohort=cohort) for o in (again, plain, topic)]
    assert [v.metric if v else None for v in values] == [
        "would_do_it_again",
        "satisfaction",
        "mentee_self_rating_change",
    ]
    assert metrics.objective_value(retention) is None
    with pytest.raises(TypeError):
        metrics.satisfaction()
