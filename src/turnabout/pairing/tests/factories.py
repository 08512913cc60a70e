"""Test data: a cohort in the matching phase with accepted mentors and mentees, built
through the real services (programs, enrolment)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from turnabout.enrollment.models import Application
from turnabout.enrollment.services import application_create, applications_decide
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Phase
from turnabout.programs.tests.factories import (
    make_cohort,
    make_program,
    mentee_profile,
    mentor_profile,
    move_to,
)

DEPARTMENTS = ("Finance", "Marketing", "Engineering", "Sales", "People")


@dataclass
class Setup:
    cohort: Cohort
    manager: Any
    mentors: list[tuple[Any, Application]] = field(default_factory=list)
    mentees: list[tuple[Any, Application]] = field(default_factory=list)

    def user_of(self, application: Application) -> Any:
        for user, app in [*self.mentors, *self.mentees]:
            if app.pk == application.pk:
                return user
        raise KeyError(application.pk)


def make_setup(
    program_manager: Any,
    make_user: Callable[..., Any],
    *,
    mentors: int = 4,
    mentees: int = 3,
    capacity: int = 1,
    phase: str = Phase.MATCHING,
    name: str = "Digital Fluency",
    **program_data: Any,
) -> Setup:
    program = make_program(program_manager, name=name, **program_data)
    cohort = make_cohort(program, program_manager, phase=Phase.APPLICATIONS_OPEN)
    setup = Setup(cohort=cohort, manager=program_manager)
    for n in range(mentors):
        user = make_user()
        Employee.objects.filter(user=user).update(
            level=2, department=DEPARTMENTS[n % len(DEPARTMENTS)]
        )
        app = application_create(
            cohort,
            role="mentor",
            profile=mentor_profile(capacity=capacity),
            acting_user=user,
        )
        setup.mentors.append((user, app))
    for n in range(mentees):
        user = make_user()
        Employee.objects.filter(user=user).update(
            level=8, department=DEPARTMENTS[(n + 2) % len(DEPARTMENTS)]
        )
        app = application_create(cohort, role="mentee", profile=mentee_profile(), acting_user=user)
        setup.mentees.append((user, app))
    move_to(cohort, Phase.APPLICATIONS_CLOSED, program_manager)
    applications_decide(
        cohort,
        application_ids=[a.pk for _u, a in [*setup.mentors, *setup.mentees]],
        decision="accepted",
        acting_user=program_manager,
    )
    move_to(cohort, phase, program_manager)
    cohort.refresh_from_db()
    return setup
