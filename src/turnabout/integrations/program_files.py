"""Programs as code: a program's design in one readable, diff-able TOML file.

    turnabout program export "Digital Fluency" --out program.toml
    turnabout program apply program.toml            # dry run: what would change
    turnabout program apply program.toml --apply    # write it, in one transaction

The file holds the program's design fields (the `[program]` table: name, purpose,
guidelines, cadence, eligibility, matching settings...), its KPIs (`[[objectives]]`), its
training gate (`[training] readiness_gate`) and training modules with their steps
(`[[modules]]`, `[[modules.steps]]`; the learning app)
and its cohorts' surveys: templates, schedules and questions (`[[cohorts]]`,
`[[cohorts.surveys]]`, `[[cohorts.surveys.questions]]`; the feedback app).

Applying goes through each app's services, so it is validated and audited exactly like
the pages and the API; a program with the file's name is updated, else created. Modules
are matched by title (one left out of the file is deleted if nobody has started it, else
retired so that people's progress stays; a file with no `[[modules]]` at all leaves the
training alone), steps by title within their module (one left out is deleted), cohorts by
name (created in the draft phase; one left out is left alone) and surveys by title within
their cohort (a survey with answers can no longer change its questions). What runs, not
the design, stays out of the file: phases, survey status, applications, pairs, answers,
and steps that hold an uploaded file (kept as they are; a new one is refused).
Errors name the file's line and carry the code of the refusal underneath.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import tomli_w
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import DomainError, ErrorCode, PermissionDenied, ValidationFailed
from turnabout.common.types import AnyUser
from turnabout.feedback import services as feedback
from turnabout.feedback.models import Question, Survey
from turnabout.learning import services as learning
from turnabout.learning.models import (
    Audience,
    LearningSettings,
    Step,
    StepCompletion,
    TrainingModule,
)
from turnabout.programs import services as programs
from turnabout.programs.models import Cohort, Objective, Program

FORMAT_VERSION = 1
SECTIONS = ("version", "program", "training", "objectives", "modules", "cohorts")
TRAINING_FIELDS = ("readiness_gate",)
OBJECTIVE_FIELDS = ("title", "metric", "parameter", "comparison", "target", "unit")
MODULE_FIELDS = ("title", "summary", "audience", "required", "retired", "steps")
STEP_FIELDS = ("title", "kind", "body", "video_url", "questions", "pass_mark")
COHORT_FIELDS = (*programs.COHORT_FIELDS, "surveys")
SURVEY_FIELDS = ("template", *feedback.SURVEY_FIELDS, "questions")
QUESTION_FIELDS = ("kind", "text", "help_text", "required", "options", "key")


class ProgramFileError(ValidationFailed):
    """The file is not a valid program: `line` says where (1-based; 0 when unknown), `cause`
    the code of the refusal underneath (a service's, e.g. `cohort_dates_invalid`)."""

    code = ErrorCode.PROGRAM_FILE_INVALID

    def __init__(self, message: str, *, line: int = 0, cause: str = "") -> None:
        params: dict[str, Any] = {"line": line} if line else {}
        if cause:
            params["cause"] = cause
        super().__init__(message, params=params)
        self.line = line
        self.cause = cause

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def program_document(program: Program) -> dict[str, Any]:
    """The program's design as a document (what the TOML file holds; also the API's JSON)."""
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
    document["training"] = {"readiness_gate": _readiness_gate(program)}
    if objectives:
        document["objectives"] = objectives
    modules = [_module_dict(m) for m in program.training_modules.prefetch_related("steps")]
    if modules:
        document["modules"] = modules
    cohorts = [_cohort_dict(c) for c in program.cohorts.order_by("starts_on", "pk")]
    if cohorts:
        document["cohorts"] = cohorts
    return document


def _readiness_gate(program: Program) -> bool:
    """Whether the program's training gates matching (off until a manager turns it on)."""
    row = LearningSettings.objects.filter(program=program).first()
    return row is not None and row.readiness_gate


def program_export(program: Program) -> str:
    """The program's design as TOML (fields with no value are left out)."""
    header = "# Turnabout program file (apply with `turnabout program apply`).\n"
    return header + tomli_w.dumps(program_document(program), multiline_strings=True)


def _module_dict(module: TrainingModule) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": module.title,
        "summary": module.summary,
        "audience": module.audience,
        "required": module.required,
    }
    if module.retired_at is not None:
        data["retired"] = True
    steps = [_step_dict(step) for step in module.steps.all()]
    if steps:
        data["steps"] = steps
    return data


