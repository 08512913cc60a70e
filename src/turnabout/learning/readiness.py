"""Progress and readiness: computed, never stored (completions are the only facts).

A person's module is complete when every step of it has a completion. A participant is
*ready* for a cohort when every live required module for their role is complete. With the
program's gate on, `not_ready` lists the accepted applicants a match run must leave out.
Queries do not grow with the number of people: one for the modules and their step counts,
one for the completions of everybody asked about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.learning.models import (
    Audience,
    LearningSettings,
    StepCompletion,
    TrainingModule,
)
from turnabout.programs.models import Cohort, Program


@dataclass(frozen=True)
class Readiness:
    done: int
    required: int

    @property
    def ready(self) -> bool:
        return self.done >= self.required


def gate_is_on(program: Program) -> bool:
    return LearningSettings.objects.filter(program=program, readiness_gate=True).exists()


def live_modules(program: Program) -> list[TrainingModule]:
    """The program's live modules with `n_steps`, in order."""
    return list(
        TrainingModule.objects.filter(program=program, retired_at__isnull=True)
        .annotate(n_steps=Count("steps"))
        .order_by("position", "pk")
    )


def n_steps(module: TrainingModule) -> int:
    """The step count annotated by `live_modules`."""
    return int(getattr(module, "n_steps", 0))


def modules_for_role(modules: Iterable[TrainingModule], role: str) -> list[TrainingModule]:
    return [m for m in modules if m.audience in (role, Audience.BOTH)]


def steps_done(
    person_ids: Iterable[int], modules: Iterable[TrainingModule]
) -> dict[int, dict[int, int]]:
    """{person id: {module id: completed steps}}."""
    module_ids = [m.pk for m in modules]
    out: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        StepCompletion.objects.filter(
            person_id__in=list(person_ids), step__module_id__in=module_ids
        )
        .values_list("person_id", "step__module_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for person_id, module_id, n in rows:
        out[person_id][module_id] = n
    return out


def readiness_of(
    program: Program, people: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], Readiness]:
    """Readiness of each (person id, role)."""
    people = list(people)
    modules = live_modules(program)
    done = steps_done({p for p, _role in people}, modules)
    out = {}
    for person_id, role in people:
        required = [m for m in modules_for_role(modules, role) if m.required and n_steps(m)]
        complete = sum(1 for m in required if done.get(person_id, {}).get(m.pk, 0) >= n_steps(m))
        out[(person_id, role)] = Readiness(done=complete, required=len(required))
    return out


def cohort_readiness(cohort: Cohort) -> dict[int, Readiness]:
    """{application id: readiness} for the cohort's accepted applicants."""
    apps = list(
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED).values_list(
            "pk", "person_id", "role"
        )
    )
    by_person = readiness_of(cohort.program, [(p, r) for _pk, p, r in apps])
    return {pk: by_person[(p, r)] for pk, p, r in apps}


def not_ready(cohort: Cohort) -> dict[int, Readiness]:
    """Accepted applicants the gate keeps out of a match run ({} when the gate is off)."""
    if not gate_is_on(cohort.program):
        return {}
    return {pk: r for pk, r in cohort_readiness(cohort).items() if not r.ready}


@dataclass(frozen=True)
class RoleReadiness:
    role: str
    label: str
    ready: int
    total: int

    @property
    def not_ready(self) -> int:
        return self.total - self.ready


def readiness_by_role(cohort: Cohort) -> list[RoleReadiness]:
    """Counts per role for the manager's cohort page, counted in SQL: one query for the
    totals and one per role for the ready people (a condition per required module), so
    neither the applications nor the completions are loaded."""
    modules = live_modules(cohort.program)
    accepted = Application.objects.filter(
        cohort=cohort, status=Application.Status.ACCEPTED
    ).order_by()
    totals = dict(accepted.values_list("role").annotate(n=Count("pk")).values_list("role", "n"))
    out = []
    for role in ParticipantRole:
        required = [m for m in modules_for_role(modules, role) if m.required and n_steps(m)]
        total = int(totals.get(role.value, 0))
        ready = total
        if required and total:
            people = accepted.filter(role=role)
            for module in required:
                done = Subquery(
                    StepCompletion.objects.filter(
                        person_id=OuterRef("person_id"), step__module_id=module.pk
                    )
                    .order_by()
                    .values("person_id")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                )
                name = f"done_{module.pk}"
                people = people.annotate(**{name: Coalesce(done, 0)}).filter(
                    **{f"{name}__gte": n_steps(module)}
                )
            ready = people.count()
        out.append(RoleReadiness(role=role.value, label=str(role.label), ready=ready, total=total))
    return out


def module_progress(person_id: int, modules: list[TrainingModule]) -> dict[int, int]:
    return steps_done([person_id], modules).get(person_id, {})


def completed_step_ids(person_id: int, module_ids: Iterable[int]) -> set[int]:
    return set(
        StepCompletion.objects.filter(
            Q(person_id=person_id) & Q(step__module_id__in=list(module_ids))
        ).values_list("step_id", flat=True)
    )
