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


def _answer(
    survey,
    question,
    person,
    *,
    role,
    number,
    occasion="manual",
    topic="",
    draft=False,
    at=WHEN,
    mentorship=None,
):
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
            "submitted_at": None if draft else at,
            "mentorship": mentorship,
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


def _day(d):
    return datetime(2026, 6, d, 16, 30, tzinfo=UTC)


def test_every_survey_metric_reads_the_answers_given_by_its_as_of_day(
    cohort, make_employee, settings
):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    final = _survey(cohort, Survey.Template.FINAL)
    sat = Question.objects.create(
        survey=final, position=1, kind="likert", text="Satisfied?", key="satisfaction"
    )
    nps = Question.objects.create(survey=final, position=2, kind="nps", text="NPS", key="nps")
    # Three answers on 10 June (one late in the evening), two on 12 June.
    for person_score, day in [
        ((5, 10), 10),
        ((4, 9), 10),
        ((3, 6), 10),
        ((1, 0), 12),
        ((1, 0), 12),
    ]:
        person = make_employee()
        at = _day(day).replace(hour=23, minute=50) if person_score[0] == 3 else _day(day)
        _answer(final, sat, person, role="mentee", number=person_score[0], at=at)
        _answer(final, nps, person, role="mentee", number=person_score[1], at=at)
    anonymous = _survey(cohort, Survey.Template.FINAL, mode="anonymous")
    anon_q = Question.objects.create(
        survey=anonymous, position=1, kind="likert", text="Satisfied?", key="satisfaction"
    )
    AnonymousResponse.objects.create(
        survey=anonymous, role="mentor", answered_on=date(2026, 6, 11), answers={str(anon_q.pk): 4}
    )

    assert metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 9), interim=False).n == 0
    # The day counts whole: the answer at 23:50 on 10 June is in the 10 June value.
    on_10 = metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 10))
    assert on_10.n == 3 and on_10.value == pytest.approx(4.0)
    assert on_10.basis == metrics.BASIS_FINAL and not on_10.interim
    # Anonymous answers keep their day only: in from 11 June.
    on_11 = metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 11))
    assert on_11.n == 4 and on_11.value == pytest.approx(4.0)
    assert metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 12)).n == 6
    assert metrics.satisfaction(cohort=cohort).n == 6  # no day: every answer so far
    # NPS on 10 June: one promoter of 10, one of 9 (promoters), one detractor of 6.
    assert metrics.net_promoter_score(cohort=cohort, as_of=date(2026, 6, 10)).value == (
        pytest.approx(100 * (2 - 1) / 3)
    )
    assert metrics.net_promoter_score(cohort=cohort, as_of=date(2026, 6, 12)).value == (
        pytest.approx(100 * (2 - 3) / 5)
    )
    objective = Objective(program=cohort.program, title="Happy", metric="satisfaction")
    value = metrics.objective_value(objective, cohort=cohort, as_of=date(2026, 6, 10))
    assert value is not None and value.n == 3


def _grid(survey):
    return Question.objects.create(
        survey=survey,
        position=1,
        kind="skill_grid",
        text="Rate yourself",
        key="skills",
        options=["Generative AI tools"],
    )


