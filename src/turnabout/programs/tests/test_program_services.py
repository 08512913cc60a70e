from __future__ import annotations

from decimal import Decimal

import pytest

from turnabout.accounts.models import Role
from turnabout.common.errors import Conflict, PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.programs.models import Cohort, InterestSurvey, Objective, Program
from turnabout.programs.services import (
    ObjectiveData,
    cohort_create,
    cohort_update,
    objective_add,
    objective_remove,
    program_create,
    program_set_objectives,
    program_update,
)
from turnabout.programs.tests.factories import make_cohort, make_program

pytestmark = pytest.mark.django_db

KPI = ObjectiveData(
    "Pairs meet regularly", "pairs_meeting_min_sessions", 80, "percent", parameter="6"
)


def test_a_program_manager_creates_a_program_and_becomes_its_manager(program_manager):
    program = program_create(
        data={"name": "Digital Fluency", "purpose": "Learn."},
        objectives=[KPI],
        acting_user=program_manager,
    )
    assert list(program.managers.all()) == [program_manager]
    objective = program.objectives.get()
    assert (objective.metric, objective.target, objective.unit) == (
        "pairs_meeting_min_sessions",
        Decimal("80.00"),
        "percent",
    )
    assert objective.target_label == "≥ 80%"
    record = AuditRecord.objects.get(event="program.created")
    assert record.actor == program_manager and record.changes["objectives"][1] == [
        "Pairs meet regularly ≥ 80%"
    ]


def test_participants_and_sponsors_cannot_create_programs(participant, sponsor):
    for user in (participant, sponsor):
        with pytest.raises(PermissionDenied):
            program_create(data={"name": "X", "purpose": "Y"}, acting_user=user)
    assert not Program.objects.exists()


@pytest.mark.parametrize("target", [None, "", "  "])
def test_a_kpi_without_target_is_refused_and_nothing_is_written(program_manager, target):
    kpi = ObjectiveData("Leaders use AI", "mentee_self_rating_change", target, "points")
    with pytest.raises(ValidationFailed) as refused:
        program_create(
            data={"name": "P", "purpose": "Q"}, objectives=[KPI, kpi], acting_user=program_manager
        )
    assert (
        refused.value.message == "Objective Leaders use AI has no target: every KPI needs a target."
    )
    assert not Program.objects.exists() and not Objective.objects.exists()


@pytest.mark.parametrize(
    ("kpi", "message"),
    [
        (ObjectiveData("", "custom", 1, "count"), "Give the objective a title."),
        (ObjectiveData("A", "vibes", 1, "count"), "Objective A: choose a metric from the list."),
        (
            ObjectiveData("A", "custom", "lots", "count"),
            "Objective A: the target must be a number.",
        ),
        (
            ObjectiveData("A", "custom", 1, "kg"),
            "Objective A: the unit must be one of percent, points, count, months.",
        ),
        (
            ObjectiveData("A", "pair_completion", 120, "percent"),
            "Objective A: a percentage target must be from 0 to 100.",
        ),
    ],
)
def test_bad_kpis_get_clear_messages(program_manager, kpi, message):
    program = make_program(program_manager)
    with pytest.raises(ValidationFailed) as refused:
        objective_add(program, objective=kpi, acting_user=program_manager)
    assert refused.value.message == message
    assert not program.objectives.exists()


def test_change_kpis_have_a_signed_label(program_manager):
    program = make_program(program_manager)
    objective = objective_add(
        program,
        objective=ObjectiveData("AI confidence", "mentee_self_rating_change", "1.0", "points"),
        acting_user=program_manager,
    )
    assert objective.target_label == "≥ +1 points"
    objective_remove(objective, acting_user=program_manager)
    assert not program.objectives.exists()


