"""Programs as code: export, then apply, reproduces the program; errors name the line."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from turnabout.common.models import AuditRecord
from turnabout.feedback.models import Question, Survey
from turnabout.integrations.program_files import (
    ProgramFileError,
    program_apply,
    program_export,
)
from turnabout.learning.models import LearningSettings, Step, StepCompletion, TrainingModule
from turnabout.programs.models import Program

pytestmark = pytest.mark.django_db


def _design_counts(program: Program) -> dict[str, int]:
    return {
        "modules": TrainingModule.objects.filter(program=program).count(),
        "steps": Step.objects.filter(module__program=program).count(),
        "cohorts": program.cohorts.count(),
        "surveys": Survey.objects.filter(cohort__program=program).count(),
        "questions": Question.objects.filter(survey__cohort__program=program).count(),
    }


def test_export_then_apply_on_a_fresh_database_reproduces_the_demo_program(tmp_path: Path):
    call_command("demo", stdout=StringIO())  # the demo organisation, as `turnabout demo`
    [program] = Program.objects.filter(objectives__isnull=False).distinct()[:1]
    out = tmp_path / "program.toml"
    call_command("program", "export", program.name, "--out", str(out), stdout=StringIO())
    exported = out.read_text()
    assert f'name = "{program.name}"' in exported and "[[objectives]]" in exported
    # Training modules (learning) and the cohorts' surveys (feedback) are in the file too.
    for table in ("modules", "modules.steps", "cohorts", "cohorts.surveys"):
        assert f"[[{table}]]" in exported, table
    assert "[[cohorts.surveys.questions]]" in exported
    counts = _design_counts(program)
    assert counts["modules"] and counts["steps"] and counts["surveys"] and counts["questions"]

    # A fresh database: the program (and everything hanging off it) is gone.
    Program.objects.all().delete()
    assert not TrainingModule.objects.exists() and not Survey.objects.exists()
    dry = StringIO()
    call_command("program", "apply", str(out), stdout=dry)  # as the first org admin
    assert "Would create" in dry.getvalue() and not Program.objects.exists()
    call_command("program", "apply", str(out), "--apply", stdout=StringIO())
    applied = Program.objects.get()
    assert program_export(applied) == exported
    assert _design_counts(applied) == counts
    assert AuditRecord.objects.filter(event="program.applied_from_file").count() == 1


def test_applying_the_same_file_twice_changes_nothing(program_manager):
    text = (
        'version = 1\n[program]\nname = "Digital Fluency"\npurpose = "Both ways."\n'
        'meeting_every_days = 14\n\n[[objectives]]\ntitle = "Pairs meet"\n'
        'metric = "pairs_meeting_min_sessions"\nparameter = "6"\ntarget = "80"\nunit = "percent"\n'
    )
    first = program_apply(text, acting_user=program_manager, write=True)
    assert first.created and first.program.objectives.count() == 1
    second = program_apply(text, acting_user=program_manager, write=True)
    assert not second.created and second.changes == {}
    changed = program_apply(
        text.replace("meeting_every_days = 14", "meeting_every_days = 7"),
        acting_user=program_manager,
    )
    assert changed.changes == {"meeting_every_days": (14, 7)}
    assert Program.objects.get().meeting_every_days == 14  # a dry run wrote nothing


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('version = 1\n[program]\nname = "X"\npurpose = "y"\ncolour = "red"\n', 5, "colour"),
        ('version = 1\n[program]\nname = "X"\npurpose = \n', 4, ""),
        (
            'version = 1\n[program]\nname = "X"\npurpose = "y"\nmeeting_every_days = 0\n',
            5,
            "",
        ),
        (
            'version = 1\n[program]\nname = "X"\npurpose = "y"\n\n[[objectives]]\ntitle = "T"\n'
            'metric = "no_such_metric"\ntarget = "1"\nunit = "percent"\n',
            0,
            "",
        ),
    ],
)
def test_errors_name_the_line(program_manager, text: str, line: int, words: str):
    with pytest.raises(ProgramFileError) as refused:
        program_apply(text, acting_user=program_manager, write=True)
    if line:
        assert refused.value.line == line, refused.value
    assert words in refused.value.message
    assert not Program.objects.exists()  # one transaction: nothing half-applied


def test_the_command_reports_the_file_and_line(tmp_path: Path, org_admin):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n[program]\nname = "X"\npurpose = "y"\ncolour = "red"\n')
    with pytest.raises(CommandError, match=r"bad.toml:5: Unknown program field colour"):
        call_command("program", "apply", str(bad), "--apply", stdout=StringIO())


TRAINING = """version = 1
[program]
name = "Digital Fluency"
purpose = "Both ways."

