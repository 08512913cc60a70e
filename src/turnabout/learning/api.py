"""Learning endpoints: modules and progress, step completion, acknowledgements, resources.

Same rules as the pages: the selectors scope every read, the services decide every write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from turnabout.common.errors import PermissionDenied
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.learning import permissions, readiness, selectors, services
from turnabout.learning.markdown import render_markdown
from turnabout.learning.models import ConversationGuide, Resource, Step

router = Router(tags=["learning"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class QuizQuestionOut(Schema):
    text: str
    options: list[str]


class StepOut(Schema):
    id: int
    position: int
    title: str
    kind: str
    body: str
    body_html: str
    video_url: str
    file_url: str | None
    questions: list[QuizQuestionOut]
    pass_mark: int
    done: bool


class ModuleOut(Schema):
    id: int
    program_id: int
    title: str
    summary: str
    audience: str
    required: bool
    retired: bool
    steps_done: int
    steps_total: int
    complete: bool


class ModuleDetailOut(ModuleOut):
    steps: list[StepOut]


class CompleteIn(Schema):
    answers: list[Annotated[int, Field(ge=0, le=Step.OPTIONS_MAX)]] | None = Field(
        None, max_length=Step.QUESTIONS_MAX
    )
    acknowledged: bool = False


class CompletionOut(Schema):
    step_id: int
    completed_at: datetime
    score: int | None


class ReadinessOut(Schema):
    program_id: int
    gate: bool
    roles: list[dict[str, Any]]


class AcknowledgementOut(Schema):
    cohort_id: int
    role: str
    acknowledged_at: datetime


class ResourceOut(Schema):
    id: int
    title: str
    kind: str
    summary: str
    body_html: str
    url: str
    file_url: str | None
    tags: list[str]
    audience: str
    retired: bool


class GuideOut(Schema):
    id: int
    title: str
    stage: str
    summary: str
    agenda: list[str]
    questions: list[str]
    tags: list[str]
    audience: str
    retired: bool


class LibraryOut(Schema):
    resources: list[ResourceOut]
    guides: list[GuideOut]


class ResourceIn(Schema):
    title: Annotated[Text, Field(max_length=Resource.TITLE_MAX)]
    kind: Resource.Kind = Resource.Kind.ARTICLE
    summary: Annotated[Text, Field(max_length=1000)] = ""
    body: Annotated[Text, Field(max_length=Resource.BODY_MAX)] = ""
    url: Annotated[Text, Field(max_length=Resource.URL_MAX)] = ""
    tags: list[Annotated[Text, Field(max_length=Resource.TAG_MAX)]] = Field(
        default_factory=list, max_length=Resource.TAGS_MAX
    )
    audience: str = Field("both", pattern="^(mentor|mentee|both)$")


class GuideIn(Schema):
    title: Annotated[Text, Field(max_length=ConversationGuide.TITLE_MAX)]
    stage: ConversationGuide.Stage = ConversationGuide.Stage.ANY
    summary: Annotated[Text, Field(max_length=2000)] = ""
    agenda: list[Annotated[Text, Field(max_length=300)]] = Field(
        default_factory=list, max_length=20
    )
    questions: list[Annotated[Text, Field(max_length=300)]] = Field(
        default_factory=list, max_length=20
    )
    tags: list[Annotated[Text, Field(max_length=Resource.TAG_MAX)]] = Field(
        default_factory=list, max_length=Resource.TAGS_MAX
    )
    audience: str = Field("both", pattern="^(mentor|mentee|both)$")


def _file_url(file_id: int | None) -> str | None:
    return f"/learning/files/{file_id}/" if file_id else None


def _module_out(progress: selectors.ModuleProgress) -> dict[str, Any]:
    m = progress.module
    return {
        "id": m.pk,
        "program_id": m.program_id,
        "title": m.title,
        "summary": m.summary,
        "audience": m.audience,
        "required": m.required,
        "retired": m.retired_at is not None,
        "steps_done": progress.done,
        "steps_total": progress.total,
        "complete": progress.complete,
    }


def _resource_out(r: Resource) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "kind": r.kind,
        "summary": r.summary,
        "body_html": str(render_markdown(r.body)),
        "url": r.url,
        "file_url": _file_url(r.file_id),
        "tags": r.tags,
        "audience": r.audience,
        "retired": r.retired_at is not None,
    }


def _guide_out(g: ConversationGuide) -> dict[str, Any]:
    return {
        "id": g.pk,
        "title": g.title,
        "stage": g.stage,
        "summary": g.summary,
        "agenda": g.agenda,
        "questions": g.questions,
        "tags": g.tags,
        "audience": g.audience,
        "retired": g.retired_at is not None,
    }


@router.get("/programs/{program_id}/modules", response={200: list[ModuleOut], **ERRS})
def module_list(request: HttpRequest, program_id: Id) -> list[dict[str, Any]]:
    """The program's modules for the caller's role, with the caller's progress."""
    program = selectors.program_get(user=request.user, program_id=program_id)
    return [_module_out(p) for p in selectors.my_progress(user=request.user, program=program)]


