"""Pages of training, guidelines and the resource library. Thin: parse, look up, call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.common.errors import DomainError, NotFound, PermissionDenied
from turnabout.common.pages import attempt, show_error
from turnabout.learning import permissions, readiness, selectors, services
from turnabout.learning.forms import (
    CheckForm,
    GuideForm,
    LibrarySearchForm,
    ModuleForm,
    ResourceForm,
    StepForm,
    format_questions,
)
from turnabout.learning.models import Step


def _manager_or_403(request: HttpRequest, program: Any) -> None:
    if not permissions.can_manage_learning(request.user, program):
        raise PermissionDenied(_("Only this program's managers can change its training."))


# --- Training ------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    programs = list(selectors.programs_of_user(user=request.user))
    rows = [
        {"program": p, "progress": selectors.my_progress(user=request.user, program=p)}
        for p in programs
    ]
    return render(request, "learning/index.html", {"rows": rows})


def program(request: HttpRequest, program_pk: int) -> HttpResponse:
    prog = selectors.program_get(user=request.user, program_id=program_pk)
    return _program_page(request, prog)


def _program_page(
    request: HttpRequest, prog: Any, *, module_form: ModuleForm | None = None
) -> HttpResponse:
    """The program's training page; a refused new module comes back with what was typed."""
    can_manage = permissions.can_manage_learning(request.user, prog)
    context: dict[str, Any] = {
        "program": prog,
        "can_manage": can_manage,
        "progress": selectors.my_progress(user=request.user, program=prog),
        "gate_on": readiness.gate_is_on(prog),
        "cohorts": list(prog.cohorts.order_by("-starts_on")) if can_manage else [],
    }
    if can_manage:
        context["module_form"] = module_form or ModuleForm()
    return render(request, "learning/program.html", context)


