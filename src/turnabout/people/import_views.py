"""The upload page of the HRIS import and its template CSV. The work is in `importing`."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from turnabout.accounts import permissions
from turnabout.common.pages import attempt
from turnabout.people import importing
from turnabout.people.forms import ImportForm

# The page lists the first errors only; the command line prints all of them.
MAX_ERRORS_SHOWN = 500

COLUMN_HELP: tuple[tuple[str, bool, Promise], ...] = (
    ("employee_id", True, _("The HR system's id, at most 64 characters. The import key.")),
    ("first_name", True, _("Text.")),
    ("last_name", True, _("Text.")),
    ("email", True, _("A valid address, unique across all employees.")),
    ("title", False, _("Job title.")),
    ("department", False, _("Text.")),
    ("location", False, _("Office or city.")),
    ("timezone", False, _("IANA name such as Europe/London; empty means UTC.")),
    ("level", True, _("Job grade, a whole number from 1 to 99; higher is more senior.")),
    ("manager_employee_id", False, _("Employee id of the manager, in the file or already here.")),
    ("hire_date", False, _("YYYY-MM-DD.")),
    ("status", False, _("active, leave or terminated; empty means active.")),
    ("termination_date", False, _("YYYY-MM-DD; required when the status is terminated.")),
    ("languages", False, _("Separated by semicolons, e.g. English;French.")),
    ("ergs", False, _("Resource groups, separated by semicolons; new ones are created.")),
)

TEMPLATE_ROWS: tuple[tuple[str, ...], ...] = (
    (
        "E1001",
        "Grace",
        "Hopper",
        "grace.hopper@example.com",
        "VP Engineering",
        "Engineering",
        "New York",
        "America/New_York",
        "10",
        "",
        "2015-03-02",
        "active",
        "",
        "English;Spanish",
        "Women in Tech",
    ),
    (
        "E1002",
        "Alan",
        "Turing",
        "alan.turing@example.com",
        "Software Engineer",
        "Engineering",
        "London",
        "Europe/London",
        "3",
        "E1001",
        "2023-09-18",
        "active",
        "",
        "English",
        "Pride Network",
    ),
)


def people_import(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import_people(request.user):
        raise PermissionDenied
    report: importing.ImportReport | None = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        imported = attempt(
            request,
            lambda: importing.people_import(
                content=upload.read(),
                filename=upload.name or "",
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            ),
            form=form,
        )
        report = imported.value if imported.ok else None
    errors = report.errors if report is not None else []
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "report": report,
            "errors_shown": errors[:MAX_ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "columns": COLUMN_HELP,
        },
    )


def people_import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the header row and two example people, to fill in or compare with."""
    if not permissions.can_import_people(request.user):
        raise PermissionDenied
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(importing.COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="turnabout-people-template.csv"'
    return response
