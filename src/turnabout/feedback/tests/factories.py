"""A cohort with active pairs, built through the real services (applications, a match run,
publish, both accept), for the survey tests and the browser test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from turnabout.pairing import services as pairing_services
from turnabout.pairing.models import Mentorship
from turnabout.pairing.tests.factories import make_setup
from turnabout.programs.models import Cohort, Phase
from turnabout.programs.tests.factories import move_to

NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)


@dataclass
class Pairs:
    cohort: Cohort
    manager: Any
    pairs: list[Mentorship]
    users: dict[int, Any]  # employee id -> user

    def mentor_user(self, m: Mentorship) -> Any:
        return self.users[m.mentor_id]

    def mentee_user(self, m: Mentorship) -> Any:
        return self.users[m.mentee_id]

    @property
    def people(self) -> list[Any]:
        return [u for m in self.pairs for u in (self.mentor_user(m), self.mentee_user(m))]


def build_pairs(
    manager: Any,
    make_user: Callable[..., Any],
    *,
    n: int = 3,
    phase: str = Phase.ACTIVE,
    activated_at: datetime | None = None,
    name: str = "Surveys",
) -> Pairs:
    setup = make_setup(manager, make_user, mentors=n, mentees=n, name=name)
    run = pairing_services.match_run_start(setup.cohort, acting_user=manager, enqueue=False)
    done = pairing_services.match_run_execute(run.pk)
    assert done is not None
    pairs = pairing_services.match_run_publish(done, acting_user=manager, notify=False)
    assert len(pairs) == n
    users = {app.person_id: user for user, app in [*setup.mentors, *setup.mentees]}
    for m in pairs:
        for person_id in (m.mentor_id, m.mentee_id):
            pairing_services.mentorship_accept(m, acting_user=users[person_id])
    Mentorship.objects.filter(pk__in=[m.pk for m in pairs]).update(
        activated_at=activated_at or NOW - timedelta(days=2)
    )
    cohort = setup.cohort
    cohort.refresh_from_db()
    if phase != cohort.phase:
        move_to(cohort, phase, manager)
        cohort.refresh_from_db()
    fresh = list(
        Mentorship.objects.filter(pk__in=[m.pk for m in pairs])
        .select_related("mentor", "mentee", "cohort__program")
        .order_by("pk")
    )
    for user in users.values():
        user.refresh_from_db()
    return Pairs(cohort=cohort, manager=manager, pairs=fresh, users=users)
