"""No column, key or row order joins an interest-survey answer to the person who gave it.

Runs on SQLite (rowid order) and on PostgreSQL (ctid order, xmin) alike: the suite runs on
PostgreSQL when DATABASE_URL points at one.
"""

from __future__ import annotations

import pytest
from django.db import connection

from turnabout.common.models import AuditRecord
from turnabout.programs.models import (
    InterestSurvey,
    SurveyDailyCount,
    SurveyParticipation,
    SurveyTally,
)
from turnabout.programs.services import survey_respond
from turnabout.programs.tests.factories import make_cohort, make_program

pytestmark = pytest.mark.django_db

# Two groups of people answering in the same order but saying different things.
ANSWERS_A = [("yes", "no", 5, ["AI"]), ("no", "yes", 1, ["TikTok"]), ("maybe", "maybe", 3, [])]
ANSWERS_B = [("no", "maybe", 2, []), ("yes", "yes", 4, ["AI", "TikTok"]), ("no", "no", 1, ["AI"])]


def _physical_order(survey: InterestSurvey) -> list[tuple[str, str]]:
    """The tallies' (question, option) in the order the database stores them."""
    table = SurveyTally._meta.db_table
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT question, option FROM {table} WHERE survey_id = %s ORDER BY {position}",
            [survey.pk],
        )
        return [tuple(row) for row in cursor.fetchall()]


def _row_versions(survey: InterestSurvey) -> set[str]:
    """PostgreSQL: the transaction ids that wrote the live tallies (one when all are
    rewritten together); SQLite keeps no such trace."""
    if connection.vendor != "postgresql":
        return {"n/a"}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT xmin::text FROM {SurveyTally._meta.db_table} WHERE survey_id = %s",
            [survey.pk],
        )
        return {row[0] for row in cursor.fetchall()}


def _run(program_manager, make_user, answers, name) -> list[list[tuple[str, str]]]:
    program = make_program(program_manager, name=name)
    cohort = make_cohort(program, program_manager, phase="interest_survey")
    survey = InterestSurvey.objects.select_related("cohort").get(cohort=cohort)
    survey.topics = ["AI", "TikTok"]
    survey.save(update_fields=["topics"])
    orders = []
    audit_before = AuditRecord.objects.count()
    for would_mentor, would_be_mentored, comfort, topics in answers:
        survey_respond(
            survey,
            would_mentor=would_mentor,
            would_be_mentored=would_be_mentored,
            comfort=comfort,
            topics=topics,
            acting_user=make_user(),
        )
        orders.append(_physical_order(survey))
        assert len(_row_versions(survey)) == 1, "the tallies were not rewritten together"
    # Nothing per answer lands in the audit log; one count per day instead.
    assert AuditRecord.objects.count() == audit_before
    assert sum(SurveyDailyCount.objects.filter(survey=survey).values_list("count", flat=True)) == 3
    assert SurveyParticipation.objects.filter(survey=survey).count() == 3
    return orders


def test_no_row_order_follows_the_answers(program_manager, make_user):
    orders_a = _run(program_manager, make_user, ANSWERS_A, "A")
    orders_b = _run(program_manager, make_user, ANSWERS_B, "B")
    # Whatever was answered, and after every answer, the tallies sit in the same order:
    # the order in which they were created before the first answer.
    assert all(order == orders_a[0] for order in orders_a + orders_b)
    assert orders_a[0][:3] == [
        ("would_mentor", "yes"),
        ("would_mentor", "maybe"),
        ("would_mentor", "no"),
    ]


def test_no_column_or_key_joins_a_tally_to_a_participation(program_manager, make_user):
    _run(program_manager, make_user, ANSWERS_A, "A")
    participation_columns = {f.column for f in SurveyParticipation._meta.concrete_fields}
    tally_columns = {f.column for f in SurveyTally._meta.concrete_fields}
    daily_columns = {f.column for f in SurveyDailyCount._meta.concrete_fields}
    # The survey is all they share; no time finer than a day anywhere.
    assert participation_columns & tally_columns == {"id", "survey_id"}
    assert participation_columns & daily_columns == {"id", "survey_id"}
    # Tally keys are random UUIDs, participation keys integers: no key maps onto another.
    participation_ids = {str(pk) for pk in SurveyParticipation.objects.values_list("pk", flat=True)}
    tally_ids = {str(pk) for pk in SurveyTally.objects.values_list("pk", flat=True)}
    assert not participation_ids & tally_ids
    assert all(len(pk) == 36 for pk in tally_ids)
    # And there is no per-answer row at all: one per option, whatever the number of answers.
    assert SurveyTally.objects.count() == 3 + 3 + 5 + 2
