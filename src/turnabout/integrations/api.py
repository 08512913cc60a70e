"""Programs as code through the API: export a program's file, check it, apply it.

The same file and rules as `turnabout program export|apply` (integrations/program_files.py):
export is for the program's managers; apply runs as the caller (a new program needs the
right to create one, an existing one the right to manage it), a dry run unless `apply` is
true, in one transaction, audited. A token needs the `manage_programs` scope for both.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import AfterValidator, Field

from turnabout.common.schemas import ERRORS, NO_NUL_PATTERN
from turnabout.integrations.program_files import (
    ApplyResult,
    program_apply,
    program_document,
    program_export,
)
from turnabout.programs import selectors

router = Router(tags=["programs as code"])

#: A program file is text a person reads; a megabyte is far past any real program.
FILE_MAX_CHARS = 1_000_000


class FileFormat(StrEnum):
    TOML = "toml"
    JSON = "json"


class ExportQuery(Schema):
    format: FileFormat = FileFormat.TOML


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


#: The file as written: not stripped (its line numbers are what errors name), no NUL.
FileText = Annotated[
    str,
    AfterValidator(_no_nul),
    Field(max_length=FILE_MAX_CHARS, json_schema_extra={"pattern": NO_NUL_PATTERN}),
]


class ApplyIn(Schema):
    content: FileText
    apply: bool = False


class ApplyOut(Schema):
    program_id: int | None
    program: str
    created: bool
    applied: bool
    plan: list[str]
    changes: dict[str, Any]


@router.get(
    "/programs/{program_id}/file",
    response={200: dict[str, Any], **ERRORS},
    summary="Export a program file",
    openapi_extra={
        "responses": {200: {"content": {"application/toml": {"schema": {"type": "string"}}}}}
    },
)
def export_program(
    request: HttpRequest, program_id: int, query: Query[ExportQuery]
) -> HttpResponse | dict[str, Any]:
    """The program's design as TOML (`format=toml`, the default, as `application/toml`) or
    as the same document in JSON (`format=json`); for the program's managers."""
    program = selectors.program_get_for_manager(user=request.user, program_id=program_id)
    if query.format == FileFormat.JSON:
        document: dict[str, Any] = _jsonable(program_document(program))
        return document
    response = HttpResponse(program_export(program), content_type="application/toml")
    response["Content-Disposition"] = f'inline; filename="program-{program.pk}.toml"'
    return response


@router.post(
    "/programs/apply",
    response={200: ApplyOut, **ERRORS},
    summary="Check or apply a program file",
)
def apply_program(request: HttpRequest, payload: ApplyIn) -> ApplyOut:
    """A dry run by default: the plan of what would change, nothing written. With
    `"apply": true` the file is written in one transaction and audited. A file that does not
    validate is refused with 422 `program_file_invalid` and `params.line`."""
    result = program_apply(payload.content, acting_user=request.user, write=payload.apply)
    return _out(result)


def _out(result: ApplyResult) -> ApplyOut:
    return ApplyOut(
        # A program the dry run would create does not exist: it has no id yet.
        program_id=None if result.created and not result.applied else result.program.pk,
        program=result.program.name,
        created=result.created,
        applied=result.applied,
        plan=[str(line) for line in result.plan],
        changes=_jsonable(result.changes),
    )


def _jsonable(value: Any) -> Any:
    """Dates as ISO text and tuples as lists: the JSON form of a program document."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
