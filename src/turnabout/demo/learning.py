"""The demo's training: the starter curriculum (every new program gets it), most current
participants trained and a few not, guidelines acknowledged, and a resource library.

Completions are history, so they are written as rows with past dates (as the other demo
builders do for theirs); the demo mentor keeps two modules to do, to try the pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from turnabout.demo.files import load_toml
from turnabout.demo.people import DEFAULT_SEED
from turnabout.demo.programs import MANAGER_EMAIL, MENTOR_EMAIL, PROGRAM_NAME
from turnabout.enrollment.models import Application
from turnabout.learning import readiness, services
from turnabout.learning.models import (
    GuidelinesAcknowledgement,
    Resource,
    StepCompletion,
    TrainingModule,
)
from turnabout.programs.models import Cohort, Program

UNTRAINED_SHARE = 0.12  # "a few not": about one in eight has modules left
TRAINED_ON = datetime(2026, 9, 8, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class LearningDemoSummary:
    modules: int
    trained: int
    not_trained: int
    resources: int


@transaction.atomic
def learning_demo_build(*, seed: int = DEFAULT_SEED) -> LearningDemoSummary | None:
    """None when the demo program is missing or its library is already built."""
    program = Program.objects.filter(name=PROGRAM_NAME).first()
    if program is None or Resource.objects.filter(program=program).exists():
        return None
    manager = get_user_model().objects.get(username=MANAGER_EMAIL)
    services.curriculum_install_starter(program, acting_user=manager)  # idempotent
    for data in load_toml("learning.toml")["resources"]:
        services.resource_create(program, acting_user=manager, data=data)
    rng = random.Random(seed + 11)
    modules = readiness.live_modules(program)
    steps_by_module = {m.pk: list(m.steps.order_by("position")) for m in modules}
    completions: list[StepCompletion] = []
    acks: list[GuidelinesAcknowledgement] = []
    trained = not_trained = 0
    for cohort in Cohort.objects.filter(program=program):
        apps = Application.objects.filter(
            cohort=cohort, status=Application.Status.ACCEPTED
        ).select_related("person")
        for app in apps.order_by("pk"):
            role_modules = [m for m in readiness.modules_for_role(modules, app.role) if m.required]
            leave = 0
            if app.person.email == MENTOR_EMAIL:
                leave = 2
            elif rng.random() < UNTRAINED_SHARE:
                leave = rng.randint(1, 2)
            when = TRAINED_ON - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
            for module in role_modules[: len(role_modules) - leave]:
                for step in steps_by_module[module.pk]:
                    completions.append(
                        StepCompletion(
                            step=step,
                            person=app.person,
                            completed_at=when,
                            score=100 if step.kind == "check" else None,
                        )
                    )
            if leave:
                not_trained += 1
            else:
                trained += 1
            if leave == 0 or rng.random() < 0.5:
                acks.append(
                    GuidelinesAcknowledgement(
                        cohort=cohort, person=app.person, role=app.role, acknowledged_at=when
                    )
                )
    StepCompletion.objects.bulk_create(completions, ignore_conflicts=True)
    GuidelinesAcknowledgement.objects.bulk_create(acks, ignore_conflicts=True)
    return LearningDemoSummary(
        modules=TrainingModule.objects.filter(program=program).count(),
        trained=trained,
        not_trained=not_trained,
        resources=Resource.objects.filter(program=program).count(),
    )
