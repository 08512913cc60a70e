"""The anonymity proof: nothing in the anonymous answer table links an answer to a
participation row or to a person, neither a column, nor a key, nor the rows' order
(SQLite rowid, PostgreSQL ctid), on either database. And the privacy floor everywhere."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.db import connection

from turnabout.common.exports import safe_row
from turnabout.common.models import AuditRecord
from turnabout.common.privacy import suppress_means
from turnabout.feedback import selectors, services
from turnabout.feedback.exports import results_rows
from turnabout.feedback.models import AnonymousResponse, Invitation, Survey
from turnabout.feedback.tests.factories import NOW
from turnabout.pairing.models import Mentorship

pytestmark = pytest.mark.django_db

# Columns an anonymous answer row may have, and nothing else.
ALLOWED_COLUMNS = {"id", "survey_id", "role", "answered_on", "answers"}


def _physical_order(table: str) -> list[str]:
    """The table's ids in storage order (what a person with a copy of the file sees)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT id::text FROM {table} ORDER BY ctid")
        else:
            cursor.execute(f"SELECT id FROM {table} ORDER BY rowid")
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def _anonymous_survey(p):
    survey = services.survey_create(p.cohort, template="custom", acting_user=p.manager)
    services.question_add(survey, kind="rating", text="How useful?", acting_user=p.manager)
    services.question_add(
        survey, kind="long_text", text="Why?", required=False, acting_user=p.manager
    )
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    return survey


def test_answer_table_has_no_column_that_could_link_to_a_person():
    table = AnonymousResponse._meta.db_table
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    assert columns == ALLOWED_COLUMNS
    fields = {f.name: f for f in AnonymousResponse._meta.get_fields() if f.concrete}
    # The only foreign key is the survey; no timestamp finer than a day.
    assert [f.name for f in fields.values() if f.is_relation] == ["survey"]
    assert type(fields["answered_on"]).__name__ == "DateField"
    assert not any(type(f).__name__ == "DateTimeField" for f in fields.values())
    # The participation table points at no answer either.
    participation = {f.name for f in Invitation._meta.get_fields()}
    assert not {"response", "anonymous_response", "answer"} & participation - {"response"}
    assert not any(
        f.is_relation and f.related_model is AnonymousResponse
        for f in Invitation._meta.get_fields()
    )


def test_rows_follow_neither_the_answer_order_nor_the_participation_order(make_pairs):
    p = make_pairs(n=6)
    survey = _anonymous_survey(p)
    rating, why = survey.questions.order_by("position")
    invitations = list(Invitation.objects.filter(survey=survey).select_related("person"))
    random.Random(3).shuffle(invitations)
    answered_order = []
    for n, invitation in enumerate(invitations, start=1):
        user = p.users[invitation.person_id]
        services.response_save(
            invitation,
            data={str(rating.pk): 5, str(why.pk): f"{n:02d}"},  # the n-th to answer says n
            submit=True,
            acting_user=user,
            today=NOW.date(),
        )
        answered_order.append(n)
    rows = list(AnonymousResponse.objects.filter(survey=survey))
    assert len(rows) == 12
    # No audit row and no timestamp per anonymous answer.
    assert not AuditRecord.objects.filter(event="feedback.answered").exists()
    assert {r.answered_on for r in rows} == {NOW.date()}
    # Keys are random UUIDs (version 4), not sequential and not the participation ids.
    by_id = {r.pk.hex: r for r in rows}
    assert all(r.pk.version == 4 for r in rows)
    participation_ids = {str(i.pk) for i in invitations}
    assert not participation_ids & {str(r.pk) for r in rows}
    # Storage order: the value (= the answering rank) read in physical order is not the
    # answering order, and not the participation table's order either.
    stored = [
        int(by_id[i].answers[str(why.pk)])
        for i in _physical_order(AnonymousResponse._meta.db_table)
    ]
    assert sorted(stored) == answered_order
    assert stored != answered_order
    assert stored != list(reversed(answered_order))
    # Nothing about the order survives a re-read: the same submissions, in another order
    # of insertion, produce a different physical order (the mix is random).
    ranks = {i.person_id: n for n, i in enumerate(invitations, start=1)}
    participation_order = [
        ranks[i.person_id] for i in Invitation.objects.filter(survey=survey).order_by("pk")
    ]
    assert stored != participation_order


def test_the_mix_leaves_the_last_answer_anywhere(make_pairs):
    """Over many surveys, the last submission's row is not pinned to the table's end."""
    p = make_pairs(n=3)
    positions = []
    for _round in range(8):
        survey = _anonymous_survey(p)
        question = survey.questions.order_by("position").first()
        assert question is not None
        invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))
        for n, invitation in enumerate(invitations, start=1):
            services.response_save(
                invitation, data={str(question.pk): n}, submit=True,
                acting_user=p.users[invitation.person_id], today=NOW.date(),
            )  # fmt: skip
        ids = [
            i
            for i in _physical_order(AnonymousResponse._meta.db_table)
            if AnonymousResponse.objects.filter(pk=i, survey=survey).exists()
        ]
        values = [AnonymousResponse.objects.get(pk=i).answers[str(question.pk)] for i in ids]
        positions.append(values.index(len(invitations)))
    assert len(set(positions)) > 1, positions


