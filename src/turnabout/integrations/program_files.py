"""Programs as code: a program's design in one readable, diff-able TOML file.

    turnabout program export "Digital Fluency" --out program.toml
    turnabout program apply program.toml            # dry run: what would change
    turnabout program apply program.toml --apply    # write it, in one transaction

The file holds the program's design fields (the `[program]` table: name, purpose,
guidelines, cadence, eligibility, matching settings...) and its KPIs (`[[objectives]]`).
Applying goes through the programs services, so it is validated and audited exactly like
the pages and the API; a program with the file's name is updated, else created. Errors name
the file's line. Not covered yet: survey templates and training modules.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tomli_w
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import DomainError, ValidationFailed
from turnabout.common.types import AnyUser
from turnabout.programs import services as programs
from turnabout.programs.models import Objective, Program

FORMAT_VERSION = 1
OBJECTIVE_FIELDS = ("title", "metric", "parameter", "comparison", "target", "unit")


class ProgramFileError(ValidationFailed):
    """The file is not a valid program: `line` says where (1-based; 0 when unknown)."""

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(message, params={"line": line} if line else {})
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def program_export(program: Program) -> str:
    """The program's design as TOML (fields with no value are left out)."""
    design: dict[str, Any] = {}
    for name in programs.PROGRAM_FIELDS:
        value = getattr(program, name)
        if value is None:
            continue
        design[name] = value
    objectives = [
        {
            "title": o.title,
            "metric": o.metric,
            "parameter": o.parameter,
            "comparison": o.comparison,
            "target": format(Decimal(o.target).normalize(), "f"),
            "unit": o.unit,
        }
        for o in program.objectives.order_by("pk")
    ]
    document: dict[str, Any] = {"version": FORMAT_VERSION, "program": design}
    if objectives:
        document["objectives"] = objectives
    header = "# Turnabout program file (apply with `turnabout program apply`).\n"
    return header + tomli_w.dumps(document, multiline_strings=True)


def _line_of(text: str, key: str, *, table: str = "program", index: int = 0) -> int:
    """The 1-based line where `key = ...` sits in `[table]` (or the index-th `[[table]]`)."""
    lines = text.splitlines()
    header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*$")
    seen = -1
    inside = False
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith("["):
            inside = bool(header.match(line))
            if inside:
                seen += 1
            continue
        if inside and seen == index and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return 0


@dataclass
class ApplyResult:
    program: Program
    created: bool
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    applied: bool = False


class _DryRun(Exception):
    def __init__(self, result: ApplyResult) -> None:
        self.result = result


def _parse(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ProgramFileError(str(exc), line=int(match.group(1)) if match else 0) from exc
    unknown = sorted(set(document) - {"version", "program", "objectives"})
    if unknown:
        key = unknown[0]
        raise ProgramFileError(
            _("Unknown section %(key)s.") % {"key": key},
            line=_line_of(text, key, table="") or _header_line(text, key),
        )
    if document.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        raise ProgramFileError(
            _("This file is version %(v)s; this Turnabout reads version %(ok)s.")
            % {"v": document.get("version"), "ok": FORMAT_VERSION},
            line=_line_of(text, "version", table=""),
        )
    design = document.get("program")
    if not isinstance(design, dict) or not design.get("name"):
        raise ProgramFileError(_("The file needs a [program] table with a name."), line=0)
    for key in design:
        if key not in programs.PROGRAM_FIELDS:
            raise ProgramFileError(
                _("Unknown program field %(key)s.") % {"key": key}, line=_line_of(text, key)
            )
    objectives = document.get("objectives", [])
    for index, objective in enumerate(objectives):
        for key in objective:
            if key not in OBJECTIVE_FIELDS:
                raise ProgramFileError(
                    _("Unknown objective field %(key)s.") % {"key": key},
                    line=_line_of(text, key, table="objectives", index=index),
                )
        for key in ("title", "metric", "target", "unit"):
            if key not in objective:
                raise ProgramFileError(
                    _("Objective %(n)d needs a %(key)s.") % {"n": index + 1, "key": key},
                    line=_header_line(text, "objectives", index=index),
                )
    return design, objectives


def _header_line(text: str, table: str, *, index: int = 0) -> int:
    seen = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*$", line):
            seen += 1
            if seen == index:
                return number
    return 0


def program_apply(text: str, *, acting_user: AnyUser, write: bool = False) -> ApplyResult:
    """Validate `text` and apply it in one transaction; without `write` nothing is kept."""
    design, objectives = _parse(text)
    try:
        with transaction.atomic():
            result = _apply(text, design, objectives, acting_user=acting_user)
            if not write:
                raise _DryRun(result)
            audit_record(
                actor=acting_user,
                event="program.applied_from_file",
                target=result.program,
                changes=result.changes,
                message=_("Created from a program file.") if result.created else "",
            )
            result.applied = True
            return result
    except _DryRun as dry:
        return dry.result


def _apply(
    text: str, design: dict[str, Any], objectives: list[dict[str, Any]], *, acting_user: AnyUser
) -> ApplyResult:
    existing = Program.objects.filter(name__iexact=design["name"]).first()
    try:
        if existing is None:
            program = programs.program_create(data=design, acting_user=acting_user)
            result = ApplyResult(program=program, created=True)
        else:
            before = {key: getattr(existing, key) for key in design}
            program = programs.program_update(existing, data=design, acting_user=acting_user)
            program.refresh_from_db()
            changes = {
                key: (before[key], getattr(program, key))
                for key in design
                if before[key] != getattr(program, key)
            }
            result = ApplyResult(program=program, created=False, changes=changes)
    except DomainError as exc:
        # The field the service names, or else the first of the file's fields its message names.
        key = exc.field or next((k for k in design if k in exc.message), "")
        raise ProgramFileError(exc.message, line=_line_of(text, key) if key else 0) from exc
    wanted = [_objective_tuple(o) for o in objectives]
    current = [_objective_tuple(_objective_dict(o)) for o in program.objectives.order_by("pk")]
    if wanted != current:
        for objective in list(program.objectives.all()):
            programs.objective_remove(objective, acting_user=acting_user)
        for index, data in enumerate(objectives):
            try:
                programs.objective_add(
                    program,
                    objective=programs.ObjectiveData(
                        title=str(data["title"]),
                        metric=str(data["metric"]),
                        target=str(data["target"]),
                        unit=str(data["unit"]),
                        comparison=str(data.get("comparison", Objective.Comparison.AT_LEAST)),
                        parameter=str(data.get("parameter", "")),
                    ),
                    acting_user=acting_user,
                )
            except DomainError as exc:
                key = exc.field or "title"
                raise ProgramFileError(
                    exc.message, line=_line_of(text, key, table="objectives", index=index)
                ) from exc
        result.changes["objectives"] = (current, wanted)
    return result


def _objective_dict(objective: Objective) -> dict[str, Any]:
    return {
        "title": objective.title,
        "metric": objective.metric,
        "parameter": objective.parameter,
        "comparison": objective.comparison,
        "target": format(Decimal(objective.target).normalize(), "f"),
        "unit": objective.unit,
    }


def _objective_tuple(data: dict[str, Any]) -> tuple[str, ...]:
    target = format(Decimal(str(data["target"])).normalize(), "f")
    return (
        str(data["title"]),
        str(data["metric"]),
        str(data.get("parameter", "")),
        str(data.get("comparison", Objective.Comparison.AT_LEAST)),
        target,
        str(data["unit"]),
    )