@require_POST
def module_create(request: HttpRequest, program_pk: int) -> HttpResponse:
    prog = selectors.program_get(user=request.user, program_id=program_pk)
    _manager_or_403(request, prog)
    form = ModuleForm(request.POST)
    if form.is_valid():
        created = attempt(
            request,
            lambda: services.module_create(prog, acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("Module created: now add its steps."),
        )
        if created.ok:
            return redirect("learning:module_edit", module_pk=created.value.pk)
    return _program_page(request, prog, module_form=form)


@require_POST
def starter_install(request: HttpRequest, program_pk: int) -> HttpResponse:
    prog = selectors.program_get(user=request.user, program_id=program_pk)
    added = services.curriculum_install_starter(prog, acting_user=request.user)
    messages.success(request, _("%(n)d starter modules added.") % {"n": added})
    return redirect("learning:program", program_pk=prog.pk)


@require_POST
def gate_set(request: HttpRequest, program_pk: int) -> HttpResponse:
    prog = selectors.program_get(user=request.user, program_id=program_pk)
    on = request.POST.get("on") == "1"
    services.readiness_gate_set(prog, acting_user=request.user, on=on)
    messages.success(
        request,
        _("Training now gates matching.") if on else _("Training no longer gates matching."),
    )
    return redirect("learning:program", program_pk=prog.pk)


def module(request: HttpRequest, module_pk: int) -> HttpResponse:
    mod = selectors.module_get(user=request.user, module_id=module_pk)
    done = selectors.completed_steps(user=request.user, module=mod)
    steps = list(mod.steps.select_related("file").order_by("position", "pk"))
    return render(
        request,
        "learning/module.html",
        {
            "module": mod,
            "program": mod.program,
            "steps": [
                {
                    "step": s,
                    "done": s.pk in done,
                    "form": CheckForm(s) if s.kind == Step.Kind.CHECK else None,
                }
                for s in steps
            ],
            "done": len(done),
            "total": len(steps),
            "can_take": bool(permissions.participant_roles(request.user, mod.program)),
            "can_manage": permissions.can_manage_learning(request.user, mod.program),
        },
    )


@require_POST
def step_complete(request: HttpRequest, step_pk: int) -> HttpResponse:
    step = selectors.step_get(user=request.user, step_id=step_pk)
    answers = None
    if step.kind == Step.Kind.CHECK:
        form = CheckForm(step, request.POST)
        if not form.is_valid():
            messages.error(request, _("Answer every question of the check."))
            return redirect("learning:module", module_pk=step.module_id)
        answers = form.answers()
    try:
        result = services.step_complete(
            step,
            acting_user=request.user,
            answers=answers,
            acknowledged=request.POST.get("acknowledged") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if result.score is not None:
            messages.success(request, _("Passed with %(score)d%%.") % {"score": result.score})
        else:
            messages.success(request, _("Step completed."))
    return redirect(f"/learning/modules/{step.module_id}/#step-{step.pk}")


def module_edit(request: HttpRequest, module_pk: int) -> HttpResponse:
    mod = selectors.module_for_manager(user=request.user, module_id=module_pk)
    form = ModuleForm(
        request.POST or None,
        initial={
            "title": mod.title,
            "summary": mod.summary,
            "audience": mod.audience,
            "required": mod.required,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.module_update(mod, acting_user=request.user, data=form.cleaned_data)
        except DomainError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Module saved."))
            return redirect("learning:module_edit", module_pk=mod.pk)
    return render(
        request,
        "learning/module_edit.html",
        {
            "module": mod,
            "program": mod.program,
            "form": form,
            "steps": list(mod.steps.order_by("position", "pk")),
            "step_form": StepForm(),
        },
    )


@require_POST
def module_retire(request: HttpRequest, module_pk: int) -> HttpResponse:
    mod = selectors.module_for_manager(user=request.user, module_id=module_pk)
    services.module_retire(mod, acting_user=request.user, retired=request.POST.get("retire") == "1")
    return redirect("learning:program", program_pk=mod.program_id)


@require_POST
def module_move(request: HttpRequest, module_pk: int) -> HttpResponse:
    mod = selectors.module_for_manager(user=request.user, module_id=module_pk)
    services.module_move(mod, acting_user=request.user, direction=_direction(request))
    return redirect("learning:program", program_pk=mod.program_id)


def _direction(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


def step_create(request: HttpRequest, module_pk: int) -> HttpResponse:
    mod = selectors.module_for_manager(user=request.user, module_id=module_pk)
    form = StepForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            services.step_create(
                mod, acting_user=request.user, data=data, upload=form.cleaned_data.get("file")
            )
        except DomainError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Step added."))
            return redirect("learning:module_edit", module_pk=mod.pk)
    return render(
        request,
        "learning/step_form.html",
        {"module": mod, "program": mod.program, "form": form, "step": None},
    )


def step_edit(request: HttpRequest, step_pk: int) -> HttpResponse:
    step = selectors.step_get(user=request.user, step_id=step_pk)
    mod = selectors.module_for_manager(user=request.user, module_id=step.module_id)
    form = StepForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "title": step.title,
            "kind": step.kind,
            "body": step.body,
            "video_url": step.video_url,
            "questions": format_questions(step.questions),
            "pass_mark": step.pass_mark,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            services.step_update(
                step, acting_user=request.user, data=data, upload=form.cleaned_data.get("file")
            )
        except DomainError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Step saved."))
            return redirect("learning:module_edit", module_pk=mod.pk)
    return render(
        request,
        "learning/step_form.html",
        {"module": mod, "program": mod.program, "form": form, "step": step},
    )


@require_POST
def step_delete(request: HttpRequest, step_pk: int) -> HttpResponse:
    step = selectors.step_get(user=request.user, step_id=step_pk)
    services.step_delete(step, acting_user=request.user)
    messages.success(request, _("Step deleted."))
    return redirect("learning:module_edit", module_pk=step.module_id)


@require_POST
def step_move(request: HttpRequest, step_pk: int) -> HttpResponse:
    step = selectors.step_get(user=request.user, step_id=step_pk)
    services.step_move(step, acting_user=request.user, direction=_direction(request))
    return redirect("learning:module_edit", module_pk=step.module_id)


def file_download(request: HttpRequest, file_pk: int) -> HttpResponse:
    stored = selectors.file_get(user=request.user, file_id=file_pk)
    response = HttpResponse(bytes(stored.data), content_type="application/octet-stream")
    safe_name = "".join(c for c in stored.name if c.isalnum() or c in "._- ") or "file"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Guidelines and readiness -----------------------------------------------------------------


def guidelines(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    if request.method == "POST":
        try:
            services.guidelines_acknowledge(cohort, acting_user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you: your acknowledgement is recorded."))
        return redirect("learning:guidelines", cohort_pk=cohort.pk)
    return render(
        request,
        "learning/guidelines.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "ack": selectors.my_acknowledgement(user=request.user, cohort=cohort),
            "can_acknowledge": permissions.can_acknowledge(request.user, cohort),
        },
    )


def cohort_participants(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    people = selectors.cohort_participants(user=request.user, cohort=cohort)
    return render(
        request,
        "learning/cohort_participants.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "people": people,
            "by_role": readiness.readiness_by_role(cohort),
            "not_acknowledged": sum(1 for p in people if p.acknowledged_at is None),
            "gate_on": readiness.gate_is_on(cohort.program),
        },
    )


# --- Resource library ---------------------------------------------------------------------


def library(request: HttpRequest, program_pk: int) -> HttpResponse:
    prog = selectors.program_get(user=request.user, program_id=program_pk)
    search = LibrarySearchForm(request.GET or None)
    q = tag = ""
    if search.is_valid():
        q, tag = search.cleaned_data["q"], search.cleaned_data["tag"]
    can_manage = permissions.can_manage_learning(request.user, prog)
    resources, guides = selectors.library(
        user=request.user, program=prog, q=q, tag=tag, retired=can_manage
    )
    tags = sorted({t for r in resources for t in r.tags} | {t for g in guides for t in g.tags})
    return render(
        request,
        "learning/library.html",
        {
            "program": prog,
            "resources": resources,
            "guides": guides,
            "search": search,
            "tags": tags,
            "tag": tag,
            "can_manage": can_manage,
        },
    )


def resource(request: HttpRequest, resource_pk: int) -> HttpResponse:
    item = selectors.resource_get(user=request.user, resource_id=resource_pk)
    return render(request, "learning/resource.html", {"resource": item, "program": item.program})


def guide(request: HttpRequest, guide_pk: int) -> HttpResponse:
    item = selectors.guide_get(user=request.user, guide_id=guide_pk)
    return render(request, "learning/guide.html", {"guide": item, "program": item.program})


def resource_form(
    request: HttpRequest, program_pk: int | None = None, resource_pk: int | None = None
) -> HttpResponse:
    item = None
    if resource_pk is not None:
        item = selectors.resource_get(user=request.user, resource_id=resource_pk)
        prog = item.program
    else:
        prog = selectors.program_get(user=request.user, program_id=int(program_pk or 0))
    _manager_or_403(request, prog)
    initial = {}
    if item is not None:
        initial = {
            "title": item.title,
            "kind": item.kind,
            "summary": item.summary,
            "body": item.body,
            "url": item.url,
            "tags": ", ".join(item.tags),
            "audience": item.audience,
        }
    form = ResourceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        upload = form.cleaned_data.get("file")
        try:
            if item is None:
                services.resource_create(prog, acting_user=request.user, data=data, upload=upload)
            else:
                services.resource_update(item, acting_user=request.user, data=data, upload=upload)
        except DomainError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Resource saved."))
            return redirect("learning:library", program_pk=prog.pk)
    return render(
        request, "learning/resource_form.html", {"form": form, "program": prog, "resource": item}
    )


def guide_form(
    request: HttpRequest, program_pk: int | None = None, guide_pk: int | None = None
) -> HttpResponse:
    item = None
    if guide_pk is not None:
        item = selectors.guide_get(user=request.user, guide_id=guide_pk)
        prog = item.program
    else:
        prog = selectors.program_get(user=request.user, program_id=int(program_pk or 0))
    _manager_or_403(request, prog)
    initial = {}
    if item is not None:
        initial = {
            "title": item.title,
            "stage": item.stage,
            "summary": item.summary,
            "agenda": "\n".join(item.agenda),
            "questions": "\n".join(item.questions),
            "tags": ", ".join(item.tags),
            "audience": item.audience,
        }
    form = GuideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                services.guide_create(prog, acting_user=request.user, data=form.cleaned_data)
            else:
                services.guide_update(item, acting_user=request.user, data=form.cleaned_data)
        except DomainError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Conversation guide saved."))
            return redirect("learning:library", program_pk=prog.pk)
    return render(
        request, "learning/guide_form.html", {"form": form, "program": prog, "guide": item}
    )


@require_POST
def resource_action(request: HttpRequest, resource_pk: int, action: str) -> HttpResponse:
    if action not in ("move", "retire", "restore"):
        raise NotFound(_("No such action."))
    item = selectors.resource_get(user=request.user, resource_id=resource_pk)
    if action == "move":
        services.resource_move(item, acting_user=request.user, direction=_direction(request))
    else:
        services.resource_retire(item, acting_user=request.user, retired=action == "retire")
    return redirect("learning:library", program_pk=item.program_id)


@require_POST
def guide_action(request: HttpRequest, guide_pk: int, action: str) -> HttpResponse:
    if action not in ("move", "retire", "restore"):
        raise NotFound(_("No such action."))
    item = selectors.guide_get(user=request.user, guide_id=guide_pk)
    if action == "move":
        services.guide_move(item, acting_user=request.user, direction=_direction(request))
    else:
        services.guide_retire(item, acting_user=request.user, retired=action == "retire")
    return redirect("learning:library", program_pk=item.program_id)