def _step_dict(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"title": step.title, "kind": step.kind}
    if step.body:
        data["body"] = step.body
    if step.video_url:
        data["video_url"] = step.video_url
    if step.kind == Step.Kind.CHECK:
        data["questions"] = step.questions
        data["pass_mark"] = step.pass_mark
    return data


def _cohort_dict(cohort: Cohort) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(cohort, name)
        for name in programs.COHORT_FIELDS
        if getattr(cohort, name) is not None
    }
    surveys = [
        _survey_dict(survey)
        for survey in cohort.feedback_surveys.order_by("created_at", "pk").prefetch_related(
            "questions"
        )
    ]
    if surveys:
        data["surveys"] = surveys
    return data


def _survey_dict(survey: Survey) -> dict[str, Any]:
    data: dict[str, Any] = {"template": survey.template}
    for name in feedback.SURVEY_FIELDS:
        value = getattr(survey, name)
        if value is not None:
            data[name] = value
    data["questions"] = [_question_dict(q) for q in survey.questions.order_by("position", "pk")]
    return data


def _question_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": question.kind, "text": question.text}
    if question.help_text:
        data["help_text"] = question.help_text
    data["required"] = question.required
    if question.options:
        data["options"] = list(question.options)
    if question.key:
        data["key"] = question.key
    return data


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
    #: What applying does, one line per change ("create module Welcome", ...).
    plan: list[str] = field(default_factory=list)
    applied: bool = False


class _DryRun(Exception):
    def __init__(self, result: ApplyResult) -> None:
        self.result = result


