"""The demo's insights: the closed pilot's real history, pair health, and KPI snapshots from
the first day, so every dashboard, the comparison, retention and the lessons show figures.

`insights_demo_build` runs after the engagement (and surveys) demo steps:

1. `pilot_pairs_build` gives the closed "Spring 2026 (pilot)" cohort its 14 pairs as they
   happened (the surveys demo records the pairs; this adds what they did): a published
   match run with each pair's per-criterion scores, six months of fortnightly sessions
   (held, a few cancelled or missed; the pair that ended early faded first), signed
   agreements, goals, learning both ways: 13 of 14 pairs completed.
2. The pilot's pair health as it stood at its end (for the lessons), and the current
   cohort's health as of `DEMO_TODAY` (the managers' at-risk list).
3. A KPI snapshot for every day from the pilot's kick-off to `DEMO_TODAY`.

Rows are written directly (history cannot go through services that refuse a closed cohort);
`random.Random(seed)`: the same seed gives the same history. No email is queued.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from turnabout.demo.engagement import DEMO_TODAY
from turnabout.demo.people import DEFAULT_SEED
from turnabout.demo.programs import PROGRAM_NAME
from turnabout.engagement.models import (
    Agreement,
    LearningEntry,
    MentoringSession,
    PairGoal,
    SessionLog,
)
from turnabout.enrollment.models import Application
from turnabout.insights import health, services
from turnabout.insights.models import KpiSnapshot, PairHealth
from turnabout.pairing.adapter import CRITERIA
from turnabout.pairing.models import MatchRun, Mentorship, Proposal
from turnabout.people.models import Skill
from turnabout.programs.models import Cohort, Phase

PILOT = "Spring 2026 (pilot)"
GOALS = ["Use AI assistants for my weekly reports", "Post on LinkedIn with confidence",
         "Run a hybrid meeting that works for everyone"]  # fmt: skip


@dataclass(frozen=True)
class InsightsDemoSummary:
    pilot_pairs: int
    pilot_sessions: int
    snapshots: int
    at_risk: int
    check_in: int


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def pilot_pairs_build(*, seed: int = DEFAULT_SEED) -> list[Mentorship]:
    """The pilot's pairs with their history. The surveys demo records the pairs first (as
    ended pairs of the accepted applications); when it has not, they are recorded here the
    same way. Pairs without sessions then get their match scores and their six months."""
    pilot = Cohort.objects.filter(program__name=PROGRAM_NAME, name=PILOT).first()
    if pilot is None:
        return []
    pairs = list(pilot.mentorships.order_by("pk"))
    if not pairs:
        pairs = _record_pairs(pilot)
    bare = [m for m in pairs if not m.sessions.exists()]
    if not bare:
        return pairs
    rng = random.Random(seed + 13)
    run = MatchRun.objects.create(
        cohort=pilot, number=(pilot.match_runs.count() + 1), status=MatchRun.Status.DONE,
        progress=100, mentors=len(bare), mentees=len(bare), matched=len(bare),
        started_at=_at(date(2025, 12, 17)), finished_at=_at(date(2025, 12, 17)),
        published_at=_at(date(2025, 12, 19)),
    )  # fmt: skip
    skills = list(Skill.objects.order_by("name")[:40])
    early_before = pilot.ends_on - timedelta(days=14)
    cycle = ["steady", "steady", "patchy", "steady", "steady", "patchy", "steady"]
    for index, m in enumerate(bare):
        ended = (m.ended_at or _at(pilot.ends_on)).date()
        plan = "fading" if ended < early_before else cycle[index % len(cycle)]
        quality = {"steady": 0.8, "patchy": 0.55, "fading": 0.35}[plan]
        breakdown = {
            name: round(min(1.0, max(0.0, rng.gauss(quality if name in ("skills", "goals",
                        "availability") else 0.6, 0.12))), 3)
            for name in CRITERIA
        }  # fmt: skip
        score = round(sum(breakdown.values()) / len(breakdown), 3)
        Proposal.objects.create(
            run=run, mentor_application=m.mentor_application,
            mentee_application=m.mentee_application, score=score,
            breakdown=breakdown,
        )  # fmt: skip
        Mentorship.objects.filter(pk=m.pk).update(run=run, score=score)
        _history(m, plan, rng, skills, pilot.starts_on, ended)
    return list(pilot.mentorships.order_by("pk"))


def _record_pairs(pilot: Cohort) -> list[Mentorship]:
    accepted = Application.objects.filter(cohort=pilot, status=Application.Status.ACCEPTED)
    mentors = list(accepted.filter(role="mentor").order_by("pk"))
    mentees = list(accepted.filter(role="mentee").order_by("pk"))
    for n, (mentor, mentee) in enumerate(zip(mentors, mentees, strict=False)):
        early = n == len(mentees) - 1
        Mentorship.objects.create(
            cohort=pilot, mentor_id=mentor.person_id, mentee_id=mentee.person_id,
            mentor_application=mentor, mentee_application=mentee,
            status=Mentorship.Status.ENDED, activated_at=_at(pilot.starts_on),
            ended_at=_at(date(2026, 3, 20) if early else pilot.ends_on),
            ended_by_role="mentee" if early else "program manager",
            reason="Could not make time after a reorganisation." if early else "Completed.",
        )  # fmt: skip
    return list(pilot.mentorships.order_by("pk"))


def _history(
    m: Mentorship, plan: str, rng: random.Random, skills: list[Skill], start: date, last: date
) -> None:
    Agreement.objects.create(
        mentorship=m, cadence_days=14, mentor_signed_at=_at(start + timedelta(days=3)),
        mentee_signed_at=_at(start + timedelta(days=4)), signed_at=_at(start + timedelta(days=4)),
    )  # fmt: skip
    day, k = start + timedelta(days=7), 0
    while day < last:
        k += 1
        if plan == "fading" and k > 5:
            outcome = "cancelled" if rng.random() < 0.5 else ""
            if not outcome:
                day += timedelta(days=14)
                continue
        elif plan == "patchy":
            outcome = rng.choice(["held", "held", "cancelled", "no_show"])
        else:
            outcome = "held" if rng.random() < 0.92 else "cancelled"
        session = MentoringSession.objects.create(
            mentorship=m, uid=f"demo-pilot-{m.pk}-{k}@turnabout", starts_at=_at(day, 15),
            minutes=45, format="video", outcome=outcome,
            status="cancelled" if outcome == "cancelled" else "scheduled",
        )  # fmt: skip
        if outcome == "held":
            base = {"steady": 4.4, "patchy": 3.4, "fading": 2.4}[plan]
            for side, author in (("mentor", m.mentor), ("mentee", m.mentee)):
                rating = max(1, min(5, round(rng.gauss(base, 0.6))))
                SessionLog.objects.create(
                    session=session, author=author, side=side, outcome="held", rating=rating
                )
            if skills and rng.random() < 0.6:
                side = rng.choice(["mentee", "mentee", "mentor"])
                entry = LearningEntry.objects.create(
                    mentorship=m, author=m.mentee if side == "mentee" else m.mentor, side=side,
                    text="What I took away from this session.", session=session,
                )  # fmt: skip
                entry.skills.add(rng.choice(skills[:12] if side == "mentee" else skills[12:]))
        day += timedelta(days=14)
    status = {"steady": "achieved", "patchy": "in_progress", "fading": "not_started"}[plan]
    for position, title in enumerate(rng.sample(GOALS, 2), start=1):
        PairGoal.objects.create(
            mentorship=m, position=position, title=title, status=status,
            progress={"achieved": 100, "in_progress": 60, "not_started": 0}[status],
        )  # fmt: skip


def _pilot_health_at_end(pairs: list[Mentorship]) -> None:
    """The state each pilot pair ended in, as the tick would have recorded it."""
    if not pairs:
        return
    pilot = pairs[0].cohort
    at_end = _at(pilot.ends_on - timedelta(days=1))
    for pair in Mentorship.objects.filter(pk__in=[p.pk for p in pairs]).select_related(
        "cohort__program"
    ):
        when = min(at_end, pair.ended_at or at_end) - timedelta(hours=1)
        (facts,) = health.gather([pair], when)
        fired = health.evaluate(facts, when)
        PairHealth.objects.update_or_create(
            mentorship=pair,
            defaults={
                "state": health.state_of(fired),
                "signals": [f.as_json() for f in fired],
                "since": when,
                "computed_at": when,
            },
        )


@transaction.atomic
def insights_demo_build(*, seed: int = DEFAULT_SEED) -> InsightsDemoSummary | None:
    """Add the insights history to the demo; None when it exists already."""
    program_cohorts = Cohort.objects.filter(program__name=PROGRAM_NAME)
    if (
        not program_cohorts.exists()
        or KpiSnapshot.objects.filter(cohort__in=program_cohorts).exists()
    ):
        return None
    pairs = pilot_pairs_build(seed=seed)
    _pilot_health_at_end(pairs)
    services.pair_health_refresh(now=DEMO_TODAY)
    first = min((c.starts_on for c in program_cohorts), default=DEMO_TODAY.date())
    snapshots, day = 0, first
    while day <= DEMO_TODAY.date():
        snapshots += services.kpi_snapshots_take(day=day, now=_at(day, 23))
        day += timedelta(days=1)
    current = PairHealth.objects.filter(
        mentorship__cohort__in=program_cohorts.exclude(phase=Phase.CLOSED),
        mentorship__status=Mentorship.Status.ACTIVE,
    )
    return InsightsDemoSummary(
        pilot_pairs=len(pairs),
        pilot_sessions=MentoringSession.objects.filter(mentorship__in=pairs).count(),
        snapshots=snapshots,
        at_risk=current.filter(state="at_risk").count(),
        check_in=current.filter(state="check_in").count(),
    )
