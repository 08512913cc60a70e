from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "employee_id,first_name,last_name,email,level,manager_employee_id,timezone\n"


def test_admin_uploads_a_file_sees_every_bad_row_then_imports_the_fixed_file(
    page: Page, live_server, org_admin, tmp_path, screenshot
):
    from turnabout.people.models import Employee

    bad = tmp_path / "people.csv"
    bad.write_text(
        HEADER
        + "X1,Ada,King,ada@example.com,9,,Europe/London\n"
        + "X2,Bo,Lin,bo@,2,X1,Europe/London\n"
        + "X3,Cy,Moss,cy@example.com,2,X9,Mars/Olympus\n"
    )
    before = Employee.objects.count()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(org_admin.username)
    page.get_by_label("Password").fill("correct-horse-42")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/people/import/")
    page.get_by_label("HR export").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    errors = page.locator("table").first.locator("tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.filter(has_text="Mars/Olympus")).to_have_count(1)
    screenshot("import-errors")
    assert Employee.objects.count() == before

    good = tmp_path / "people-fixed.csv"
    good.write_text(
        HEADER
        + "X1,Ada,King,ada@example.com,9,,Europe/London\n"
        + "X2,Bo,Lin,bo@example.com,2,X1,Europe/London\n"
        + "X3,Cy,Moss,cy@example.com,2,X1,Europe/Berlin\n"
    )
    page.get_by_label("HR export").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status").filter(has_text=re.compile("3"))).to_be_visible()
    screenshot("import-done")
    assert Employee.objects.count() == before + 3
