"""The demo's pairing: the current cohort matched, reviewed, published, answered, re-matched.

`pairing_demo_build` runs after `turnabout.demo.programs.programs_demo_build`. Acting as the
demo program manager it moves the current cohort to Matching, runs the engine twice (the
program's settings, then with fairness) so that two runs can be compared, locks the three
best pairs, excludes one, re-runs around the locks, makes sure the demo mentor login has a
match, and publishes. Then people answer: most accept, three decline (with a reason for
the managers), the demo mentor has not answered yet; a re-match pairs the people freed by
the declines and they accept. Everything goes through the services; the runs execute
in-process (no worker needed) and no email is queued. Only timestamps are then moved to
the demo calendar, so the same seed always gives the same pairs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from turnabout.demo.files import load_toml
from turnabout.demo.people import ANCHOR, DEFAULT_SEED
from turnabout.demo.programs import MANAGER_EMAIL, MENTEE_EMAIL, MENTOR_EMAIL, PROGRAM_NAME
from turnabout.enrollment.models import Application
from turnabout.pairing import adapter, services
from turnabout.pairing.models import MatchRun, Mentorship, Proposal
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, CohortPhaseChange, Phase
from turnabout.programs.services import cohort_change_phase

CURRENT_COHORT = "Autumn 2026"
DECLINES: tuple[tuple[str, str], ...] = tuple(
    (decline["side"], decline["reason"]) for decline in load_toml("pairing.toml")["declines"]
)


@dataclass(frozen=True)
class PairingDemoSummary:
    runs: int
    active: int
    proposed: int
    declined: int
    seconds: float


def _user(by_user: dict[int, Any], person: Employee) -> Any:
    assert person.user_id is not None
    return by_user[person.user_id]


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(ANCHOR, time(hour, minute), tzinfo=UTC)


def _execute(run: MatchRun, when: datetime) -> MatchRun:
    done = services.match_run_execute(run.pk)
    assert done is not None and done.status == MatchRun.Status.DONE, done and done.error
    MatchRun.objects.filter(pk=run.pk).update(
        created_at=when,
        updated_at=when,
        started_at=when,
        finished_at=when + timedelta(seconds=2),
    )
    done.refresh_from_db()
    return done


def _give_demo_mentor_a_good_match(run: MatchRun, manager: Any) -> None:
    """The demo mentor login should see a match that shares topics: when the run gave them
    none, the manager pairs them by hand with the best such mentee (whose own pair is
    removed; the re-match finds that person a new partner later)."""
    mentor = Application.objects.filter(
        cohort=run.cohort,
        role="mentor",
        status=Application.Status.ACCEPTED,
        person__email=MENTOR_EMAIL,
    ).first()
    if mentor is None:
        return
    mine = list(run.proposals.filter(mentor_application=mentor))
    if any(r["code"] == "skills" for p in mine for r in p.reasons):
        return
    data = adapter.build_input(run.cohort, config=run.config)
    best: tuple[float, Proposal] | None = None
    for proposal in (
        run.proposals.filter(locked=False)
        .exclude(mentor_application=mentor)
        .select_related("mentee_application__person")
    ):
        check = adapter.pair_violations(
            run.cohort,
            config=run.config,
            mentor_application=mentor,
            mentee_application=proposal.mentee_application,
            data=data,
        )
        shares = any(r["code"] == "skills" for r in check.reasons)
        if not check.violations and shares and (best is None or check.score > best[0]):
            best = (check.score, proposal)
    if best is None:
        return
    for proposal in mine:
        services.proposal_remove(proposal, acting_user=manager)
    mentee_id = best[1].mentee_application_id
    services.proposal_remove(best[1], acting_user=manager)
    services.proposal_create_manual(
        run, mentor_application_id=mentor.pk, mentee_application_id=mentee_id, acting_user=manager
    )


@transaction.atomic
def pairing_demo_build(*, seed: int = DEFAULT_SEED) -> PairingDemoSummary | None:
    """Pair the demo's current cohort; None when it is missing or has runs already."""
    cohort = (
        Cohort.objects.select_related("program")
        .filter(program__name=PROGRAM_NAME, name=CURRENT_COHORT)
        .first()
    )
    if cohort is None or MatchRun.objects.filter(cohort=cohort).exists():
        return None
    rng = random.Random(seed + 5)
    users = get_user_model().objects
    manager = users.get(username=MANAGER_EMAIL)
    if cohort.phase == Phase.APPLICATIONS_CLOSED:
        cohort_change_phase(
            cohort, to_phase=Phase.MATCHING, note="Matching started.", acting_user=manager
        )
        CohortPhaseChange.objects.filter(cohort=cohort, to_phase=Phase.MATCHING).update(
            at=_at(8, 45)
        )
    seconds = 0.0

    first = services.match_run_start(cohort, acting_user=manager, enqueue=False)
    first = _execute(first, _at(9, 0))
    fair = services.match_run_start(
        cohort, settings={"fairness": True}, acting_user=manager, enqueue=False
    )
    fair = _execute(fair, _at(9, 10))
    seconds += (first.seconds or 0) + (fair.seconds or 0)

    best = list(first.proposals.order_by("-score", "pk")[:3])
    for proposal in best:
        services.proposal_set_locked(proposal, locked=True, acting_user=manager)
    weakest = first.proposals.filter(locked=False).order_by("score", "pk").first()
    if weakest is not None:
        services.pair_exclude(
            weakest,
            reason="They sit in the same project team; a fresh perspective is the point.",
            acting_user=manager,
        )
    final = services.match_run_start(cohort, based_on=first, acting_user=manager, enqueue=False)
    final = _execute(final, _at(9, 30))
    seconds += final.seconds or 0
    _give_demo_mentor_a_good_match(final, manager)
    published = services.match_run_publish(final, acting_user=manager, notify=False)
    MatchRun.objects.filter(pk=final.pk).update(published_at=_at(10, 30))
    CohortPhaseChange.objects.filter(cohort=cohort, to_phase=Phase.MATCHED).update(at=_at(10, 30))

    # Answers: three declines, the demo mentor has not answered yet, everybody else accepts.
    by_user = {u.pk: u for u in users.filter(employee__isnull=False)}
    pairs = sorted(published, key=lambda m: m.pk)
    demo_mentor = [m for m in pairs if m.mentor.email == MENTOR_EMAIL]
    candidates = [
        m
        for m in pairs
        if m.mentor.email != MENTOR_EMAIL
        and m.mentee.email != MENTEE_EMAIL
        and not Proposal.objects.filter(
            run=final, mentee_application=m.mentee_application, locked=True
        ).exists()
    ]
    declining = rng.sample(candidates, min(len(DECLINES), len(candidates)))
    minute = 0
    for mentorship in pairs:
        minute += 3
        when = _at(10, 45) + timedelta(minutes=minute)
        if mentorship in declining:
            side, reason = DECLINES[declining.index(mentorship)]
            person = mentorship.mentee if side == "mentee" else mentorship.mentor
            services.mentorship_decline(
                mentorship, reason=reason, acting_user=_user(by_user, person)
            )
            Mentorship.objects.filter(pk=mentorship.pk).update(
                ended_at=when, updated_at=when, created_at=_at(10, 30)
            )
            continue
        for person, field in ((mentorship.mentee, "mentee"), (mentorship.mentor, "mentor")):
            if mentorship in demo_mentor and field == "mentor":
                continue
            services.mentorship_accept(mentorship, acting_user=_user(by_user, person))
        mentorship.refresh_from_db()
        Mentorship.objects.filter(pk=mentorship.pk).update(
            created_at=_at(10, 30),
            updated_at=when,
            mentee_accepted_at=when,
            mentor_accepted_at=None if mentorship in demo_mentor else when,
            activated_at=when if mentorship.status == Mentorship.Status.ACTIVE else None,
        )

    # The re-match: the people freed by the declines, around every live pair.
    rematch = services.match_run_start(cohort, acting_user=manager, enqueue=False)
    rematch = _execute(rematch, _at(16, 0))
    seconds += rematch.seconds or 0
    if rematch.proposals.filter(kept=False).exists():
        again = services.match_run_publish(rematch, acting_user=manager, notify=False)
        MatchRun.objects.filter(pk=rematch.pk).update(published_at=_at(16, 15))
        for n, mentorship in enumerate(again):
            when = _at(16, 30) + timedelta(minutes=7 * n)
            for person in (mentorship.mentee, mentorship.mentor):
                services.mentorship_accept(mentorship, acting_user=_user(by_user, person))
            Mentorship.objects.filter(pk=mentorship.pk).update(
                created_at=_at(16, 15),
                updated_at=when,
                mentee_accepted_at=when,
                mentor_accepted_at=when,
                activated_at=when,
            )
    statuses = list(Mentorship.objects.filter(cohort=cohort).values_list("status", flat=True))
    return PairingDemoSummary(
        runs=MatchRun.objects.filter(cohort=cohort).count(),
        active=statuses.count(Mentorship.Status.ACTIVE),
        proposed=statuses.count(Mentorship.Status.PROPOSED),
        declined=statuses.count(Mentorship.Status.DECLINED),
        seconds=round(seconds, 2),
    )