def test_self_rating_change_as_of_a_day_and_interim_from_a_mid_point_self_assessment(
    cohort, make_employee, settings
):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    skills = _survey(cohort, Survey.Template.SELF_ASSESSMENT, trigger="pre_post")
    mid = _survey(cohort, Survey.Template.SELF_ASSESSMENT, trigger="manual")
    grid, mid_grid = _grid(skills), _grid(mid)
    topic = "Generative AI tools"
    # pre on 1 June, mid-point on 10 June, post on 20 June (the last person: no post).
    rows = [(1, 2, 4), (2, 3, 3), (2, 4, 5), (1, 2, None)]
    for pre, at_mid, post in rows:
        person = make_employee()
        kw = {"role": "mentee", "topic": topic}
        _answer(skills, grid, person, number=pre, occasion="pre", at=_day(1), **kw)
        _answer(mid, mid_grid, person, number=at_mid, occasion="once", at=_day(10), **kw)
        if post is not None:
            _answer(skills, grid, person, number=post, occasion="post", at=_day(20), **kw)

    # Before the mid-point answers: only "pre" ratings, no change to measure.
    early = metrics.mentee_self_rating_change(topic=topic, cohort=cohort, as_of=date(2026, 6, 9))
    assert early.value is None and early.n == 0 and early.basis == ""
    # After them, before any "post": interim, the latest rating against the "pre" one.
    interim = metrics.mentee_self_rating_change(topic=topic, cohort=cohort, as_of=date(2026, 6, 15))
    assert interim.interim and interim.basis == metrics.BASIS_MID_SELF_ASSESSMENT
    assert interim.n == 4 and interim.value == pytest.approx(statistics.fmean([1, 1, 2, 1]))
    # Once "post" answers exist, the value is post - pre over the people who gave both.
    final = metrics.mentee_self_rating_change(topic=topic, cohort=cohort, as_of=date(2026, 6, 20))
    assert not final.interim and final.basis == metrics.BASIS_SELF_ASSESSMENT
    assert final.n == 3 and final.value == pytest.approx(statistics.fmean([3, 1, 3]))
    assert metrics.mentee_self_rating_change(topic=topic, cohort=cohort).n == 3
    # Without interim values (the final measure only), nothing before the posts.
    assert (
        metrics.mentee_self_rating_change(
            topic=topic, cohort=cohort, as_of=date(2026, 6, 15), interim=False
        ).value
        is None
    )
    assert (
        metrics.self_rating_change(
            topic=topic, role="mentee", cohort=cohort, as_of=date(2026, 6, 15)
        ).n
        == 0
    )


def test_satisfaction_and_again_are_interim_from_the_latest_pulses_before_the_final(
    cohort, make_employee, settings
):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    pulse = _survey(cohort, Survey.Template.PULSE, mode="pair")
    rating = Question.objects.create(
        survey=pulse, position=1, kind="rating", text="How is it going?", key="pulse"
    )
    people = [make_employee() for _ in range(4)]
    # Month 1 (2 June) then month 2 (16 June, three of the four people answered again).
    month1, month2 = [10, 7, 4, 8], [8, 9, 1]
    for person, value in zip(people, month1, strict=True):
        _answer(pulse, rating, person, role="mentee", number=value, occasion="m1", at=_day(2))
    for person, value in zip(people, month2, strict=False):
        _answer(pulse, rating, person, role="mentee", number=value, occasion="m2", at=_day(16))

    def scaled(values):
        return statistics.fmean(1 + (v - 1) * 4 / 9 for v in values)

    on_10 = metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 10))
    assert on_10.interim and on_10.basis == metrics.BASIS_PULSE and on_10.n == 4
    assert on_10.value == pytest.approx(scaled(month1))
    latest = [8, 9, 1, 8]  # the fourth person's latest is still month 1
    assert metrics.satisfaction(cohort=cohort).value == pytest.approx(scaled(latest))
    assert metrics.would_do_it_again(cohort=cohort).value == pytest.approx(scaled(latest))
    share = metrics.would_do_it_again_share(cohort=cohort)
    assert share.interim and share.value == pytest.approx(3 / 4)  # 8, 9, 8 of 10 agree
    assert metrics.satisfaction(cohort=cohort, interim=False).value is None
    assert metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 1)).n == 0

    # The first final answers replace the interim value (here below the floor: hidden).
    final = _survey(cohort, Survey.Template.FINAL)
    sat = Question.objects.create(
        survey=final, position=1, kind="likert", text="Satisfied?", key="satisfaction"
    )
    _answer(final, sat, people[0], role="mentee", number=5, at=_day(25))
    assert metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 24)).interim
    after = metrics.satisfaction(cohort=cohort, as_of=date(2026, 6, 25))
    assert after.hidden and after.basis == metrics.BASIS_FINAL
