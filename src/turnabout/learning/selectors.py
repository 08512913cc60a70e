"""Reads of the learning app, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from turnabout.common.errors import NotFound, PermissionDenied
from turnabout.common.types import AnyUser
from turnabout.enrollment.models import Application
from turnabout.learning import permissions, readiness
from turnabout.learning.models import (
    ConversationGuide,
    GuidelinesAcknowledgement,
    Resource,
    Step,
    StoredFile,
    TrainingModule,
)
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program


def program_get(*, user: AnyUser, program_id: int) -> Program:
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not permissions.can_view_learning(user, program):
        raise NotFound(_("No such program."))
    return program


def cohort_get(*, user: AnyUser, cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None or not permissions.can_view_learning(user, cohort.program):
        raise NotFound(_("No such cohort."))
    return cohort


def programs_of_user(*, user: AnyUser) -> QuerySet[Program]:
    return Program.objects.filter(permissions.learning_programs_filter(user)).distinct()


def _visible_audiences(user: AnyUser, program: Program) -> set[str] | None:
    """None: all (a manager); else the audiences of the user's roles."""
    if permissions.can_manage_learning(user, program):
        return None
    return permissions.audiences_of(permissions.participant_roles(user, program))


def modules_for(*, user: AnyUser, program: Program) -> list[TrainingModule]:
    """Managers: every module (retired ones too); participants: live ones for their roles."""
    audiences = _visible_audiences(user, program)
    qs = TrainingModule.objects.filter(program=program).prefetch_related("steps")
    if audiences is not None:
        qs = qs.filter(retired_at__isnull=True, audience__in=audiences)
    return list(qs.order_by("position", "pk"))


def module_get(*, user: AnyUser, module_id: int) -> TrainingModule:
    module = TrainingModule.objects.select_related("program").filter(pk=module_id).first()
    if module is None:
        raise NotFound(_("No such module."))
    audiences = _visible_audiences(user, module.program)
    if audiences is not None and (module.audience not in audiences or module.retired_at):
        raise NotFound(_("No such module."))
    return module


def step_get(*, user: AnyUser, step_id: int) -> Step:
    step = Step.objects.select_related("module__program").filter(pk=step_id).first()
    if step is None:
        raise NotFound(_("No such step."))
    module_get(user=user, module_id=step.module_id)
    return step


def module_for_manager(*, user: AnyUser, module_id: int) -> TrainingModule:
    module = module_get(user=user, module_id=module_id)
    if not permissions.can_manage_learning(user, module.program):
        raise PermissionDenied(_("Only this program's managers edit its training."))
    return module


@dataclass(frozen=True)
class ModuleProgress:
    module: TrainingModule
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def my_progress(*, user: AnyUser, program: Program) -> list[ModuleProgress]:
    person = Employee.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    modules = modules_for(user=user, program=program)
    done = readiness.module_progress(person.pk, modules) if person else {}
    return [
        ModuleProgress(module=m, done=done.get(m.pk, 0), total=len(m.steps.all())) for m in modules
    ]


def completed_steps(*, user: AnyUser, module: TrainingModule) -> set[int]:
    person = Employee.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    if person is None:
        return set()
    return readiness.completed_step_ids(person.pk, [module.pk])


def library(
    *, user: AnyUser, program: Program, q: str = "", tag: str = "", retired: bool = False
) -> tuple[list[Resource], list[ConversationGuide]]:
    """The program's resources and guides the user may see, searched and filtered."""
    audiences = _visible_audiences(user, program)
    resources = Resource.objects.filter(program=program)
    guides = ConversationGuide.objects.filter(program=program)
    if audiences is not None or not retired:
        resources = resources.filter(retired_at__isnull=True)
        guides = guides.filter(retired_at__isnull=True)
    if audiences is not None:
        resources = resources.filter(audience__in=audiences)
        guides = guides.filter(audience__in=audiences)
    if q:
        resources = resources.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q)
        )
        guides = guides.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    found_r = list(resources.order_by("position", "pk")[:200])
    found_g = list(guides.order_by("position", "pk")[:200])
    if tag:  # JSON list containment differs between databases: filter the page in Python
        tag = tag.lower()
        found_r = [r for r in found_r if tag in r.tags]
        found_g = [g for g in found_g if tag in g.tags]
    return found_r, found_g


def resource_get(*, user: AnyUser, resource_id: int) -> Resource:
    resource = Resource.objects.select_related("program", "file").filter(pk=resource_id).first()
    if resource is None:
        raise NotFound(_("No such resource."))
    audiences = _visible_audiences(user, resource.program)
    if audiences is not None and (resource.audience not in audiences or resource.retired_at):
        raise NotFound(_("No such resource."))
    return resource


def guide_get(*, user: AnyUser, guide_id: int) -> ConversationGuide:
    guide = ConversationGuide.objects.select_related("program").filter(pk=guide_id).first()
    if guide is None:
        raise NotFound(_("No such guide."))
    audiences = _visible_audiences(user, guide.program)
    if audiences is not None and (guide.audience not in audiences or guide.retired_at):
        raise NotFound(_("No such guide."))
    return guide


def file_get(*, user: AnyUser, file_id: int) -> StoredFile:
    """A file, if it belongs to a step or a resource the user may see."""
    stored = StoredFile.objects.filter(pk=file_id).first()
    if stored is None:
        raise NotFound(_("No such file."))
    for step in Step.objects.filter(file=stored).select_related("module"):
        try:
            module_get(user=user, module_id=step.module_id)
        except NotFound:
            continue
        return stored
    for resource in Resource.objects.filter(file=stored):
        try:
            resource_get(user=user, resource_id=resource.pk)
        except NotFound:
            continue
        return stored
    raise NotFound(_("No such file."))


@dataclass(frozen=True)
class ParticipantState:
    application: Application
    readiness: readiness.Readiness
    acknowledged_at: Any


def cohort_participants(*, user: AnyUser, cohort: Cohort) -> list[ParticipantState]:
    """Accepted participants with readiness and acknowledgement: the cohort's managers only."""
    if not permissions.can_view_readiness(user, cohort):
        raise PermissionDenied(_("Only this program's managers see who is ready."))
    apps = list(
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
        .select_related("person")
        .order_by("role", "person__last_name", "person__first_name")
    )
    states = readiness.cohort_readiness(cohort)
    acks = dict(
        GuidelinesAcknowledgement.objects.filter(cohort=cohort).values_list(
            "person_id", "acknowledged_at"
        )
    )
    return [
        ParticipantState(
            application=a, readiness=states[a.pk], acknowledged_at=acks.get(a.person_id)
        )
        for a in apps
    ]


def my_acknowledgement(*, user: AnyUser, cohort: Cohort) -> GuidelinesAcknowledgement | None:
    if not user.is_authenticated:
        return None
    return GuidelinesAcknowledgement.objects.filter(cohort=cohort, person__user_id=user.pk).first()


def cohorts_to_acknowledge(*, user: AnyUser, program: Program) -> list[Cohort]:
    """Cohorts of `program` the user was accepted to and has not acknowledged yet."""
    if not user.is_authenticated:
        return []
    return list(
        Cohort.objects.filter(
            program=program,
            applications__person__user_id=user.pk,
            applications__status=Application.Status.ACCEPTED,
        )
        .exclude(guideline_acknowledgements__person__user_id=user.pk)
        .distinct()
    )
