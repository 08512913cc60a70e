"""Writes of the learning app: curriculum, steps, completions, the gate, acknowledgements,
the resource library and conversation guides. Permission first, then rules, then audit."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from importlib import resources as package_files
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import (
    Conflict,
    ErrorCode,
    PermissionDenied,
    ValidationFailed,
    require,
)
from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application
from turnabout.learning import permissions
from turnabout.learning.audit import LearningEvent
from turnabout.learning.models import (
    Audience,
    ConversationGuide,
    GuidelinesAcknowledgement,
    LearningSettings,
    ReadinessReminder,
    Resource,
    Step,
    StepCompletion,
    StoredFile,
    TrainingModule,
)
from turnabout.learning.readiness import cohort_readiness
from turnabout.learning.tasks import send_readiness_reminder as send_readiness_reminder_task
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase, Program

_NOT_MANAGER = "Only this program's managers can change its training and library."


def _manager(user: AnyUser, program: Program) -> None:
    require(permissions.can_manage_learning(user, program), _(_NOT_MANAGER))


def _next_position(qs: Any) -> int:
    return int(qs.aggregate(m=Max("position"))["m"] or 0) + 1


def _url(value: str, *, field_name: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                _("Give the link as a full web address (https://…)."),
                code=ErrorCode.STEP_INVALID,
                field=field_name,
            ) from exc
    return value


def _tags(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        tag = " ".join(str(raw).split()).lower()[: Resource.TAG_MAX]
        if tag and tag not in out:
            out.append(tag)
    if len(out) > Resource.TAGS_MAX:
        raise ValidationFailed(
            _("At most %(n)d tags.") % {"n": Resource.TAGS_MAX},
            field="tags",
            params={"max": Resource.TAGS_MAX},
        )
    return out


def _person(user: AnyUser) -> Employee:
    person = Employee.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    if person is None:
        raise PermissionDenied(
            _("Only participants take training."), code=ErrorCode.NOT_A_PARTICIPANT
        )
    return person


# --- Files --------------------------------------------------------------------------------


def file_store(upload: UploadedFile[bytes]) -> StoredFile:
    """Keep an upload in the database (called inside a service's transaction)."""
    size = int(upload.size or 0)
    if size > StoredFile.MAX_BYTES:
        raise ValidationFailed(
            _("The file is too large (at most %(mb)d MB).")
            % {"mb": StoredFile.MAX_BYTES // (1024 * 1024)},
            code=ErrorCode.FILE_TOO_LARGE,
            params={"max_bytes": StoredFile.MAX_BYTES},
            field="file",
        )
    name = (upload.name or "file").rsplit("/", 1)[-1][: StoredFile.NAME_MAX]
    return StoredFile.objects.create(
        name=name,
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=size,
        data=upload.read(),
    )


# --- Curriculum ---------------------------------------------------------------------------


def starter_curriculum() -> list[dict[str, Any]]:
    text = package_files.files("turnabout.learning").joinpath("data/starter_curriculum.toml")
    modules: list[dict[str, Any]] = tomllib.loads(text.read_text("utf-8"))["modules"]
    return modules


@transaction.atomic
def curriculum_install_starter(program: Program, *, acting_user: AnyUser | None) -> int:
    """Add the starter curriculum's modules the program does not have yet (by key).

    Called for every new program (acting_user None: the system) and by a manager's button.
    Returns the number of modules added.
    """
    if acting_user is not None:
        _manager(acting_user, program)
    have = set(TrainingModule.objects.filter(program=program).values_list("starter_key", "title"))
    keys = {k for k, _t in have}
    titles = {t for _k, t in have}
    start = _next_position(TrainingModule.objects.filter(program=program))
    new_modules: list[TrainingModule] = []
    steps_of: list[list[dict[str, Any]]] = []
    for n, data in enumerate(starter_curriculum()):
        if data["key"] in keys or data["title"] in titles:
            continue
        new_modules.append(
            TrainingModule(
                program=program,
                title=data["title"],
                summary=data.get("summary", ""),
                audience=data["audience"],
                required=data.get("required", True),
                position=start + n,
                starter_key=data["key"],
            )
        )
        steps_of.append(data.get("steps", []))
    if not new_modules:
        return 0
    TrainingModule.objects.bulk_create(new_modules)
    steps = [
        Step(
            module=module,
            title=s["title"],
            kind=s["kind"],
            body=s.get("body", "").strip(),
            video_url=s.get("video_url", ""),
            questions=s.get("questions", []),
            pass_mark=s.get("pass_mark", 80),
            position=i + 1,
        )
        for module, step_list in zip(new_modules, steps_of, strict=True)
        for i, s in enumerate(step_list)
    ]
    Step.objects.bulk_create(steps)
    if acting_user is not None:
        audit_record(
            actor=acting_user,
            event=LearningEvent.CURRICULUM_INSTALLED,
            target=program,
            changes={"modules": (0, len(new_modules))},
        )
    return len(new_modules)


@transaction.atomic
def module_create(
    program: Program,
    *,
    acting_user: AnyUser,
    title: str,
    summary: str = "",
    audience: str = Audience.BOTH,
    required: bool = True,
) -> TrainingModule:
    _manager(acting_user, program)
    title = title.strip()
    if TrainingModule.objects.filter(program=program, title=title).exists():
        raise Conflict(_("This program already has a module with that title."), field="title")
    module = TrainingModule.objects.create(
        program=program,
        title=title,
        summary=summary,
        audience=audience,
        required=required,
        position=_next_position(TrainingModule.objects.filter(program=program)),
    )
    audit_record(actor=acting_user, event=LearningEvent.MODULE_CREATED, target=module)
    return module


@transaction.atomic
def module_update(
    module: TrainingModule, *, acting_user: AnyUser, data: Mapping[str, Any]
) -> TrainingModule:
    _manager(acting_user, module.program)
    changes = {}
    for name in ("title", "summary", "audience", "required"):
        if name in data and data[name] != getattr(module, name):
            changes[name] = (getattr(module, name), data[name])
            setattr(module, name, data[name])
    if "title" in changes and (
        TrainingModule.objects.filter(program=module.program_id, title=module.title)
        .exclude(pk=module.pk)
        .exists()
    ):
        raise Conflict(_("This program already has a module with that title."), field="title")
    if changes:
        module.save()
        audit_record(
            actor=acting_user, event=LearningEvent.MODULE_UPDATED, target=module, changes=changes
        )
    return module


@transaction.atomic
def module_retire(
    module: TrainingModule, *, acting_user: AnyUser, retired: bool = True
) -> TrainingModule:
    """Retire (hide from participants, no longer required) or restore a module."""
    _manager(acting_user, module.program)
    old = module.retired_at
    module.retired_at = timezone.now() if retired else None
    module.save(update_fields=["retired_at", "updated_at"])
    audit_record(
        actor=acting_user,
        event=LearningEvent.MODULE_RETIRED,
        target=module,
        changes={"retired_at": (old, module.retired_at)},
    )
    return module


@transaction.atomic
def module_delete(module: TrainingModule, *, acting_user: AnyUser) -> None:
    """Delete a module nobody has started (a program file that leaves it out); a module
    with progress is retired instead (`module_retire`), so the progress stays."""
    _manager(acting_user, module.program)
    if StepCompletion.objects.filter(step__module=module).exists():
        raise Conflict(
            _("People have started this module: retire it instead."),
            code=ErrorCode.MODULE_HAS_PROGRESS,
        )
    audit_record(
        actor=acting_user,
        event=LearningEvent.MODULE_DELETED,
        target=module,
        changes={"title": (module.title, None)},
    )
    module.delete()


def _move(obj: Any, siblings: Any, direction: int) -> None:
    """Swap `obj` with its neighbour (direction -1: up, +1: down), renumbering siblings."""
    items = list(siblings.order_by("position", "pk"))
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = index + direction
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def module_move(module: TrainingModule, *, acting_user: AnyUser, direction: int) -> None:
    _manager(acting_user, module.program)
    _move(module, TrainingModule.objects.filter(program=module.program_id), direction)


def _check_questions(questions: Any) -> list[dict[str, Any]]:
    if not isinstance(questions, list) or not questions:
        raise ValidationFailed(
            _("A check needs at least one question."),
            code=ErrorCode.STEP_INVALID,
            field="questions",
        )
    if len(questions) > Step.QUESTIONS_MAX:
        raise ValidationFailed(
            _("At most %(n)d questions.") % {"n": Step.QUESTIONS_MAX},
            code=ErrorCode.STEP_INVALID,
            field="questions",
        )
    out = []
    for q in questions:
        text = str(q.get("text", "")).strip() if isinstance(q, Mapping) else ""
        options = (
            [str(o).strip() for o in (q.get("options") or []) if str(o).strip()]
            if isinstance(q, Mapping)
            else []
        )
        answer = q.get("answer") if isinstance(q, Mapping) else None
        if (
            not text
            or not 2 <= len(options) <= Step.OPTIONS_MAX
            or not isinstance(answer, int)
            or not 0 <= answer < len(options)
        ):
            raise ValidationFailed(
                _("Each question needs a text, two to %(n)d options and the right one marked.")
                % {"n": Step.OPTIONS_MAX},
                code=ErrorCode.STEP_INVALID,
                field="questions",
            )
        out.append({"text": text, "options": options, "answer": answer})
    return out


def _validate_step(step: Step) -> None:
    step.video_url = _url(step.video_url, field_name="video_url")
    if step.kind == Step.Kind.VIDEO and not step.video_url:
        raise ValidationFailed(
            _("A video step needs a video link."), code=ErrorCode.STEP_INVALID, field="video_url"
        )
    if step.kind == Step.Kind.FILE and step.file_id is None:
        raise ValidationFailed(
            _("A download step needs a file."), code=ErrorCode.STEP_INVALID, field="file"
        )
    if step.kind == Step.Kind.CHECK:
        step.questions = _check_questions(step.questions)
    else:
        step.questions = []
    if not 1 <= int(step.pass_mark) <= 100:
        raise ValidationFailed(
            _("The pass mark is a percentage from 1 to 100."),
            code=ErrorCode.STEP_INVALID,
            field="pass_mark",
        )


@transaction.atomic
def step_create(
    module: TrainingModule,
    *,
    acting_user: AnyUser,
    data: Mapping[str, Any],
    upload: UploadedFile[bytes] | None = None,
) -> Step:
    _manager(acting_user, module.program)
    step = Step(
        module=module,
        title=str(data.get("title", "")).strip(),
        kind=data.get("kind", Step.Kind.CONTENT),
        body=data.get("body", ""),
        video_url=data.get("video_url", ""),
        questions=data.get("questions") or [],
        pass_mark=data.get("pass_mark") or 80,
        position=_next_position(Step.objects.filter(module=module)),
    )
    if upload is not None:
        step.file = file_store(upload)
    _validate_step(step)
    step.save()
    audit_record(actor=acting_user, event=LearningEvent.STEP_CREATED, target=step)
    return step


@transaction.atomic
def step_update(
    step: Step,
    *,
    acting_user: AnyUser,
    data: Mapping[str, Any],
    upload: UploadedFile[bytes] | None = None,
) -> Step:
    _manager(acting_user, step.module.program)
    changes = {}
    for name in ("title", "kind", "body", "video_url", "questions", "pass_mark"):
        if name in data and data[name] is not None and data[name] != getattr(step, name):
            changes[name] = (getattr(step, name), data[name])
            setattr(step, name, data[name])
    if upload is not None:
        step.file = file_store(upload)
        changes["file"] = (None, step.file.name)
    _validate_step(step)
    step.save()
    audit_record(actor=acting_user, event=LearningEvent.STEP_UPDATED, target=step, changes=changes)
    return step


@transaction.atomic
def step_delete(step: Step, *, acting_user: AnyUser) -> None:
    _manager(acting_user, step.module.program)
    audit_record(actor=acting_user, event=LearningEvent.STEP_DELETED, target=step)
    step.delete()


@transaction.atomic
def step_move(step: Step, *, acting_user: AnyUser, direction: int) -> None:
    _manager(acting_user, step.module.program)
    _move(step, Step.objects.filter(module=step.module_id), direction)


@dataclass(frozen=True)
class StepResult:
    completion: StepCompletion | None
    score: int | None = None
    passed: bool = True
    wrong: list[int] = field(default_factory=list)


def _score(step: Step, answers: Sequence[int] | None) -> tuple[int, list[int]]:
    questions = step.questions or []
    if answers is None or len(answers) != len(questions):
        raise ValidationFailed(
            _("Answer every question of the check."),
            code=ErrorCode.CHECK_ANSWERS_INVALID,
            params={"questions": len(questions)},
            field="answers",
        )
    wrong = [i for i, (q, a) in enumerate(zip(questions, answers, strict=True)) if q["answer"] != a]
    right = len(questions) - len(wrong)
    return round(100 * right / len(questions)), wrong


@transaction.atomic
def step_complete(
    step: Step,
    *,
    acting_user: AnyUser,
    answers: Sequence[int] | None = None,
    acknowledged: bool = False,
    now: datetime | None = None,
) -> StepResult:
    """Record that the acting participant completed `step` (idempotent).

    A check is scored against its pass mark; below it nothing is recorded and the error
    carries the score (`check_not_passed`). An acknowledgement needs `acknowledged`.
    """
    person = _person(acting_user)
    module = step.module
    roles = permissions.participant_roles(acting_user, module.program)
    if not roles:
        raise PermissionDenied(
            _("Only participants of this program take its training."),
            code=ErrorCode.NOT_A_PARTICIPANT,
        )
    if module.audience not in permissions.audiences_of(roles):
        raise PermissionDenied(
            _("This module is for %(audience)s.") % {"audience": module.get_audience_display()},
            code=ErrorCode.MODULE_NOT_FOR_ROLE,
        )
    if module.retired_at is not None:
        raise Conflict(_("This module has been retired."), code=ErrorCode.MODULE_RETIRED)
    existing = StepCompletion.objects.filter(step=step, person=person).first()
    if existing is not None:
        return StepResult(completion=existing, score=existing.score)
    score: int | None = None
    if step.kind == Step.Kind.CHECK:
        score, wrong = _score(step, answers)
        if score < step.pass_mark:
            raise ValidationFailed(
                _(
                    "%(score)d%% right: the pass mark is %(mark)d%%. "
                    "Read the module again and retry."
                )
                % {"score": score, "mark": step.pass_mark},
                code=ErrorCode.CHECK_NOT_PASSED,
                params={"score": score, "pass_mark": step.pass_mark, "wrong": wrong},
                field="answers",
            )
    if step.kind == Step.Kind.ACKNOWLEDGE and not acknowledged:
        raise ValidationFailed(
            _("Tick the box to acknowledge."), code=ErrorCode.STEP_INVALID, field="acknowledged"
        )
    try:
        with transaction.atomic():
            completion = StepCompletion.objects.create(
                step=step, person=person, completed_at=now or timezone.now(), score=score
            )
    except IntegrityError:  # a double click: the first one recorded it
        completion = StepCompletion.objects.get(step=step, person=person)
        return StepResult(completion=completion, score=completion.score)
    audit_record(
        actor=acting_user,
        event=LearningEvent.STEP_COMPLETED,
        target=step,
        changes={"score": (None, score)} if score is not None else {},
    )
    return StepResult(completion=completion, score=score)


@transaction.atomic
def readiness_gate_set(program: Program, *, acting_user: AnyUser, on: bool) -> LearningSettings:
    _manager(acting_user, program)
    settings_row, _created = LearningSettings.objects.select_for_update().get_or_create(
        program=program
    )
    old = settings_row.readiness_gate
    if old != on:
        settings_row.readiness_gate = on
        settings_row.save(update_fields=["readiness_gate"])
        audit_record(
            actor=acting_user,
            event=LearningEvent.GATE_CHANGED,
            target=program,
            changes={"readiness_gate": (old, on)},
        )
    return settings_row


# --- Guidelines ---------------------------------------------------------------------------


@transaction.atomic
def guidelines_acknowledge(
    cohort: Cohort, *, acting_user: AnyUser, now: datetime | None = None
) -> GuidelinesAcknowledgement:
    """The acting accepted participant acknowledges the guidelines (once per cohort)."""
    person = _person(acting_user)
    app = (
        Application.objects.filter(person=person, cohort=cohort, status=Application.Status.ACCEPTED)
        .order_by("pk")
        .first()
    )
    if app is None:
        raise PermissionDenied(
            _("Only accepted participants of this cohort acknowledge its guidelines."),
            code=ErrorCode.NOT_AN_ACCEPTED_PARTICIPANT,
        )
    ack, created = GuidelinesAcknowledgement.objects.get_or_create(
        cohort=cohort,
        person=person,
        defaults={"role": app.role, "acknowledged_at": now or timezone.now()},
    )
    if created:
        audit_record(actor=acting_user, event=LearningEvent.GUIDELINES_ACKNOWLEDGED, target=cohort)
    return ack


# --- Resource library ---------------------------------------------------------------------


def _validate_resource(resource: Resource) -> None:
    resource.url = _url(resource.url, field_name="url")
    if resource.kind == Resource.Kind.LINK and not resource.url:
        raise ValidationFailed(_("A link needs its web address."), field="url")
    if resource.kind == Resource.Kind.FILE and resource.file_id is None:
        raise ValidationFailed(_("Upload the file."), code=ErrorCode.STEP_INVALID, field="file")
    resource.tags = _tags(resource.tags)


@transaction.atomic
def resource_create(
    program: Program,
    *,
    acting_user: AnyUser,
    data: Mapping[str, Any],
    upload: UploadedFile[bytes] | None = None,
) -> Resource:
    _manager(acting_user, program)
    resource = Resource(
        program=program,
        title=str(data.get("title", "")).strip(),
        kind=data.get("kind", Resource.Kind.ARTICLE),
        summary=data.get("summary", ""),
        body=data.get("body", ""),
        url=data.get("url", ""),
        tags=list(data.get("tags") or []),
        audience=data.get("audience", Audience.BOTH),
        position=_next_position(Resource.objects.filter(program=program)),
    )
    if upload is not None:
        resource.file = file_store(upload)
    _validate_resource(resource)
    resource.save()
    audit_record(actor=acting_user, event=LearningEvent.RESOURCE_CREATED, target=resource)
    return resource


@transaction.atomic
def resource_update(
    resource: Resource,
    *,
    acting_user: AnyUser,
    data: Mapping[str, Any],
    upload: UploadedFile[bytes] | None = None,
) -> Resource:
    _manager(acting_user, resource.program)
    changes = {}
    for name in ("title", "kind", "summary", "body", "url", "tags", "audience"):
        if name in data and data[name] is not None and data[name] != getattr(resource, name):
            changes[name] = (getattr(resource, name), data[name])
            setattr(resource, name, data[name])
    if upload is not None:
        resource.file = file_store(upload)
        changes["file"] = (None, resource.file.name)
    _validate_resource(resource)
    resource.save()
    audit_record(
        actor=acting_user, event=LearningEvent.RESOURCE_UPDATED, target=resource, changes=changes
    )
    return resource


@transaction.atomic
def resource_retire(resource: Resource, *, acting_user: AnyUser, retired: bool = True) -> Resource:
    _manager(acting_user, resource.program)
    old = resource.retired_at
    resource.retired_at = timezone.now() if retired else None
    resource.save(update_fields=["retired_at", "updated_at"])
    audit_record(
        actor=acting_user,
        event=LearningEvent.RESOURCE_RETIRED,
        target=resource,
        changes={"retired_at": (old, resource.retired_at)},
    )
    return resource


@transaction.atomic
def resource_move(resource: Resource, *, acting_user: AnyUser, direction: int) -> None:
    _manager(acting_user, resource.program)
    _move(resource, Resource.objects.filter(program=resource.program_id), direction)


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    return [" ".join(str(v).split()) for v in value or [] if str(v).strip()]


@transaction.atomic
def guide_create(
    program: Program, *, acting_user: AnyUser, data: Mapping[str, Any]
) -> ConversationGuide:
    _manager(acting_user, program)
    title = str(data.get("title", "")).strip()
    if ConversationGuide.objects.filter(program=program, title=title).exists():
        raise Conflict(_("This program already has a guide with that title."), field="title")
    guide = ConversationGuide.objects.create(
        program=program,
        title=title,
        stage=data.get("stage", ConversationGuide.Stage.ANY),
        summary=data.get("summary", ""),
        agenda=_lines(data.get("agenda")),
        questions=_lines(data.get("questions")),
        tags=_tags(data.get("tags") or []),
        audience=data.get("audience", Audience.BOTH),
        position=_next_position(ConversationGuide.objects.filter(program=program)),
    )
    audit_record(actor=acting_user, event=LearningEvent.GUIDE_CREATED, target=guide)
    return guide


@transaction.atomic
def guide_update(
    guide: ConversationGuide, *, acting_user: AnyUser, data: Mapping[str, Any]
) -> ConversationGuide:
    _manager(acting_user, guide.program)
    clean = dict(data)
    for name in ("agenda", "questions"):
        if name in clean:
            clean[name] = _lines(clean[name])
    if "tags" in clean:
        clean["tags"] = _tags(clean["tags"] or [])
    changes = {}
    for name in ("title", "stage", "summary", "agenda", "questions", "tags", "audience"):
        if name in clean and clean[name] is not None and clean[name] != getattr(guide, name):
            changes[name] = (getattr(guide, name), clean[name])
            setattr(guide, name, clean[name])
    if "title" in changes and (
        ConversationGuide.objects.filter(program=guide.program_id, title=guide.title)
        .exclude(pk=guide.pk)
        .exists()
    ):
        raise Conflict(_("This program already has a guide with that title."), field="title")
    guide.save()
    audit_record(
        actor=acting_user, event=LearningEvent.GUIDE_UPDATED, target=guide, changes=changes
    )
    return guide


@transaction.atomic
def guide_retire(
    guide: ConversationGuide, *, acting_user: AnyUser, retired: bool = True
) -> ConversationGuide:
    """A retired guide is no longer offered when scheduling; past sessions keep it."""
    _manager(acting_user, guide.program)
    old = guide.retired_at
    guide.retired_at = timezone.now() if retired else None
    guide.save(update_fields=["retired_at", "updated_at"])
    audit_record(
        actor=acting_user,
        event=LearningEvent.GUIDE_RETIRED,
        target=guide,
        changes={"retired_at": (old, guide.retired_at)},
    )
    return guide


@transaction.atomic
def guide_move(guide: ConversationGuide, *, acting_user: AnyUser, direction: int) -> None:
    _manager(acting_user, guide.program)
    _move(guide, ConversationGuide.objects.filter(program=guide.program_id), direction)


# --- The tick: reminders to those not ready -------------------------------------------------

# Cohorts in which training still matters before (re-)matching.
GATE_PHASES = (Phase.APPLICATIONS_OPEN, Phase.APPLICATIONS_CLOSED, Phase.MATCHING)


def readiness_reminders_run(*, now: datetime | None = None, notify: bool = True) -> list[int]:
    """Remind each accepted, not-ready participant of a gated cohort, once per ISO week.

    Idempotent and safe to run concurrently: the unique (cohort, person, week) row decides
    who sends. Returns the ids of the reminders created.
    """
    now = now or timezone.now()
    year, week, _day = now.isocalendar()
    period = f"{year}-W{week:02d}"
    created: list[int] = []
    cohorts = Cohort.objects.filter(
        phase__in=GATE_PHASES, program__learning_settings__readiness_gate=True
    ).select_related("program")
    for cohort in cohorts:
        states = cohort_readiness(cohort)
        waiting = [pk for pk, state in states.items() if not state.ready]
        if not waiting:
            continue
        people = set(Application.objects.filter(pk__in=waiting).values_list("person_id", flat=True))
        done = set(
            ReadinessReminder.objects.filter(
                cohort=cohort, period=period, person_id__in=people
            ).values_list("person_id", flat=True)
        )
        for person_id in sorted(people - done):
            try:
                with transaction.atomic():
                    reminder = ReadinessReminder.objects.create(
                        cohort=cohort, person_id=person_id, period=period, created_at=now
                    )
                    if notify:
                        transaction.on_commit(
                            partial(send_readiness_reminder_task.enqueue, reminder.pk)
                        )
            except IntegrityError:
                continue
            created.append(reminder.pk)
    if created:
        audit_record(
            actor=None,
            event=LearningEvent.READINESS_REMINDERS,
            changes={"reminders": (0, len(created))},
        )
    return created


def readiness_reminder_mark_sent(reminder_id: int) -> None:
    ReadinessReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
