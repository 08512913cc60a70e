"""An active pair built through the real services (program, cohort, applications, a match
run, publish, both accept). Shared by the app's tests and the browser test."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from turnabout.enrollment.services import application_create, applications_decide
from turnabout.pairing import services as pairing_services
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.programs.models import Phase, Program
from turnabout.programs.tests.factories import (
    make_cohort,
    make_program,
    mentee_profile,
    mentor_profile,
    move_to,
)

_names = itertools.count(1)

# A fixed "now" for the services: tests never depend on the wall clock.
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)


@dataclass
class Pair:
    mentorship: Mentorship
    mentor: Any
    mentee: Any
    manager: Any
    program: Program

    def refresh(self) -> Mentorship:
        self.mentorship = Mentorship.objects.select_related(
            "cohort__program", "mentor", "mentee"
        ).get(pk=self.mentorship.pk)
        return self.mentorship


def build_pair(
    manager: Any,
    make_user: Callable[..., Any],
    *,
    mentor_tz: str = "Europe/London",
    mentee_tz: str = "Asia/Kolkata",
    activated_at: datetime | None = None,
    accept: bool = True,
    **program_data: Any,
) -> Pair:
    """An active pair; with `accept=False` the published match both still have to accept."""
    design = {
        "meeting_every_days": 14,
        "session_minutes": 45,
        "format": "video",
        "confidentiality": "What is said in the pair stays in the pair.",
        "mentor_responsibilities": "Prepare one practical example per session.",
        "mentee_responsibilities": "Practise between sessions.",
        **program_data,
    }
    design.setdefault("name", f"Engagement {next(_names)}")
    program = make_program(manager, **design)
    cohort = make_cohort(program, manager, phase=Phase.APPLICATIONS_OPEN)
    mentor, mentee = make_user(), make_user()
    Employee.objects.filter(user=mentor).update(
        level=2, timezone=mentor_tz, first_name="Maya", last_name="Okafor"
    )
    Employee.objects.filter(user=mentee).update(
        level=8, timezone=mentee_tz, department="Marketing", first_name="Raj", last_name="Mehta",
        title="VP Marketing",
    )  # fmt: skip
    apps = [
        application_create(
            cohort, role="mentor", profile=mentor_profile(capacity=1), acting_user=mentor
        ),
        application_create(cohort, role="mentee", profile=mentee_profile(), acting_user=mentee),
    ]
    move_to(cohort, Phase.APPLICATIONS_CLOSED, manager)
    applications_decide(
        cohort, application_ids=[a.pk for a in apps], decision="accepted", acting_user=manager
    )
    move_to(cohort, Phase.MATCHING, manager)
    run = pairing_services.match_run_start(cohort, acting_user=manager, enqueue=False)
    done = pairing_services.match_run_execute(run.pk)
    assert done is not None
    (mentorship,) = pairing_services.match_run_publish(done, acting_user=manager, notify=False)
    if accept:
        for user in (mentor, mentee):
            pairing_services.mentorship_accept(mentorship, acting_user=user)
        when = activated_at or NOW - timedelta(days=2)
        Mentorship.objects.filter(pk=mentorship.pk).update(activated_at=when)
    for user in (mentor, mentee):
        user.refresh_from_db()
    pair = Pair(
        mentorship=mentorship, mentor=mentor, mentee=mentee, manager=manager, program=program
    )
    pair.refresh()
    expected = Mentorship.Status.ACTIVE if accept else Mentorship.Status.PROPOSED
    assert pair.mentorship.status == expected
    return pair