class _Where:
    """Where each table of the parsed file sits: its header and its occurrence in the file,
    so that an error found while applying still names the line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._tables: dict[int, tuple[str, int]] = {}
        self._seen: dict[str, int] = {}

    def add(self, table: dict[str, Any], header: str) -> None:
        index = self._seen.get(header, 0)
        self._seen[header] = index + 1
        self._tables[id(table)] = (header, index)

    def line(self, table: dict[str, Any], key: str = "") -> int:
        header, index = self._tables.get(id(table), ("", 0))
        if not header:
            return 0
        found = _line_of(self.text, key, table=header, index=index) if key else 0
        return found or _header_line(self.text, header, index=index)

    def error(self, table: dict[str, Any], message: str, key: str = "") -> ProgramFileError:
        return ProgramFileError(message, line=self.line(table, key))


@dataclass
class _Document:
    design: dict[str, Any]
    objectives: list[dict[str, Any]]
    modules: list[dict[str, Any]]
    cohorts: list[dict[str, Any]]
    where: _Where
    #: A file without `[[modules]]` leaves the program's training as it is.
    has_modules: bool = False
    #: `[training] readiness_gate`: whether unfinished required training keeps an accepted
    #: applicant out of match runs (None: the file does not say).
    readiness_gate: bool | None = None


def _tables(
    where: _Where, parent: dict[str, Any], key: str, header: str, parent_table: str
) -> list[dict[str, Any]]:
    """`parent[key]`, an array of tables, each registered with its place in the file."""
    items = parent.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ProgramFileError(
            _("%(key)s must be a list of [[%(header)s]] tables.") % {"key": key, "header": header},
            line=_line_of(where.text, key, table=parent_table) or _header_line(where.text, header),
        )
    for item in items:
        where.add(item, header)
    return items


def _check_keys(
    where: _Where,
    table: dict[str, Any],
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    what: str,
) -> None:
    for key in table:
        if key not in allowed:
            raise where.error(
                table, _("Unknown %(what)s field %(key)s.") % {"what": what, "key": key}, key
            )
    for key in required:
        if key not in table or table[key] in ("", None):
            raise where.error(
                table, _("Each %(what)s needs a %(key)s.") % {"what": what, "key": key}
            )


def _check_type(
    where: _Where, table: dict[str, Any], key: str, kind: type | tuple[type, ...]
) -> None:
    value = table.get(key)
    if key in table and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        raise where.error(table, _("%(key)s has the wrong type.") % {"key": key}, key)


def _check_choice(where: _Where, table: dict[str, Any], key: str, choices: list[str]) -> None:
    if key in table and table[key] not in choices:
        raise where.error(
            table,
            _("%(key)s must be one of %(choices)s.") % {"key": key, "choices": ", ".join(choices)},
            key,
        )


def _parse(text: str) -> _Document:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ProgramFileError(str(exc), line=int(match.group(1)) if match else 0) from exc
    unknown = sorted(set(document) - set(SECTIONS))
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
    where = _Where(text)
    objectives = _tables(where, document, "objectives", "objectives", "")
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
    training = document.get("training", {})
    if not isinstance(training, dict):
        raise ProgramFileError(
            _("[training] must be a table."), line=_line_of(text, "training", table="")
        )
    for key in training:
        if key not in TRAINING_FIELDS:
            raise ProgramFileError(
                _("Unknown training field %(key)s.") % {"key": key},
                line=_line_of(text, key, table="training"),
            )
    if "readiness_gate" in training and not isinstance(training["readiness_gate"], bool):
        raise ProgramFileError(
            _("readiness_gate must be true or false."),
            line=_line_of(text, "readiness_gate", table="training"),
        )
    modules = _tables(where, document, "modules", "modules", "")
    for module in modules:
        _check_keys(where, module, MODULE_FIELDS, ("title",), _("module"))
        for key in ("title", "summary"):
            _check_type(where, module, key, str)
        for key in ("required", "retired"):
            _check_type(where, module, key, bool)
        _check_choice(where, module, "audience", list(Audience.values))
        for step in _tables(where, module, "steps", "modules.steps", "modules"):
            _check_keys(where, step, STEP_FIELDS, ("title",), _("step"))
            _check_choice(where, step, "kind", list(Step.Kind.values))
            _check_type(where, step, "pass_mark", int)
            _check_type(where, step, "questions", list)
    cohorts = _tables(where, document, "cohorts", "cohorts", "")
    for cohort in cohorts:
        _check_keys(where, cohort, COHORT_FIELDS, ("name", "starts_on", "ends_on"), _("cohort"))
        for key in programs.COHORT_FIELDS[1:]:
            value = cohort.get(key)
            if key in cohort and (not isinstance(value, date) or isinstance(value, datetime)):
                raise where.error(
                    cohort, _("%(key)s must be a date, e.g. 2026-09-01.") % {"key": key}, key
                )
        for survey in _tables(where, cohort, "surveys", "cohorts.surveys", "cohorts"):
            _check_keys(where, survey, SURVEY_FIELDS, ("title",), _("survey"))
            _check_choice(where, survey, "template", list(Survey.Template.values))
            header = "cohorts.surveys.questions"
            for question in _tables(where, survey, "questions", header, "cohorts.surveys"):
                _check_keys(where, question, QUESTION_FIELDS, ("kind", "text"), _("question"))
                _check_choice(where, question, "kind", list(Question.Kind.values))
                _check_type(where, question, "options", list)
                _check_type(where, question, "required", bool)
    return _Document(
        design,
        objectives,
        modules,
        cohorts,
        where,
        has_modules="modules" in document,
        readiness_gate=training.get("readiness_gate"),
    )


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
    document = _parse(text)
    try:
        with transaction.atomic():
            result = _apply(document, acting_user=acting_user)
            if not write:
                raise _DryRun(result)
            audit_record(
                actor=acting_user,
                event="program.applied_from_file",
                target=result.program,
                changes=result.changes,
                message=_("Created from a program file.")
                if result.created
                else "; ".join(result.plan)[:2000],
            )
            result.applied = True
            return result
    except _DryRun as dry:
        return dry.result


def _refusal(exc: DomainError, line: int) -> ProgramFileError:
    """A service's refusal as a file error at `line`; a permission refusal stays one."""
    if isinstance(exc, PermissionDenied):
        raise exc
    return ProgramFileError(exc.message, line=line, cause=str(exc.code))


