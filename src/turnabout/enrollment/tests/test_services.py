from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from turnabout.accounts.models import Role
from turnabout.common.errors import (
    Conflict,
    ErrorCode,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from turnabout.common.models import AuditRecord
from turnabout.enrollment.models import Application
from turnabout.enrollment.services import (
    application_create,
    application_decide,
    application_update,
    application_withdraw,
    applications_decide,
    question_add,
    question_remove,
)
from turnabout.people.models import Employee, ResourceGroup
from turnabout.programs.tests.factories import (
    make_cohort,
    make_program,
    mentee_profile,
    mentor_profile,
    move_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(program_manager):
    return make_cohort(make_program(program_manager), program_manager, phase="applications_open")


@pytest.fixture
def junior(make_user):
    return make_user()  # level 3


@pytest.fixture
def senior(make_user):
    user = make_user()
    Employee.objects.filter(user=user).update(level=8)
    return user


def test_a_junior_applies_as_mentor_with_a_full_profile(cohort, junior):
    group = ResourceGroup.objects.create(name="Pride Network")
    junior.employee.resource_groups.add(group)
    avoid = Employee.objects.create(
        employee_id="X1", first_name="A", last_name="B", email="ab@example.com", level=5
    )
    application = application_create(
        cohort,
        role="mentor",
        profile=mentor_profile(
            ergs=["Pride Network"], avoid=[avoid.pk], skills={"generative ai TOOLS": 3}
        ),
        acting_user=junior,
    )
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.skills == {"Generative AI tools": 3}  # canonical catalogue name
    assert application.wants == {}
    assert application.capacity == 2
    assert application.availability == ["mon-am", "wed-pm"]
    assert application.ergs == ["Pride Network"]
    assert list(application.avoid.all()) == [avoid]
    assert application.agreed_to_guidelines_at is not None
    assert AuditRecord.objects.filter(event="application.submitted", actor=junior).count() == 1


def test_a_mentor_above_the_maximum_level_is_refused_with_the_reason(cohort, senior):
    with pytest.raises(ValidationFailed) as refused:
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=senior)
    assert refused.value.message == (
        "Mentors in Digital Fluency are at level 4 or below; you are at level 8. "
        "You could apply as a mentee instead."
    )
    assert not Application.objects.exists()


def test_department_and_location_inclusion(program_manager, junior):
    program = make_program(program_manager, departments=["Sales"], name="Sales only")
    cohort = make_cohort(program, program_manager, phase="applications_open")
    with pytest.raises(ValidationFailed, match="open to these departments only: Sales"):
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)
    program2 = make_program(program_manager, locations=["Berlin"], name="Berlin only")
    cohort2 = make_cohort(program2, program_manager, phase="applications_open")
    with pytest.raises(ValidationFailed, match="open to these locations only: Berlin"):
        application_create(cohort2, role="mentor", profile=mentor_profile(), acting_user=junior)


def test_a_duplicate_application_is_refused(cohort, junior):
    application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)
    with pytest.raises(Conflict, match=r"applied to .* as mentor already"):
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)
    assert Application.objects.count() == 1


