"""Programs as code: export, then apply, reproduces the program; errors name the line."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from turnabout.common.models import AuditRecord
from turnabout.integrations.program_files import (
    ProgramFileError,
    program_apply,
    program_export,
)
from turnabout.programs.models import Program

pytestmark = pytest.mark.django_db


def test_export_then_apply_on_a_fresh_database_reproduces_the_demo_program(tmp_path: Path):
    call_command("demo", stdout=StringIO())  # the demo organisation, as `turnabout demo`
    [program] = Program.objects.filter(objectives__isnull=False).distinct()[:1]
    out = tmp_path / "program.toml"
    call_command("program", "export", program.name, "--out", str(out), stdout=StringIO())
    exported = out.read_text()
    assert f'name = "{program.name}"' in exported and "[[objectives]]" in exported

    # A fresh database: the program (and everything hanging off it) is gone.
    Program.objects.all().delete()
    dry = StringIO()
    call_command("program", "apply", str(out), stdout=dry)  # as the first org admin
    assert "Would create" in dry.getvalue() and not Program.objects.exists()
    call_command("program", "apply", str(out), "--apply", stdout=StringIO())
    applied = Program.objects.get()
    assert program_export(applied) == exported
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