def _apply(document: _Document, *, acting_user: AnyUser) -> ApplyResult:
    design, objectives, where = document.design, document.objectives, document.where
    text = where.text
    existing = Program.objects.filter(name__iexact=design["name"]).first()
    try:
        if existing is None:
            program = programs.program_create(data=design, acting_user=acting_user)
            result = ApplyResult(program=program, created=True)
            result.plan.append(_("create program %(name)s") % {"name": program.name})
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
            result.plan.extend(_("change %(field)s") % {"field": key} for key in changes)
    except DomainError as exc:
        # The field the service names, or else the first of the file's fields its message names.
        key = exc.field or next((k for k in design if k in exc.message), "")
        raise _refusal(exc, _line_of(text, key) if key else 0) from exc
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
                raise _refusal(exc, _line_of(text, key, table="objectives", index=index)) from exc
        result.changes["objectives"] = (current, wanted)
        result.plan.append(_("replace the objectives"))
    if document.readiness_gate is not None:
        before_gate = _readiness_gate(program)
        if before_gate != document.readiness_gate:
            learning.readiness_gate_set(
                program, acting_user=acting_user, on=document.readiness_gate
            )
            result.changes["readiness_gate"] = (before_gate, document.readiness_gate)
            result.plan.append(
                _("turn the training gate on")
                if document.readiness_gate
                else _("turn the training gate off")
            )
    if document.has_modules:
        _apply_modules(program, document, result, acting_user=acting_user)
    _apply_cohorts(program, document, result, acting_user=acting_user)
    return result


def _reorder(wanted: list[int], current: Any, move: Any) -> None:
    """Move the rows `wanted` (ids) into that order at the top, one swap at a time."""
    for target, pk in enumerate(wanted):
        at = current().index(pk)
        while at > target:
            move(pk)
            at -= 1


def _apply_modules(
    program: Program, document: _Document, result: ApplyResult, *, acting_user: AnyUser
) -> None:
    where = document.where
    existing = {m.title: m for m in program.training_modules.all()}
    before = [_module_dict(m) for m in program.training_modules.prefetch_related("steps")]
    kept: list[int] = []
    for data in document.modules:
        title = str(data["title"]).strip()
        fields = {
            "title": title,
            "summary": data.get("summary", ""),
            "audience": data.get("audience", Audience.BOTH),
            "required": data.get("required", True),
        }
        module = existing.get(title)
        try:
            if module is None:
                module = learning.module_create(program, acting_user=acting_user, **fields)
                result.plan.append(_("create module %(title)s") % {"title": title})
            elif any(getattr(module, k) != v for k, v in fields.items()):
                module = learning.module_update(module, acting_user=acting_user, data=fields)
                result.plan.append(_("change module %(title)s") % {"title": title})
            retired = bool(data.get("retired", False))
            if retired != (module.retired_at is not None):
                learning.module_retire(module, acting_user=acting_user, retired=retired)
                result.plan.append(
                    (_("retire module %(title)s") if retired else _("restore module %(title)s"))
                    % {"title": title}
                )
        except DomainError as exc:
            raise _refusal(exc, where.line(data, exc.field or "title")) from exc
        kept.append(module.pk)
        _apply_steps(module, data.get("steps", []), where, result, acting_user=acting_user)
    for title, module in existing.items():
        if module.pk in kept:
            continue
        if not StepCompletion.objects.filter(step__module=module).exists():
            learning.module_delete(module, acting_user=acting_user)
            result.plan.append(_("delete module %(title)s (not in the file)") % {"title": title})
        elif module.retired_at is None:
            learning.module_retire(module, acting_user=acting_user, retired=True)
            result.plan.append(_("retire module %(title)s (not in the file)") % {"title": title})
    _reorder(
        kept,
        lambda: list(program.training_modules.values_list("pk", flat=True)),
        lambda pk: learning.module_move(
            TrainingModule.objects.get(pk=pk), acting_user=acting_user, direction=-1
        ),
    )
    after = [_module_dict(m) for m in program.training_modules.prefetch_related("steps")]
    if after != before:
        result.changes["modules"] = (
            [m["title"] for m in before],
            [m["title"] for m in after],
        )


def _apply_steps(
    module: TrainingModule,
    steps: list[dict[str, Any]],
    where: _Where,
    result: ApplyResult,
    *,
    acting_user: AnyUser,
) -> None:
    existing = {s.title: s for s in module.steps.all()}
    kept: list[int] = []
    for data in steps:
        title = str(data["title"]).strip()
        fields: dict[str, Any] = {
            "title": title,
            "kind": data.get("kind", Step.Kind.CONTENT),
            "body": data.get("body", ""),
            "video_url": data.get("video_url", ""),
            "questions": data.get("questions", []),
            "pass_mark": data.get("pass_mark", 80),
        }
        step = existing.get(title)
        try:
            if step is None:
                step = learning.step_create(module, acting_user=acting_user, data=fields)
                result.plan.append(
                    _("create step %(step)s of %(module)s") % {"step": title, "module": module}
                )
            elif _step_dict(step) != _step_dict(Step(**fields)):
                step = learning.step_update(step, acting_user=acting_user, data=fields)
                result.plan.append(
                    _("change step %(step)s of %(module)s") % {"step": title, "module": module}
                )
        except DomainError as exc:
            raise _refusal(exc, where.line(data, exc.field or "title")) from exc
        kept.append(step.pk)
    for title, step in existing.items():
        if step.pk not in kept:
            learning.step_delete(step, acting_user=acting_user)
            result.plan.append(
                _("delete step %(step)s of %(module)s") % {"step": title, "module": module}
            )
    _reorder(
        kept,
        lambda: list(module.steps.values_list("pk", flat=True)),
        lambda pk: learning.step_move(
            Step.objects.get(pk=pk), acting_user=acting_user, direction=-1
        ),
    )


