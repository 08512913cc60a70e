"""People endpoints: list with filters, detail, and the HR import."""

from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.errors import ErrorCode, ValidationFailed
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.people import selectors
from turnabout.people.importing import ImportReport, people_import
from turnabout.people.models import Employee

router = Router(tags=["people"])

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class EmployeeOut(Schema):
    id: int
    employee_id: str
    first_name: str
    last_name: str
    email: str
    title: str
    department: str
    location: str
    timezone: str
    level: int
    manager_employee_id: str | None
    hire_date: date | None
    status: str
    termination_date: date | None
    languages: list[str]

    @staticmethod
    def resolve_manager_employee_id(obj: Employee) -> str | None:
        return obj.manager.employee_id if obj.manager is not None else None


class EmployeeDetailOut(EmployeeOut):
    """Resource-group memberships are never shown per person (docs/privacy.md)."""

    has_account: bool

    @staticmethod
    def resolve_has_account(obj: Employee) -> bool:
        return obj.user_id is not None


SEARCH_MAX = 100
Level = Annotated[int, Field(ge=Employee.LEVEL_MIN, le=Employee.LEVEL_MAX)]


class PeopleQuery(Schema):
    q: Annotated[Text, Field(max_length=SEARCH_MAX)] = ""
    department: Annotated[Text, Field(max_length=Employee.DEPARTMENT_MAX)] = ""
    location: Annotated[Text, Field(max_length=Employee.LOCATION_MAX)] = ""
    status: Employee.Status | Literal[""] = ""
    level_min: Level | None = None
    level_max: Level | None = None
    manager_employee_id: Annotated[Text, Field(max_length=Employee.EMPLOYEE_ID_MAX)] = ""


class RowErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class ImportReportOut(Schema):
    total_rows: int
    created: int
    updated: int
    unchanged: int
    accounts_deactivated: int
    tokens_revoked: int
    mentorships_ended: int
    reinvite_needed: int
    dry_run: bool
    ok: bool
    summary: str
    errors: list[RowErrorOut]


class ImportFailedOut(ErrorOut):
    """422: either the rows failed (`report` lists every error) or the request was malformed."""

    report: ImportReportOut | None = None


def _report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        total_rows=report.total_rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        accounts_deactivated=report.accounts_deactivated,
        tokens_revoked=report.tokens_revoked,
        mentorships_ended=report.mentorships_ended,
        reinvite_needed=report.reinvite_needed,
        dry_run=report.dry_run,
        ok=report.ok,
        summary=report.summary(),
        errors=[RowErrorOut(**vars(error)) for error in report.errors],
    )


@router.get("", response={200: list[EmployeeOut], **ERRORS}, summary="List people")
@paginate(BoundedPageNumberPagination)
def list_people(request: HttpRequest, filters: Query[PeopleQuery]) -> object:
    """People from the HR system, filtered; org admins and program managers only."""
    return selectors.people_list(
        user=request.user,
        filters={k: v for k, v in filters.model_dump().items() if v not in ("", None)},
    )


@router.get("/{int:person_id}", response={200: EmployeeDetailOut, **ERRORS}, summary="One person")
def get_person(request: HttpRequest, person_id: int) -> Employee:
    return selectors.person_get(user=request.user, employee_pk=person_id)


@router.post(
    "/import",
    response={
        200: ImportReportOut,
        422: ImportFailedOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
    },
    summary="Import people from a CSV or XLSX HR export",
)
def import_people(
    request: HttpRequest, file: File[UploadedFile], dry_run: Query[bool] = False
) -> Status[ImportReportOut | ImportFailedOut]:
    """Checks every row first; writes nothing when any row fails (422 with every error)."""
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20},
            code=ErrorCode.FILE_TOO_LARGE,
            params={"max_bytes": MAX_UPLOAD_BYTES},
        )
    report = people_import(
        content=file.read(),
        filename=file.name or "upload",
        acting_user=request.user,
        dry_run=dry_run,
    )
    out = _report_out(report)
    if not report.ok:
        return Status(
            422, ImportFailedOut(code=ErrorCode.IMPORT_FAILED, message=report.summary(), report=out)
        )
    return Status(200, out)
