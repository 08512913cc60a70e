"""`turnabout import people FILE`: prints the summary, or every error and exits non-zero."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from turnabout.cli import main as turnabout_main
from turnabout.common.audit import AuditEvent
from turnabout.common.models import AuditRecord
from turnabout.people.models import Employee
from turnabout.people.tests.test_importing import people, to_csv


def write(tmp_path: Path, content: bytes, name: str = "people.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def import_people(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_a_good_file_imports_and_prints_the_summary(tmp_path: Path) -> None:
    out, err = import_people(write(tmp_path, to_csv(people(5))))

    assert out.strip() == "Imported 5 rows: 5 created, 0 updated, 0 unchanged."
    assert err == ""
    assert Employee.objects.count() == 5
    assert AuditRecord.objects.filter(event=AuditEvent.PERSON_CREATED).first().actor_label == (  # type: ignore[union-attr]
        "system"
    )


@pytest.mark.django_db
def test_errors_are_printed_one_per_line_and_the_command_fails(tmp_path: Path) -> None:
    rows = people(12)
    rows[10]["email"] = "bob@"
    rows[3]["level"] = "high"
    err = StringIO()

    with pytest.raises(CommandError, match="found 2 errors; nothing was imported"):
        call_command("import_people", write(tmp_path, to_csv(rows)), stderr=err)

    assert err.getvalue().splitlines() == [
        "row 5, column level: 'high' is not a whole number",
        "row 12, column email: 'bob@' is not a valid email address",
    ]
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    out, _err = import_people(write(tmp_path, to_csv(people(3))), "--dry-run")

    assert out.startswith("Dry run: checked 3 rows without errors")
    assert Employee.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_as_records_an_org_admin_as_the_actor(tmp_path: Path, org_admin: Any) -> None:
    import_people(write(tmp_path, to_csv(people(2))), "--as", org_admin.email.upper())

    assert {record.actor for record in AuditRecord.objects.filter(event="person.created")} == {
        org_admin
    }


def test_as_refuses_an_account_that_is_not_an_org_admin(tmp_path: Path, participant: Any) -> None:
    with pytest.raises(CommandError, match="is not an organisation admin"):
        import_people(write(tmp_path, to_csv(people(2))), "--as", participant.email)


@pytest.mark.django_db
def test_as_refuses_an_unknown_account(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"No active account has the email nobody@example\.com"):
        import_people(write(tmp_path, to_csv(people(2))), "--as", "nobody@example.com")


@pytest.mark.django_db
def test_a_missing_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv: No such file"):
        import_people(str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_a_file_without_required_columns_fails_naming_them(tmp_path: Path) -> None:
    content = b"employee_id,first_name,email\r\nE1,A,a@example.com\r\n"

    with pytest.raises(CommandError, match="columns last_name, level are missing"):
        import_people(write(tmp_path, content))


def test_the_turnabout_command_maps_import_people(monkeypatch: pytest.MonkeyPatch) -> None:
    # execute_from_command_line closes the database connections, so only the mapping is run.
    calls: list[list[str]] = []
    monkeypatch.setattr("turnabout.cli._manage", calls.append)

    assert turnabout_main(["import", "people", "hr.xlsx", "--dry-run"]) == 0

    assert calls == [["import_people", "hr.xlsx", "--dry-run"]]