@router.get("/modules/{module_id}", response={200: ModuleDetailOut, **ERRS})
def module_detail(request: HttpRequest, module_id: Id) -> dict[str, Any]:
    """A module with its steps (the right answers of a check are never sent)."""
    module = selectors.module_get(user=request.user, module_id=module_id)
    progress = next(
        p
        for p in selectors.my_progress(user=request.user, program=module.program)
        if p.module.pk == module.pk
    )
    done = selectors.completed_steps(user=request.user, module=module)
    out = _module_out(progress)
    out["steps"] = [
        {
            "id": s.pk,
            "position": s.position,
            "title": s.title,
            "kind": s.kind,
            "body": s.body,
            "body_html": str(render_markdown(s.body)),
            "video_url": s.video_url,
            "file_url": _file_url(s.file_id),
            "questions": [{"text": q["text"], "options": q["options"]} for q in s.questions],
            "pass_mark": s.pass_mark,
            "done": s.pk in done,
        }
        for s in module.steps.order_by("position", "pk")
    ]
    return out


@router.post("/steps/{step_id}/complete", response={200: CompletionOut, **ERRS})
def step_complete(request: HttpRequest, step_id: Id, payload: CompleteIn) -> dict[str, Any]:
    """Complete a step as the caller: a check needs `answers` (option indexes, in order)."""
    step = selectors.step_get(user=request.user, step_id=step_id)
    result = services.step_complete(
        step, acting_user=request.user, answers=payload.answers, acknowledged=payload.acknowledged
    )
    assert result.completion is not None
    return {
        "step_id": step.pk,
        "completed_at": result.completion.completed_at,
        "score": result.completion.score,
    }


@router.get("/cohorts/{cohort_id}/readiness", response={200: ReadinessOut, **ERRS})
def cohort_readiness(request: HttpRequest, cohort_id: Id) -> dict[str, Any]:
    """Ready and not-ready counts per role (the cohort's managers)."""
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    if not permissions.can_view_readiness(request.user, cohort):
        raise PermissionDenied(_("Only this program's managers see who is ready."))
    return {
        "program_id": cohort.program_id,
        "gate": readiness.gate_is_on(cohort.program),
        "roles": [
            {"role": r.role, "ready": r.ready, "total": r.total}
            for r in readiness.readiness_by_role(cohort)
        ],
    }


@router.post(
    "/cohorts/{cohort_id}/guidelines/acknowledge", response={200: AcknowledgementOut, **ERRS}
)
def guidelines_acknowledge(request: HttpRequest, cohort_id: Id) -> dict[str, Any]:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    ack = services.guidelines_acknowledge(cohort, acting_user=request.user)
    return {"cohort_id": cohort.pk, "role": ack.role, "acknowledged_at": ack.acknowledged_at}


@router.get("/programs/{program_id}/library", response={200: LibraryOut, **ERRS})
def library(request: HttpRequest, program_id: Id, q: str = "", tag: str = "") -> dict[str, Any]:
    program = selectors.program_get(user=request.user, program_id=program_id)
    resources, guides = selectors.library(
        user=request.user, program=program, q=q[:100], tag=tag[: Resource.TAG_MAX]
    )
    return {
        "resources": [_resource_out(r) for r in resources],
        "guides": [_guide_out(g) for g in guides],
    }


@router.post("/programs/{program_id}/resources", response={200: ResourceOut, **ERRS})
def resource_create(request: HttpRequest, program_id: Id, payload: ResourceIn) -> dict[str, Any]:
    program = selectors.program_get(user=request.user, program_id=program_id)
    resource = services.resource_create(
        program, acting_user=request.user, data=payload.model_dump()
    )
    return _resource_out(resource)


@router.post("/programs/{program_id}/guides", response={200: GuideOut, **ERRS})
def guide_create(request: HttpRequest, program_id: Id, payload: GuideIn) -> dict[str, Any]:
    program = selectors.program_get(user=request.user, program_id=program_id)
    guide = services.guide_create(program, acting_user=request.user, data=payload.model_dump())
    return _guide_out(guide)