def test_set_objectives_replaces_the_list_and_audits(program_manager):
    program = make_program(program_manager)
    program_set_objectives(program, objectives=[KPI], acting_user=program_manager)
    retention = ObjectiveData("Mentors stay", "mentor_retention", 95, "percent", parameter="12")
    program_set_objectives(program, objectives=[retention], acting_user=program_manager)
    assert list(program.objectives.values_list("title", flat=True)) == ["Mentors stay"]
    assert AuditRecord.objects.filter(event="program.objectives_changed").count() == 2


def test_matching_settings_are_validated_by_the_engine(program_manager):
    with pytest.raises(ValidationFailed) as refused:
        make_program(program_manager, matching_settings={"weights": {"charisma": 2}})
    assert "weights.charisma" in refused.value.message
    assert refused.value.details == {"key": "weights.charisma"}
    program = make_program(
        program_manager,
        matching_settings={"weights": {"skills": 4}, "constraints": {"min_level_gap": 3}},
    )
    assert program.matching_settings["weights"] == {"skills": 4}


def test_mentors_must_be_junior_to_mentees(program_manager):
    with pytest.raises(ValidationFailed, match="must be below the mentees' minimum level"):
        make_program(program_manager, mentor_max_level=7, mentee_min_level=7)


def test_program_names_are_unique(program_manager):
    make_program(program_manager, name="Digital Fluency")
    with pytest.raises(Conflict):
        make_program(program_manager, name="digital fluency")


def test_update_records_old_and_new_values(program_manager):
    program = make_program(program_manager)
    program_update(
        program, data={"session_minutes": 45, "departments": ["Sales"]}, acting_user=program_manager
    )
    record = AuditRecord.objects.get(event="program.updated")
    assert record.changes == {"session_minutes": [60, 45], "departments": [[], ["Sales"]]}
    with pytest.raises(
        ValidationFailed, match="session_minutes must be a whole number from 5 to 600"
    ):
        program_update(program, data={"session_minutes": 2}, acting_user=program_manager)
    with pytest.raises(ValidationFailed, match="Unknown program fields: colour"):
        program_update(program, data={"colour": "red"}, acting_user=program_manager)


def test_another_manager_cannot_update(program_manager, make_user):
    program = make_program(program_manager)
    with pytest.raises(PermissionDenied):
        program_update(program, data={"name": "Mine"}, acting_user=make_user(Role.PROGRAM_MANAGER))


def test_a_cohort_starts_in_draft_with_a_survey(program_manager):
    cohort = make_cohort(make_program(program_manager), program_manager)
    assert cohort.phase == "draft"
    assert InterestSurvey.objects.get(cohort=cohort).topics
    assert cohort.phase_changes.get().to_phase == "draft"


def test_cohort_dates_are_checked(program_manager):
    from datetime import date

    program = make_program(program_manager)
    with pytest.raises(ValidationFailed, match="must end after it starts"):
        cohort_create(
            program,
            name="X",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
            acting_user=program_manager,
        )
    with pytest.raises(ValidationFailed, match="close before the cohort starts"):
        cohort_create(
            program,
            name="X",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 9, 1),
            applications_close_on=date(2026, 6, 1),
            acting_user=program_manager,
        )
    cohort = make_cohort(program, program_manager)
    with pytest.raises(Conflict):
        make_cohort(program, program_manager)
    cohort_update(cohort, data={"name": "Winter"}, acting_user=program_manager)
    assert Cohort.objects.get().name == "Winter"


def test_a_closed_cohort_is_a_record_nobody_can_change(program_manager, client):
    cohort = make_cohort(make_program(program_manager), program_manager, phase="closed")
    with pytest.raises(Conflict) as refused:
        cohort_update(cohort, data={"name": "Renamed"}, acting_user=program_manager)
    assert refused.value.code == "cohort_closed"
    assert Cohort.objects.get().name == cohort.name
    client.force_login(program_manager)
    page = client.get(f"/programs/cohorts/{cohort.pk}/").content.decode()
    assert "This cohort is closed. Its pages are a record" in page
    assert f"/programs/cohorts/{cohort.pk}/edit/" not in page