[training]
readiness_gate = true

[[modules]]
title = "Welcome"
summary = "Start here."
audience = "both"
required = true

[[modules.steps]]
title = "Why reverse mentoring"
kind = "content"
body = "Read this."

[[modules.steps]]
title = "Check"
kind = "check"
pass_mark = 50

[[modules.steps.questions]]
text = "Who teaches?"
options = ["The junior", "The senior"]
answer = 0

[[cohorts]]
name = "Autumn 2027"
starts_on = 2027-09-01
ends_on = 2028-03-01

[[cohorts.surveys]]
template = "custom"
title = "Kick-off pulse"
mode = "anonymous"
trigger = "phase_active"

[[cohorts.surveys.questions]]
kind = "likert"
text = "How ready do you feel?"
required = true
"""


def test_training_modules_and_surveys_are_created_then_updated_in_place(
    program_manager, make_employee
):
    first = program_apply(TRAINING, acting_user=program_manager, write=True)
    assert first.created
    program = first.program
    # The file's one module replaces the starter curriculum every new program gets.
    module = TrainingModule.objects.get(program=program)
    assert [s.title for s in module.steps.all()] == ["Why reverse mentoring", "Check"]
    assert module.steps.get(title="Check").questions[0]["answer"] == 0
    survey = Survey.objects.get(cohort__program=program)
    assert survey.trigger == "phase_active" and survey.status == "draft"
    assert [q.text for q in survey.questions.all()] == ["How ready do you feel?"]
    assert "create module Welcome" in first.plan and "turn the training gate on" in first.plan
    assert LearningSettings.objects.get(program=program).readiness_gate is True

    again = program_apply(TRAINING, acting_user=program_manager, write=True)
    assert again.plan == [] and again.changes == {}

    # Reorder the steps, retitle the survey's question, drop the module: one transaction.
    edited = TRAINING.replace("How ready do you feel?", "How ready are you?")
    dry = program_apply(edited, acting_user=program_manager)
    assert any("replace the questions" in line for line in dry.plan)
    assert survey.questions.get().text == "How ready do you feel?"  # a dry run wrote nothing
    program_apply(edited, acting_user=program_manager, write=True)
    assert survey.questions.get().text == "How ready are you?"
    assert program_export(Program.objects.get(pk=program.pk)).count("[[modules.steps]]") == 2
    # A file without [[modules]] leaves the training alone.
    untrained = edited.split("[[modules]]")[0] + "[[cohorts]]" + edited.split("[[cohorts]]")[1]
    assert program_apply(untrained, acting_user=program_manager, write=True).plan == []
    assert TrainingModule.objects.filter(program=program).count() == 1
    # A module left out of a file that lists others: retired once someone started it...
    other = edited.replace('title = "Welcome"', 'title = "Getting going"')
    StepCompletion.objects.create(
        step=module.steps.all()[0], person=make_employee(), completed_at=timezone.now()
    )
    program_apply(other, acting_user=program_manager, write=True)
    module.refresh_from_db()
    assert module.retired_at is not None and module.steps.count() == 2  # progress is kept
    # ... and deleted when nobody had.
    program_apply(edited, acting_user=program_manager, write=True)
    assert not TrainingModule.objects.filter(program=program, title="Getting going").exists()
    module.refresh_from_db()
    assert module.retired_at is None  # the file lists it again: restored


@pytest.mark.parametrize(
    ("old", "new", "key", "cause"),
    [
        ('kind = "content"', 'kind = "video"', "[[modules.steps]]", "step_invalid"),
        ('template = "custom"', 'template = "horoscope"', 'template = "horoscope"', ""),
        ("ends_on = 2028-03-01", "ends_on = 2027-01-01", "[[cohorts]]", "cohort_dates_invalid"),
        ('audience = "both"', 'audience = "everyone"', 'audience = "everyone"', ""),
        ('kind = "likert"', 'kind = "dance"', 'kind = "dance"', ""),
    ],
)
def test_errors_in_modules_and_surveys_name_the_line(program_manager, old, new, key, cause):
    text = TRAINING.replace(old, new, 1)
    with pytest.raises(ProgramFileError) as refused:
        program_apply(text, acting_user=program_manager, write=True)
    lines = text.splitlines()
    assert refused.value.line, refused.value
    found = lines[refused.value.line - 1]
    assert key in found or found.startswith(("ends_on", "kind", "starts_on")), (found, key)
    assert refused.value.code == "program_file_invalid" and refused.value.cause == cause
    assert not Program.objects.exists()


# --- The same through the API ---------------------------------------------------------------


def test_the_api_exports_toml_and_json_to_the_programs_managers(
    client, program_manager, participant
):
    program = program_apply(TRAINING, acting_user=program_manager, write=True).program
    client.force_login(program_manager)
    toml = client.get(f"/api/v1/programs/{program.pk}/file")
    assert toml.status_code == 200 and toml["Content-Type"] == "application/toml"
    assert toml.content.decode() == program_export(program)
    as_json = client.get(f"/api/v1/programs/{program.pk}/file?format=json").json()
    assert as_json["program"]["name"] == "Digital Fluency"
    assert as_json["cohorts"][0]["starts_on"] == "2027-09-01"
    assert as_json["modules"][0]["steps"][1]["questions"][0]["answer"] == 0
    client.force_login(participant)
    assert client.get(f"/api/v1/programs/{program.pk}/file").status_code in (403, 404)


def test_the_api_plans_by_default_and_applies_on_request(client, program_manager):
    client.force_login(program_manager)
    plan = client.post(
        "/api/v1/programs/apply", {"content": TRAINING}, content_type="application/json"
    )
    assert plan.status_code == 200, plan.content
    body = plan.json()
    assert body["applied"] is False and body["created"] is True and body["program_id"] is None
    assert "create survey Kick-off pulse of Autumn 2027" in body["plan"]
    assert not Program.objects.exists()
    done = client.post(
        "/api/v1/programs/apply",
        {"content": TRAINING, "apply": True},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["applied"] is True
    assert Program.objects.get().pk == done.json()["program_id"]
    assert AuditRecord.objects.filter(event="program.applied_from_file").count() == 1
    bad = client.post(
        "/api/v1/programs/apply",
        {"content": TRAINING.replace('kind = "likert"', 'kind = "dance"')},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "program_file_invalid" and bad.json()["params"]["line"] == 42


def test_the_api_needs_the_manage_programs_scope(client, org_admin):
    from turnabout.accounts.services import token_create

    reader = token_create(user=org_admin, name="r", scope="read", acting_user=org_admin).secret
    refused = client.post(
        "/api/v1/programs/apply",
        {"content": TRAINING},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {reader}",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"
    manager = token_create(
        user=org_admin, name="m", scope="manage_programs", acting_user=org_admin
    ).secret
    allowed = client.post(
        "/api/v1/programs/apply",
        {"content": TRAINING},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {manager}",
    )
    assert allowed.status_code == 200 and allowed.json()["plan"]
