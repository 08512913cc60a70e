"""Test data for insights: a program, a cohort and pairs written directly (fast), so each
metric can be checked against figures computed by hand."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from turnabout.engagement.models import Agreement, MentoringSession
from turnabout.enrollment.models import Application
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Objective, Phase, Program

_n = itertools.count(1)
START = date(2026, 1, 5)
END = date(2026, 6, 29)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def person(**fields: Any) -> Employee:
    n = next(_n)
    data: dict[str, Any] = {
        "employee_id": f"I{n:06d}",
        "first_name": f"F{n}",
        "last_name": f"L{n}",
        "email": f"i{n}@example.com",
        "department": "Finance",
        "location": "London",
        "level": 3,
    }
    data.update(fields)
    return Employee.objects.create(**data)


@dataclass
class World:
    program: Program
    cohort: Cohort
    pairs: list[Mentorship] = field(default_factory=list)


def world(
    manager: Any = None,
    *,
    pairs: int = 0,
    starts_on: date = START,
    ends_on: date = END,
    phase: str = Phase.ACTIVE,
    name: str | None = None,
    cadence: int = 14,
) -> World:
    program = Program.objects.create(
        name=name or f"Program {next(_n)}", purpose="Test", meeting_every_days=cadence
    )
    if manager is not None:
        program.managers.add(manager)
    cohort = Cohort.objects.create(
        program=program,
        name="C1",
        phase=phase,
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open_on=starts_on - timedelta(days=40),
    )
    w = World(program, cohort)
    for _ in range(pairs):
        add_pair(w)
    return w


def apply(cohort: Cohort, who: Employee, role: str, status: str = "accepted") -> Application:
    return Application.objects.create(
        cohort=cohort,
        person=who,
        role=role,
        status=status,
        agreed_to_guidelines_at=at(cohort.starts_on - timedelta(days=30)),
    )


def add_pair(
    w: World,
    *,
    activated: date | None = None,
    ended: date | None = None,
    mentor: Employee | None = None,
    mentee: Employee | None = None,
    cohort: Cohort | None = None,
) -> Mentorship:
    cohort = cohort or w.cohort
    mentor = mentor or person(level=2)
    mentee = mentee or person(level=8)
    m = Mentorship.objects.create(
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        mentor_application=apply(cohort, mentor, "mentor"),
        mentee_application=apply(cohort, mentee, "mentee"),
        status=Mentorship.Status.ENDED if ended else Mentorship.Status.ACTIVE,
        activated_at=at(activated or cohort.starts_on),
        ended_at=at(ended) if ended else None,
    )
    w.pairs.append(m)
    return m


def sessions(m: Mentorship, days: list[date], outcome: str = "held") -> None:
    for day in days:
        MentoringSession.objects.create(
            mentorship=m,
            uid=f"s{next(_n)}@test",
            starts_at=at(day),
            format="video",
            outcome=outcome,
            status="cancelled" if outcome == "cancelled" else "scheduled",
        )


def sign(m: Mentorship, day: date) -> Agreement:
    return Agreement.objects.create(
        mentorship=m, mentor_signed_at=at(day), mentee_signed_at=at(day), signed_at=at(day)
    )


def objective(w: World, metric: str, target: Any, unit: str, **fields: Any) -> Objective:
    return Objective.objects.create(
        program=w.program, title=fields.pop("title", metric), metric=metric, target=target,
        unit=unit, **fields,
    )  # fmt: skip
