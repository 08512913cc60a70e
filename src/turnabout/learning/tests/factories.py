"""Test data: a cohort with accepted mentors and mentees, built through the real services
of the layers below learning (programs, enrolment), so learning's tests need no pairing."""

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


@dataclass
class Setup:
    cohort: Cohort
    manager: Any
    mentors: list[tuple[Any, Application]] = field(default_factory=list)
    mentees: list[tuple[Any, Application]] = field(default_factory=list)


def make_setup(
    program_manager: Any,
    make_user: Callable[..., Any],
    *,
    mentors: int = 3,
    mentees: int = 3,
    phase: str = Phase.MATCHING,
    name: str = "Digital Fluency",
) -> Setup:
    program = make_program(program_manager, name=name)
    cohort = make_cohort(program, program_manager, phase=Phase.APPLICATIONS_OPEN)
    setup = Setup(cohort=cohort, manager=program_manager)
    for role, count, level in (("mentor", mentors, 2), ("mentee", mentees, 8)):
        for _n in range(count):
            user = make_user()
            Employee.objects.filter(user=user).update(level=level)
            profile = mentor_profile() if role == "mentor" else mentee_profile()
            app = application_create(cohort, role=role, profile=profile, acting_user=user)
            (setup.mentors if role == "mentor" else setup.mentees).append((user, app))
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