def _apply_cohorts(
    program: Program, document: _Document, result: ApplyResult, *, acting_user: AnyUser
) -> None:
    where = document.where
    for data in document.cohorts:
        name = str(data["name"]).strip()
        fields = {key: data.get(key) for key in programs.COHORT_FIELDS}
        fields["name"] = name
        cohort = program.cohorts.filter(name__iexact=name).first()
        try:
            if cohort is None:
                cohort = programs.cohort_create(
                    program,
                    name=name,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    applications_open_on=fields["applications_open_on"],
                    applications_close_on=fields["applications_close_on"],
                    acting_user=acting_user,
                )
                result.plan.append(_("create cohort %(name)s") % {"name": name})
            else:
                changed = {k: v for k, v in fields.items() if getattr(cohort, k) != v}
                if changed:
                    cohort = programs.cohort_update(cohort, data=changed, acting_user=acting_user)
                    result.plan.append(_("change cohort %(name)s") % {"name": name})
        except DomainError as exc:
            raise _refusal(exc, where.line(data, exc.field or "starts_on")) from exc
        for survey in data.get("surveys", []):
            _apply_survey(cohort, survey, where, result, acting_user=acting_user)


def _apply_survey(
    cohort: Cohort,
    data: dict[str, Any],
    where: _Where,
    result: ApplyResult,
    *,
    acting_user: AnyUser,
) -> None:
    title = str(data["title"]).strip()
    template = data.get("template", Survey.Template.CUSTOM)
    survey = cohort.feedback_surveys.filter(title=title).first()
    label = {"survey": title, "cohort": cohort.name}
    try:
        if survey is None:
            survey = feedback.survey_create(
                cohort, template=template, title=title, acting_user=acting_user
            )
            result.plan.append(_("create survey %(survey)s of %(cohort)s") % label)
        settings_ = {k: data[k] for k in feedback.SURVEY_FIELDS if k in data and k != "title"}
        changed = {k: v for k, v in settings_.items() if getattr(survey, k) != v}
        if changed:
            survey = feedback.survey_update(survey, data=changed, acting_user=acting_user)
            result.plan.append(_("change survey %(survey)s of %(cohort)s") % label)
    except DomainError as exc:
        raise _refusal(exc, where.line(data, exc.field or "title")) from exc
    if "questions" not in data:
        return
    wanted = [_question_dict(_question_of(q)) for q in data["questions"]]
    current = [_question_dict(q) for q in survey.questions.order_by("position", "pk")]
    if wanted == current:
        return
    table = data
    try:
        for question in list(survey.questions.all()):
            feedback.question_delete(question, acting_user=acting_user)
        for question_data in data["questions"]:
            table = question_data
            question = _question_of(question_data)
            feedback.question_add(
                survey,
                kind=question.kind,
                text=question.text,
                help_text=question.help_text,
                required=question.required,
                options=list(question.options),
                key=question.key,
                acting_user=acting_user,
            )
    except DomainError as exc:
        raise _refusal(exc, where.line(table, exc.field or "text")) from exc
    result.plan.append(_("replace the questions of survey %(survey)s of %(cohort)s") % label)
    result.changes.setdefault("surveys", ([], []))[1].append(f"{cohort.name}: {title}")


def _question_of(data: dict[str, Any]) -> Question:
    return Question(
        kind=str(data["kind"]),
        text=str(data["text"]).strip(),
        help_text=str(data.get("help_text", "")).strip(),
        required=bool(data.get("required", True)),
        options=[str(o) for o in data.get("options", [])],
        key=str(data.get("key", "")),
    )


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