def test_the_database_refuses_a_second_application_for_the_same_role(cohort, junior):
    first = application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            cohort=cohort,
            person=first.person,
            role="mentor",
            agreed_to_guidelines_at=first.agreed_to_guidelines_at,
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"skills": {}}, "name at least one skill"),
        ({"skills": {"Juggling": 2}}, "Juggling is not in the skills catalogue."),
        ({"skills": {"TikTok": 4}}, "The level of TikTok must be 1, 2 or 3."),
        ({"capacity": 4}, "Mentors can take 1 to 3 mentees."),
        ({"goals": "  "}, "what you want to teach"),
        ({"formats": []}, "at least one meeting format"),
        ({"formats": ["carrier pigeon"]}, "carrier pigeon is not one of"),
        ({"availability": ["sat-am"]}, "sat-am is not one of"),
        ({"ergs": ["Chess Club"]}, "only share resource groups you belong to: Chess Club"),
        ({"avoid": [999999]}, "Some people to avoid do not exist."),
        ({"working_style": {"structure": "chaos"}}, "working_style.structure must be one of"),
        ({"agreed_to_guidelines": False}, "agree to the program's guidelines"),
        ({"colour": "blue"}, "Unknown profile fields: colour"),
        ({"goals": "a\x00b"}, "NUL"),
    ],
)
def test_profile_errors_are_clear_and_write_nothing(cohort, junior, changes, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        application_create(
            cohort, role="mentor", profile=mentor_profile(**changes), acting_user=junior
        )
    assert refused.value.code == ErrorCode.VALIDATION_FAILED
    field = refused.value.details["field"] if refused.value.details else None  # type: ignore[index]
    assert field == (None if "colour" in changes else next(iter(changes)))
    assert not Application.objects.exists()


def test_a_mentee_profile_uses_priorities(cohort, senior):
    application = application_create(
        cohort, role="mentee", profile=mentee_profile(), acting_user=senior
    )
    assert application.wants == {"Generative AI tools": "high", "Hybrid work norms": "low"}
    assert application.skills == {} and application.capacity == 1
    priority = "priority of TikTok must be low, medium or high"
    with pytest.raises(ValidationFailed, match=priority) as bad:
        application_update(application, changes={"wants": {"TikTok": "urgent"}}, acting_user=senior)
    assert (bad.value.code, bad.value.details) == (
        ErrorCode.VALIDATION_FAILED,
        {"field": "wants"},
    )
    with pytest.raises(ValidationFailed, match="capacity must be 1") as bad:
        application_update(application, changes={"capacity": 2}, acting_user=senior)
    assert (bad.value.code, bad.value.details) == (
        ErrorCode.VALIDATION_FAILED,
        {"field": "capacity"},
    )


def test_custom_questions_are_answered_and_validated(cohort, junior, program_manager):
    tool = question_add(
        cohort,
        text="Which AI tool?",
        kind="single",
        options=["ChatGPT", "Copilot"],
        required=True,
        acting_user=program_manager,
    )
    scale = question_add(cohort, text="Confidence?", kind="scale", acting_user=program_manager)
    many = question_add(
        cohort,
        text="Which apps?",
        kind="multiple",
        options=["Slack", "Teams", "Zoom"],
        acting_user=program_manager,
    )
    note = question_add(
        cohort, text="Anything else?", kind="text", for_role="mentee", acting_user=program_manager
    )
    with pytest.raises(ValidationFailed, match=r"Please answer: Which AI tool\?"):
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)
    with pytest.raises(ValidationFailed, match="choose one of ChatGPT, Copilot"):
        application_create(
            cohort,
            role="mentor",
            profile=mentor_profile(answers={str(tool.pk): "Bard"}),
            acting_user=junior,
        )
    with pytest.raises(ValidationFailed, match="number from 1 to 5"):
        application_create(
            cohort,
            role="mentor",
            profile=mentor_profile(answers={str(tool.pk): "ChatGPT", str(scale.pk): 6}),
            acting_user=junior,
        )
    with pytest.raises(ValidationFailed, match="No such question"):
        application_create(
            cohort,
            role="mentor",
            profile=mentor_profile(answers={str(tool.pk): "ChatGPT", str(note.pk): "mentees only"}),
            acting_user=junior,
        )
    application = application_create(
        cohort,
        role="mentor",
        profile=mentor_profile(
            answers={str(tool.pk): "ChatGPT", str(scale.pk): 4, str(many.pk): ["Zoom", "Slack"]}
        ),
        acting_user=junior,
    )
    assert application.answers == {
        str(tool.pk): "ChatGPT",
        str(scale.pk): 4,
        str(many.pk): ["Slack", "Zoom"],
    }
    question_remove(many, acting_user=program_manager)
    application_update(application, changes={"goals": "New goals"}, acting_user=junior)
    application.refresh_from_db()
    assert str(many.pk) not in application.answers


def test_choice_questions_need_options(cohort, program_manager):
    with pytest.raises(ValidationFailed, match="at least two options"):
        question_add(
            cohort, text="Pick", kind="single", options=["Only"], acting_user=program_manager
        )


def test_edit_and_withdraw_only_while_applications_are_open(cohort, junior, program_manager):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=junior
    )
    application_update(
        application, changes={"capacity": 3, "interests": ["chess"]}, acting_user=junior
    )
    application.refresh_from_db()
    assert (application.capacity, application.interests) == (3, ["chess"])
    record = AuditRecord.objects.get(event="application.updated")
    assert record.changes["capacity"] == [2, 3]
    move_to(cohort, "applications_closed", program_manager)
    application.cohort.refresh_from_db()
    with pytest.raises(ValidationFailed, match="not open"):
        application_update(application, changes={"capacity": 1}, acting_user=junior)
    with pytest.raises(ValidationFailed, match="not open"):
        application_withdraw(application, acting_user=junior)
    application.refresh_from_db()
    assert (application.capacity, application.status) == (3, "submitted")


