"""The people import service: every rule, all-or-nothing, idempotent, audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pytest

from turnabout.common.audit import AuditEvent
from turnabout.common.errors import PermissionDenied
from turnabout.common.models import AuditRecord
from turnabout.people.importing import (
    COLUMNS,
    ImportFileError,
    ImportReport,
    RowError,
    people_import,
)
from turnabout.people.models import Employee, ResourceGroup

# --------------------------------------------------------------------------------------
# Building HR exports (the command and view tests import these too)


def person(n: int, **overrides: Any) -> dict[str, Any]:
    """Row n of a small company: P0001 is the CEO, everyone else reports up a tree of fives."""
    row: dict[str, Any] = {
        "employee_id": f"P{n:04d}",
        "first_name": f"Ada{n}",
        "last_name": f"Lovelace{n}",
        "email": f"ada{n}@example.com",
        "title": "Engineer",
        "department": "Engineering",
        "location": "London",
        "timezone": "Europe/London",
        "level": 3 if n > 1 else 9,
        "manager_employee_id": "" if n == 1 else f"P{(n - 2) // 5 + 1:04d}",
        "hire_date": "2020-01-15",
        "status": "active",
        "termination_date": "",
        "languages": "English;French",
        "ergs": "Pride Network" if n % 3 == 0 else "",
    }
    row.update(overrides)
    return row


def people(count: int) -> list[dict[str, Any]]:
    return [person(n) for n in range(1, count + 1)]


def to_csv(
    rows: Iterable[Mapping[str, Any]],
    *,
    columns: Iterable[str] = COLUMNS,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    header = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def run(content: bytes, *, filename: str = "people.csv", **kwargs: Any) -> ImportReport:
    kwargs.setdefault("acting_user", None)
    return people_import(content=content, filename=filename, **kwargs)


def where(report: ImportReport) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in report.errors]


def counts() -> tuple[int, int]:
    return Employee.objects.count(), AuditRecord.objects.count()


# --------------------------------------------------------------------------------------
# The acceptance story


@pytest.mark.django_db
def test_three_bad_rows_of_a_hundred_are_all_reported_and_nothing_is_written() -> None:
    rows = people(100)
    rows[9]["email"] = "bob@"  # spreadsheet row 11
    rows[39]["level"] = "senior"  # row 41
    rows[76]["manager_employee_id"] = "P9999"  # row 78
    before = counts()

    report = run(to_csv(rows))

    assert not report.ok
    assert report.errors == [
        RowError(11, "email", "bob@", "'bob@' is not a valid email address"),
        RowError(41, "level", "senior", "'senior' is not a whole number"),
        RowError(
            78,
            "manager_employee_id",
            "P9999",
            "manager 'P9999' is neither in the file nor already in Turnabout",
        ),
    ]
    assert (report.created, report.updated, report.changed) == (0, 0, 0)
    assert report.summary() == "Checked 100 rows and found 3 errors; nothing was imported."
    assert counts() == before


@pytest.mark.django_db
def test_the_corrected_file_imports_a_hundred_people_and_again_changes_nothing() -> None:
    content = to_csv(people(100))

    first = run(content)
    assert first.ok
    assert (first.total_rows, first.created, first.updated, first.unchanged) == (100, 100, 0, 0)
    assert Employee.objects.count() == 100
    assert first.summary() == "Imported 100 rows: 100 created, 0 updated, 0 unchanged."
    audit_after_first = AuditRecord.objects.count()
    assert AuditRecord.objects.filter(event=AuditEvent.PERSON_CREATED).count() == 100
    assert AuditRecord.objects.filter(event=AuditEvent.PEOPLE_IMPORTED).count() == 1

    second = run(content)
    assert second.ok
    assert (second.created, second.updated, second.unchanged, second.changed) == (0, 0, 100, 0)
    assert AuditRecord.objects.count() == audit_after_first


@pytest.mark.django_db
def test_imported_values_are_stored_as_given() -> None:
    run(to_csv(people(7)))

    ceo = Employee.objects.get(employee_id="P0001")
    six = Employee.objects.get(employee_id="P0006")
    assert six.manager == ceo
    assert (six.email, six.level, six.timezone) == ("ada6@example.com", 3, "Europe/London")
    assert six.hire_date == date(2020, 1, 15)
    assert six.languages == ["English", "French"]
    assert [group.name for group in six.resource_groups.all()] == ["Pride Network"]
    assert ResourceGroup.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_title_is_one_update_audited_with_old_and_new_value_and_actor(
    org_admin: Any,
) -> None:
    rows = people(10)
    run(to_csv(rows))
    rows[4]["title"] = "Staff Engineer"

    report = run(to_csv(rows), acting_user=org_admin)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 9)
    record = AuditRecord.objects.get(event=AuditEvent.PERSON_UPDATED)
    assert record.changes == {"title": ["Engineer", "Staff Engineer"]}
    assert record.actor == org_admin
    assert record.target_id == str(Employee.objects.get(employee_id="P0005").pk)
    summary = AuditRecord.objects.filter(event=AuditEvent.PEOPLE_IMPORTED).first()
    assert summary is not None
    assert summary.actor == org_admin
    assert summary.changes["updated"] == [None, 1]
    assert Employee.objects.get(employee_id="P0005").title == "Staff Engineer"


@pytest.mark.django_db
def test_a_later_export_updates_managers_groups_and_dates() -> None:
    rows = people(10)
    run(to_csv(rows))
    rows[8].update(manager_employee_id="P0001", ergs="Women in Tech; pride network")
    rows[9].update(status="terminated", termination_date="2024-06-30")

    report = run(to_csv(rows))

    assert report.updated == 2
    nine = Employee.objects.get(employee_id="P0009")
    assert nine.manager is not None
    assert nine.manager.employee_id == "P0001"
    # An existing group keeps its spelling; a new one is created.
    assert sorted(g.name for g in nine.resource_groups.all()) == ["Pride Network", "Women in Tech"]
    changes = AuditRecord.objects.get(target_id=str(nine.pk), event="person.updated").changes
    assert changes == {
        "manager": ["P0002", "P0001"],
        "resource_groups": [["Pride Network"], ["Pride Network", "Women in Tech"]],
    }
    ten = Employee.objects.get(employee_id="P0010")
    assert (ten.status, ten.termination_date) == ("terminated", date(2024, 6, 30))
    assert run(to_csv(rows)).changed == 0


@pytest.mark.django_db
def test_managers_may_appear_after_their_reports() -> None:
    rows = list(reversed(people(12)))

    report = run(to_csv(rows))

    assert report.ok, report.errors
    assert Employee.objects.get(employee_id="P0012").manager.employee_id == "P0003"  # type: ignore[union-attr]
    assert Employee.objects.get(employee_id="P0001").manager is None


@pytest.mark.django_db
def test_a_very_deep_reporting_line_is_linked_completely() -> None:
    chain = [person(n, manager_employee_id=f"P{n - 1:04d}" if n > 1 else "") for n in range(1, 41)]

    assert run(to_csv(reversed(chain))).created == 40

    managers = dict(Employee.objects.values_list("employee_id", "manager__employee_id"))
    assert managers == {row["employee_id"]: row["manager_employee_id"] or None for row in chain}
    assert run(to_csv(chain)).changed == 0


@pytest.mark.django_db
def test_a_manager_may_already_be_in_the_database(make_employee: Callable[..., Any]) -> None:
    boss = make_employee(employee_id="BOSS")

    run(to_csv([person(2, manager_employee_id="BOSS")]))

    assert Employee.objects.get(employee_id="P0002").manager == boss


@pytest.mark.django_db
def test_people_absent_from_the_file_are_left_alone(make_employee: Callable[..., Any]) -> None:
    absent = make_employee(employee_id="OLD1", status="active")

    run(to_csv(people(3)))

    absent.refresh_from_db()
    assert absent.status == "active"
    assert Employee.objects.count() == 4


@pytest.mark.django_db
def test_absent_optional_columns_keep_existing_values() -> None:
    run(to_csv(people(3)))
    columns = ["employee_id", "first_name", "last_name", "email", "level"]
    rows = [person(n, level=4) for n in range(1, 4)]

    report = run(to_csv(rows, columns=columns))

    assert report.updated == 3
    employee = Employee.objects.get(employee_id="P0003")
    assert (employee.level, employee.title, employee.manager.employee_id) == (  # type: ignore[union-attr]
        4,
        "Engineer",
        "P0001",
    )
    assert [g.name for g in employee.resource_groups.all()] == ["Pride Network"]


@pytest.mark.django_db
def test_two_people_may_swap_emails() -> None:
    rows = people(2)
    run(to_csv(rows))
    rows[0]["email"], rows[1]["email"] = rows[1]["email"], rows[0]["email"]

    report = run(to_csv(rows))

    assert report.ok, report.errors
    assert report.updated == 2
    assert Employee.objects.get(employee_id="P0001").email == "ada2@example.com"


@pytest.mark.django_db
def test_an_existing_person_may_get_a_new_manager_who_is_new_and_take_over_an_email() -> None:
    rows = people(3)
    run(to_csv(rows))
    rows[2].update(manager_employee_id="P0099", email="ada99@example.com")
    rows.append(person(99, email="ada3@example.com", manager_employee_id="P0001"))

    report = run(to_csv(rows))

    assert (report.created, report.updated, report.unchanged) == (1, 1, 2)
    three = Employee.objects.get(employee_id="P0003")
    assert three.manager == Employee.objects.get(employee_id="P0099", email="ada3@example.com")
    assert three.email == "ada99@example.com"


@pytest.mark.django_db
def test_empty_optional_cells_take_defaults() -> None:
    row = person(1, timezone="", status="", languages=" ; ", ergs="", hire_date="")

    run(to_csv([row]))

    employee = Employee.objects.get()
    assert (employee.timezone, employee.status, employee.languages) == ("UTC", "active", [])
    assert employee.hire_date is None


def test_lists_are_stripped_and_deduplicated(db: None) -> None:
    run(to_csv([person(1, languages=" English ;french;English;;French ", ergs="A; a ;B")]))

    employee = Employee.objects.get()
    assert employee.languages == ["English", "french"]
    assert sorted(g.name for g in employee.resource_groups.all()) == ["A", "B"]


# --------------------------------------------------------------------------------------
# Every kind of row error, with its row and column


@pytest.mark.parametrize(
    ("overrides", "column", "reason"),
    [
        ({"email": "bob@"}, "email", "'bob@' is not a valid email address"),
        ({"email": ""}, "email", "a value is required"),
        ({"employee_id": ""}, "employee_id", "a value is required"),
        ({"employee_id": "X" * 65}, "employee_id", "is too long: 65 characters, at most 64"),
        ({"first_name": ""}, "first_name", "a value is required"),
        ({"last_name": "L" * 151}, "last_name", "is too long: 151 characters, at most 150"),
        ({"title": "Boss\x00"}, "title", "contains a NUL character"),
        (
            {"timezone": "Mars/Olympus"},
            "timezone",
            "'Mars/Olympus' is not a known time zone; use an IANA name such as Europe/London",
        ),
        ({"level": "3.5"}, "level", "'3.5' is not a whole number"),
        ({"level": ""}, "level", "a level is required"),
        ({"level": "0"}, "level", "level 0 is out of range: use 1 to 99"),
        ({"level": "100"}, "level", "level 100 is out of range: use 1 to 99"),
        (
            {"hire_date": "15/01/2020"},
            "hire_date",
            "'15/01/2020' is not a date in the form YYYY-MM-DD",
        ),
        (
            {"hire_date": "2020-02-30"},
            "hire_date",
            "'2020-02-30' is not a date in the form YYYY-MM-DD",
        ),
        (
            {"status": "retired"},
            "status",
            "'retired' is not a status; use active, leave or terminated",
        ),
        (
            {"status": "terminated"},
            "termination_date",
            "a terminated employee needs a termination date",
        ),
        (
            {"termination_date": "2019-12-31"},
            "termination_date",
            "termination date 2019-12-31 is before the hire date 2020-01-15",
        ),
        (
            {"manager_employee_id": "P0002"},
            "manager_employee_id",
            "an employee cannot be their own manager",
        ),
        (
            {"manager_employee_id": "NOBODY"},
            "manager_employee_id",
            "manager 'NOBODY' is neither in the file nor already in Turnabout",
        ),
        (
            {"ergs": "Women in Tech;" + "E" * 121},
            "ergs",
            f"'{'E' * 20}…' is too long: at most 120 characters per item",
        ),
    ],
)
@pytest.mark.django_db
def test_each_row_error_names_row_column_and_reason(
    overrides: dict[str, Any], column: str, reason: str
) -> None:
    rows = people(3)
    rows[1].update(overrides)  # spreadsheet row 3

    report = run(to_csv(rows))

    assert [(e.row, e.column, e.reason) for e in report.errors] == [(3, column, reason)]
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_a_row_with_several_problems_reports_each() -> None:
    rows = people(2)
    rows[1].update(email="nope", level="x", timezone="Nowhere")

    report = run(to_csv(rows))

    assert where(report) == [(3, "email"), (3, "timezone"), (3, "level")]


@pytest.mark.django_db
def test_duplicate_employee_ids_and_emails_in_the_file_are_reported_on_the_later_row() -> None:
    rows = [*people(3), person(2, email="other@example.com"), person(4, email="ADA1@example.com")]

    report = run(to_csv(rows))

    assert report.errors == [
        RowError(5, "employee_id", "P0002", "employee id 'P0002' also appears on row 3"),
        RowError(6, "email", "ADA1@example.com", "'ADA1@example.com' is also the email on row 2"),
    ]


@pytest.mark.django_db
def test_an_email_of_another_existing_employee_is_rejected(
    make_employee: Callable[..., Any],
) -> None:
    make_employee(employee_id="X1", email="Taken@Example.com")

    report = run(to_csv([person(1, email="taken@example.com")]))

    assert report.errors == [
        RowError(
            2,
            "email",
            "taken@example.com",
            "'taken@example.com' already belongs to employee X1",
        )
    ]


@pytest.mark.django_db
def test_a_manager_cycle_in_the_file_reports_every_row_of_it() -> None:
    rows = [
        person(1, manager_employee_id="P0003"),
        person(2, manager_employee_id="P0001"),
        person(3, manager_employee_id="P0002"),
        person(4, manager_employee_id="P0001"),  # reports into the cycle, not part of it
    ]

    report = run(to_csv(rows))

    assert where(report) == [
        (2, "manager_employee_id"),
        (3, "manager_employee_id"),
        (4, "manager_employee_id"),
    ]
    assert report.errors[0].reason == "manager cycle: P0001 → P0003 → P0002 → P0001"
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_a_manager_cycle_through_the_database_is_reported(
    make_employee: Callable[..., Any],
) -> None:
    top = make_employee(employee_id="TOP")
    make_employee(employee_id="MID", manager=top)
    # The file makes TOP report to someone who reports to MID, who reports to TOP.
    rows = [
        person(1, employee_id="TOP", manager_employee_id="NEW"),
        person(2, employee_id="NEW", manager_employee_id="MID"),
    ]

    report = run(to_csv(rows))

    assert where(report) == [(2, "manager_employee_id"), (3, "manager_employee_id")]
    assert report.errors[0].reason == "manager cycle: TOP → NEW → MID → TOP"
    assert Employee.objects.get(employee_id="TOP").manager is None


@pytest.mark.django_db
def test_terminated_needs_a_date_even_when_the_column_is_absent(
    make_employee: Callable[..., Any],
) -> None:
    make_employee(employee_id="P0001")
    columns = ["employee_id", "first_name", "last_name", "email", "level", "status"]

    report = run(to_csv([person(1, status="terminated")], columns=columns))

    assert report.errors == [
        RowError(2, "termination_date", "", "a terminated employee needs a termination date")
    ]


# --------------------------------------------------------------------------------------
# File formats


@pytest.mark.django_db
def test_csv_with_bom_semicolons_and_loose_header_names() -> None:
    rows = people(3)
    header = [column.replace("_", " ").upper() for column in COLUMNS]
    body = to_csv(rows, delimiter=";", bom=True).split(b"\r\n", 1)[1]
    content = "\ufeff".encode() + ";".join(header).encode() + b"\r\n" + body

    report = run(content)

    assert report.ok, report.errors
    assert report.created == 3
    assert Employee.objects.get(employee_id="P0003").languages == ["English", "French"]


@pytest.mark.django_db
def test_tab_separated_with_extra_columns_ignored() -> None:
    columns = ["Cost Centre", *COLUMNS, "notes"]
    rows = [dict(row, **{"Cost Centre": "CC1", "notes": "x"}) for row in people(2)]

    report = run(to_csv(rows, columns=columns, delimiter="\t"), filename="export.txt")

    assert report.created == 2


@pytest.mark.django_db
def test_xlsx_round_trip_with_real_dates_and_numbers() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for n in range(1, 6):
        # An XLSX date cell comes back as a naive datetime: the import must accept it.
        hired = datetime(2021, 3, n)  # noqa: DTZ001
        row = person(n, hire_date=hired, employee_id=1000 + n, level=float(2 + n))
        row["manager_employee_id"] = "" if n == 1 else 1001
        sheet.append([row[column] or None for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = run(buffer.getvalue(), filename="people.xlsx")

    assert report.ok, report.errors
    assert report.created == 5
    employee = Employee.objects.get(employee_id="1003")
    assert (employee.hire_date, employee.level) == (date(2021, 3, 3), 5)
    assert employee.manager.employee_id == "1001"  # type: ignore[union-attr]
    assert run(buffer.getvalue(), filename="people.xlsx").changed == 0


@pytest.mark.django_db
def test_xlsx_errors_name_the_spreadsheet_row() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append([person(1)[column] for column in COLUMNS])
    sheet.append([person(2, level=2.5)[column] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = run(buffer.getvalue(), filename="people.xlsx")

    assert report.errors == [RowError(3, "level", "2.5", "'2.5' is not a whole number")]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"\r\n\r\n", "people.csv", "The file is empty."),
        (
            b"employee_id,first_name,last_name,email,level\r\n",
            "people.csv",
            "The file has a header row but no people in it.",
        ),
        (
            b"employee_id,first_name,email\r\n1,A,a@example.com\r\n",
            "people.csv",
            "The required columns last_name, level are missing from the header row.",
        ),
        (
            b"employee_id,first_name,last_name,email,level,Level\r\n",
            "people.csv",
            "The column level appears more than once in the header.",
        ),
        (
            b"employee_id,first_name,last_name,email,level\r\n1,Zo\xeb,B,z@example.com,3\r\n",
            "people.csv",
            "Row 2 contains characters that are not UTF-8. Save the file as 'CSV UTF-8' "
            "and try again.",
        ),
        (b"PK\x03\x04 not really a zip", "people.xlsx", "The file is not a valid Excel"),
        (b"hello", "people.xlsx", "The file ends in .xlsx but is not a valid Excel workbook."),
        (b"\xd0\xcf\x11\xe0rest", "people.xls", "This is an old Excel .xls file."),
        (b"%PDF-1.4", "people.pdf", "Unsupported file type .pdf"),
    ],
)
def test_whole_file_problems_raise_import_file_error(
    db: None, content: bytes, filename: str, message: str
) -> None:
    with pytest.raises(ImportFileError) as raised:
        run(content, filename=filename)
    assert raised.value.message.startswith(message)


def test_a_file_over_the_size_limit_is_refused(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("turnabout.people.importing.read.MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="too big"):
        run(to_csv(people(5)))


def test_too_many_rows_are_refused(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("turnabout.people.importing.read.MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="at most 3 rows"):
        run(to_csv(people(4)))


# --------------------------------------------------------------------------------------
# Dry run, permissions, queries


@pytest.mark.django_db
def test_a_dry_run_counts_but_writes_nothing() -> None:
    rows = people(4)
    run(to_csv(rows[:2]))
    rows[0]["title"] = "CEO"
    before = counts()

    report = run(to_csv(rows), dry_run=True)

    assert (report.created, report.updated, report.unchanged, report.dry_run) == (2, 1, 1, True)
    assert report.summary().startswith("Dry run:")
    assert counts() == before
    assert Employee.objects.get(employee_id="P0001").title == "Engineer"


def test_a_participant_may_not_import(participant: Any) -> None:
    with pytest.raises(PermissionDenied):
        run(to_csv(people(1)), acting_user=participant)


def test_a_program_manager_may_not_import(program_manager: Any) -> None:
    with pytest.raises(PermissionDenied):
        run(to_csv(people(1)), acting_user=program_manager)


def test_an_org_admin_and_the_system_may_import(org_admin: Any) -> None:
    assert run(to_csv(people(1)), acting_user=org_admin).created == 1
    assert run(to_csv(people(2)), acting_user=None).created == 1
    created = AuditRecord.objects.filter(event=AuditEvent.PERSON_CREATED).order_by("id")
    assert [record.actor_label for record in created] == [org_admin.get_username(), "system"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_number_of_rows(
    django_assert_max_num_queries: Any,
) -> None:
    content = to_csv(people(300))
    run(content)
    with django_assert_max_num_queries(8):
        assert run(content).changed == 0


# --------------------------------------------------------------------------------------
# Property: cycles are found exactly


@pytest.mark.django_db
def test_exactly_the_rows_on_a_reporting_loop_are_reported() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.integers(min_value=-1, max_value=11), min_size=1, max_size=12))
    def check(managers: list[int]) -> None:
        size = len(managers)
        parent = {n: m for n, m in enumerate(managers) if 0 <= m < size and m != n}

        def on_loop(node: int) -> bool:
            current = parent.get(node)
            for _ in range(size):
                if current is None:
                    return False
                if current == node:
                    return True
                current = parent.get(current)
            return False

        rows = [
            person(n + 1, manager_employee_id=f"P{parent[n] + 1:04d}" if n in parent else "")
            for n in range(size)
        ]
        report = run(to_csv(rows), dry_run=True)

        assert {error.row for error in report.errors} == {n + 2 for n in range(size) if on_loop(n)}
        assert all(error.reason.startswith("manager cycle: ") for error in report.errors)

    check()