def _answer_all(p, survey, values):
    question = survey.questions.order_by("position").first()
    invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))
    for invitation, value in zip(invitations, values, strict=False):
        services.response_save(
            invitation, data={str(question.pk): value}, submit=True,
            acting_user=p.users[invitation.person_id], today=NOW.date(),
        )  # fmt: skip


@pytest.mark.parametrize("floor", [3, 5, 10])
def test_results_appear_only_at_the_floor(make_pairs, settings, floor):
    settings.TURNABOUT_MIN_GROUP_SIZE = floor
    p = make_pairs(n=6)
    survey = _anonymous_survey(p)
    question = survey.questions.order_by("position").first()
    invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))
    for count, invitation in enumerate(invitations, start=1):
        services.response_save(
            invitation, data={str(question.pk): 7}, submit=True,
            acting_user=p.users[invitation.person_id], today=NOW.date(),
        )  # fmt: skip
        results = selectors.survey_results(user=p.manager, survey=survey)
        assert results.hidden == (count < floor)
        if results.hidden:
            assert results.questions == []
    results = selectors.survey_results(user=p.manager, survey=survey)
    assert results.hidden == (floor > 12)


def test_a_breakdown_never_reveals_a_small_group_even_by_subtraction(make_pairs, settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 5
    p = make_pairs(n=6)
    survey = services.survey_create(p.cohort, template="custom", acting_user=p.manager)
    services.survey_update(survey, data={"audience": "both"}, acting_user=p.manager)
    services.question_add(survey, kind="likert", text="Fine?", acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager, now=NOW)
    question = survey.questions.get()
    # All six mentees answer, and two mentors: the mentors' group (2) is below the floor,
    # and with the overall mean shown the mentees' group would reveal it by subtraction.
    mentees = Invitation.objects.filter(survey=survey, role="mentee")
    mentors = Invitation.objects.filter(survey=survey, role="mentor")[:2]
    for invitation, value in [*[(i, 5) for i in mentees], *[(i, 1) for i in mentors]]:
        services.response_save(
            invitation, data={str(question.pk): value}, submit=True,
            acting_user=p.users[invitation.person_id], today=NOW.date(),
        )  # fmt: skip
    results = selectors.survey_results(user=p.manager, survey=survey)
    (qr,) = results.questions
    assert qr.n == 8
    assert qr.by_role and all(g.hidden and g.value is None for g in qr.by_role)
    answered = {role: n for role, n, _invited in results.rate_by_role}
    assert answered == {"Mentee": None, "Mentor": None}
    # The helper itself: a shown total next to one hidden group hides a second one.
    shown = suppress_means({"a": (2, 1.0), "b": (6, 5.0), "c": (7, 4.0)}, floor=5)
    assert [g.hidden for g in shown] == [True, True, False]
    hidden_sum = sum(n for (n, _m), g in zip([(2, 1.0), (6, 5.0)], shown[:2], strict=True))
    assert hidden_sum >= 5


def test_sponsor_sees_aggregates_but_no_free_text_and_no_pair_answers(
    make_pairs, sponsor, settings
):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    p = make_pairs(n=2)
    survey = _anonymous_survey(p)
    questions = list(survey.questions.order_by("position"))
    for invitation in Invitation.objects.filter(survey=survey):
        services.response_save(
            invitation, data={str(questions[0].pk): 8, str(questions[1].pk): "=cmd|' /C calc'!A0"},
            submit=True, acting_user=p.users[invitation.person_id], today=NOW.date(),
        )  # fmt: skip
    as_sponsor = selectors.survey_results(user=sponsor, survey=survey)
    as_manager = selectors.survey_results(user=p.manager, survey=survey)
    assert not as_sponsor.hidden and as_sponsor.questions[0].n == 4
    assert as_sponsor.questions[1].texts == []
    assert len(as_manager.questions[1].texts) == 4
    cells = [c for row in results_rows(as_manager) for c in row]
    assert "=cmd|' /C calc'!A0" in cells  # the raw text reaches the writer...
    assert all(
        not str(c).startswith("=") for row in results_rows(as_manager) for c in safe_row(row)
    )


def test_participation_rows_are_written_at_invitation_not_at_answer(make_pairs):
    """Who answered is a day on an invitation that existed before; the participation
    table's order is the order invitations were sent, which says nothing about answers."""
    p = make_pairs(n=3)
    survey = _anonymous_survey(p)
    before = list(
        Invitation.objects.filter(survey=survey).order_by("pk").values_list("pk", flat=True)
    )
    _answer_all(p, survey, [3, 1, 2, 5, 4, 6])
    after = list(
        Invitation.objects.filter(survey=survey).order_by("pk").values_list("pk", flat=True)
    )
    assert before == after
    assert set(Invitation.objects.filter(survey=survey).values_list("answered_on", flat=True)) == {
        date(2026, 10, 5)
    }
    assert Mentorship.objects.count() == 3
    assert Survey.objects.get(pk=survey.pk).is_anonymous