def test_applying_again_after_withdrawing_resubmits(cohort, junior):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=junior
    )
    application_withdraw(application, acting_user=junior)
    assert application.status == "withdrawn" and application.withdrawn_at
    with pytest.raises(ValidationFailed, match="withdrawn"):
        application_update(application, changes={"capacity": 1}, acting_user=junior)
    again = application_create(
        cohort, role="mentor", profile=mentor_profile(capacity=1), acting_user=junior
    )
    assert again.pk == application.pk and again.status == "submitted" and again.capacity == 1
    assert AuditRecord.objects.filter(event="application.resubmitted").exists()


def test_only_the_applicant_edits_or_withdraws(cohort, junior, make_user, program_manager):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=junior
    )
    for user in (make_user(), program_manager):
        with pytest.raises(PermissionDenied):
            application_update(application, changes={"capacity": 1}, acting_user=user)
        with pytest.raises(PermissionDenied):
            application_withdraw(application, acting_user=user)


def test_applications_are_closed_outside_the_open_phase(program_manager, junior):
    cohort = make_cohort(make_program(program_manager), program_manager, phase="interest_survey")
    with pytest.raises(ValidationFailed, match="are not open"):
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=junior)


def test_accounts_without_employee_record_cannot_apply(cohort, make_user):
    with pytest.raises(PermissionDenied):
        application_create(
            cohort, role="mentor", profile=mentor_profile(), acting_user=make_user(employee=False)
        )


@pytest.mark.django_db(transaction=True)
def test_the_manager_decides_and_the_applicant_is_told(cohort, junior, program_manager):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=junior
    )
    application_decide(
        application, decision="accepted", message="Welcome!", acting_user=program_manager
    )
    application.refresh_from_db()
    assert (application.status, application.decision_message) == ("accepted", "Welcome!")
    assert application.decided_by == program_manager and application.decided_at
    record = AuditRecord.objects.get(event="application.decided")
    assert record.changes == {"status": ["submitted", "accepted"]} and record.message == "Welcome!"
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert len(mail.outbox) == 1
    assert "accepted" in mail.outbox[0].body and "Welcome!" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_bulk_decisions(cohort, make_user, program_manager):
    applications = [
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=make_user())
        for _ in range(3)
    ]
    decided = applications_decide(
        cohort,
        application_ids=[a.pk for a in applications],
        decision="waitlisted",
        acting_user=program_manager,
    )
    assert len(decided) == 3
    assert set(Application.objects.values_list("status", flat=True)) == {"waitlisted"}
    assert AuditRecord.objects.filter(event="application.decided").count() == 3
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert len(mail.outbox) == 3


def test_decisions_are_checked(cohort, junior, program_manager, make_user):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=junior
    )
    with pytest.raises(ValidationFailed, match="The decision must be one of"):
        application_decide(application, decision="maybe", acting_user=program_manager)
    with pytest.raises(PermissionDenied):
        application_decide(
            application, decision="accepted", acting_user=make_user(Role.PROGRAM_MANAGER)
        )
    with pytest.raises(PermissionDenied):
        application_decide(application, decision="accepted", acting_user=junior)
    other_program = make_program(program_manager, name="Other")
    other = make_cohort(other_program, program_manager, phase="applications_open")
    with pytest.raises(NotFound):
        applications_decide(
            other,
            application_ids=[application.pk],
            decision="accepted",
            acting_user=program_manager,
        )
    application_withdraw(application, acting_user=junior)
    with pytest.raises(ValidationFailed, match="withdrew"):
        application_decide(application, decision="accepted", acting_user=program_manager)


def test_no_decisions_once_matched(cohort, junior, program_manager):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=junior
    )
    move_to(cohort, "matched", program_manager)
    application.cohort.refresh_from_db()
    with pytest.raises(ValidationFailed, match="Matched phase"):
        application_decide(application, decision="declined", acting_user=program_manager)
