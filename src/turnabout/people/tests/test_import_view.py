"""The upload page: org admins only, renders the report, never writes on errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from turnabout.common.models import AuditRecord
from turnabout.people.models import Employee
from turnabout.people.tests.test_importing import people, to_csv

URL = "/people/import/"


pytestmark = (
    pytest.mark.django_db
)  # declared, so pytest-django orders these with the other database tests


def upload(content: bytes, name: str = "people.csv", **data: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **data}


@pytest.fixture
def admin_client(client: Client, org_admin: Any) -> Client:
    client.force_login(org_admin)
    return client


def test_the_url_is_named() -> None:
    assert reverse("people:import") == URL
    assert reverse("people:import_template") == "/people/import/template.csv"


def test_the_page_shows_the_form_and_the_columns(admin_client: Client) -> None:
    response = admin_client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "manager_employee_id" in page
    assert "Dry run (check only)" in page
    assert reverse("people:import_template") in page


def test_an_upload_imports_and_shows_the_counts(admin_client: Client, org_admin: Any) -> None:
    response = admin_client.post(URL, upload(to_csv(people(4))))

    assert response.status_code == 200
    assert response.context["report"].created == 4
    assert "Imported 4 rows: 4 created, 0 updated, 0 unchanged." in response.content.decode()
    assert Employee.objects.filter(employee_id__startswith="P").count() == 4
    assert AuditRecord.objects.filter(event="person.created", actor=org_admin).count() == 4


def test_errors_are_listed_with_row_column_value_and_reason(admin_client: Client) -> None:
    rows = people(4)
    rows[2]["email"] = "bob@"
    before = Employee.objects.count(), AuditRecord.objects.count()

    response = admin_client.post(URL, upload(to_csv(rows)))

    page = response.content.decode()
    assert "found 1 error; nothing was imported" in page
    assert "<td>4</td><td><code>email</code></td><td>bob@</td>" in page
    assert "&#x27;bob@&#x27; is not a valid email address" in page
    assert (Employee.objects.count(), AuditRecord.objects.count()) == before


def test_a_dry_run_counts_without_writing(admin_client: Client) -> None:
    before = Employee.objects.count()

    response = admin_client.post(URL, upload(to_csv(people(3)), dry_run="on"))

    assert response.context["report"].dry_run
    assert "would be created" in response.content.decode()
    assert Employee.objects.count() == before


def test_an_unreadable_file_is_a_form_error(admin_client: Client) -> None:
    response = admin_client.post(URL, upload(b"%PDF-1.4", name="people.pdf"))

    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors["file"] == [
        "Unsupported file type .pdf: upload a CSV (.csv) or Excel (.xlsx) file."
    ]


def test_no_file_is_a_form_error(admin_client: Client) -> None:
    response = admin_client.post(URL, {})

    assert "file" in response.context["form"].errors


@pytest.mark.parametrize("role", ["participant", "program_manager", "sponsor"])
def test_other_roles_get_403(client: Client, role: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403
    assert client.post(URL, upload(to_csv(people(1)))).status_code == 403
    assert client.get(reverse("people:import_template")).status_code == 403
    assert not Employee.objects.filter(employee_id="P0001").exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_template_csv_imports_cleanly(admin_client: Client) -> None:
    response = admin_client.get(reverse("people:import_template"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("employee_id,first_name,last_name,email")
    assert len(lines) == 3
    imported = admin_client.post(URL, upload(response.content))
    assert imported.context["report"].created == 2
