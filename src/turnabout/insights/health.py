"""Pair health: each active pair is on track, needs a check-in or is at risk, and why.

A *signal* is one documented rule with documented thresholds (`SIGNALS`, and the table in
`docs/insights.md`). `evaluate` is pure: facts about one pair in, the signals that fire out.
`gather` reads the facts of many pairs in a fixed number of queries.

Privacy: facts may include private values (a partner's session ratings, confidential pulse
answers); a signal carries only its code and severity, so what a manager sees is "session
ratings are low", never a rating.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from turnabout.engagement.models import Agreement, MentoringSession, PairGoal, SessionLog
from turnabout.insights import sources
from turnabout.insights.models import HEALTH_ORDER, HealthState, SignalSnooze
from turnabout.pairing.models import Mentorship

# Thresholds (documented in docs/insights.md; change both together).
BEHIND_CADENCE_CHECK_IN = 2  # held sessions this many below the cadence's expectation
BEHIND_CADENCE_AT_RISK = 4
NO_SESSION_CHECK_IN = 2  # cadence periods without a held session
NO_SESSION_AT_RISK = 3
CANCELLATION_WINDOW_DAYS = 90
CANCELLATIONS_CHECK_IN = 2  # cancellations + no-shows within the window
CANCELLATIONS_AT_RISK = 4
PULSE_DROP = 3  # points (1-10) between a partner's two latest pulses
PULSE_DISAGREE = 4  # points between the partners' latest pulses
LOW_RATING = 2.0  # mean of the latest session ratings (1-5) of either partner
LOW_RATING_SESSIONS = 3
GOALS_AFTER_DAYS = 42  # goals should be moving six weeks in
AGREEMENT_AFTER_DAYS = 21
GRACE_DAYS = 3  # a new pair is not judged in its first days
SEVERE_SIGNS = frozenset({"unheard"})


@dataclass(frozen=True)
class Signal:
    code: str
    label: StrOrPromise
    advice: StrOrPromise


SIGNALS: dict[str, Signal] = {
    s.code: s
    for s in (
        Signal(
            "behind_cadence",
            _("Fewer sessions held than the agreed cadence"),
            _("Ask what gets in the way of meeting; suggest a fixed slot."),
        ),
        Signal(
            "no_recent_session",
            _("No session held for a while"),
            _("A friendly check-in with both partners."),
        ),
        Signal(
            "cancellations",
            _("Several sessions cancelled or missed"),
            _("Check whether the time or the format still suits both."),
        ),
        Signal(
            "fit_not_good",
            _("A partner said the pairing is not a good fit"),
            _("Talk to each partner; offer a re-match if it does not improve."),
        ),
        Signal(
            "fit_deciding",
            _("A partner is still deciding about the fit"),
            _("Check in after their next session."),
        ),
        Signal(
            "pulse_drop",
            _("A partner's pulse rating dropped sharply"),
            _("Ask what changed."),
        ),
        Signal(
            "pulse_disagree",
            _("The partners rate the pairing very differently"),
            _("Talk to each partner separately."),
        ),
        Signal(
            "warning_signs",
            _("Warning signs named in a pulse"),
            _("Read the pulse answers and follow up."),
        ),
        Signal(
            "low_ratings",
            _("Session ratings are low"),
            _("Ask how sessions could be more useful (ratings stay private)."),
        ),
        Signal(
            "goals_stalled",
            _("Goals have not moved"),
            _("Suggest the pair revisit their goals together."),
        ),
        Signal(
            "agreement_unsigned",
            _("The agreement is not signed"),
            _("Remind them that the agreement makes sessions count."),
        ),
    )
}


@dataclass
class PairFacts:
    """What the rules read about one pair (private values included; never shown)."""

    pair_id: int
    activated_at: datetime
    cadence_days: int
    held: int = 0
    last_held: datetime | None = None
    missed_recent: int = 0  # cancelled + no-show within the window
    agreement_signed: bool = False
    goals: int = 0
    goals_moving: int = 0  # in progress or achieved, or progress above 0
    recent_ratings: list[int] = field(default_factory=list)
    feedback: sources.PairFeedback = field(default_factory=sources.PairFeedback)


@dataclass(frozen=True)
class Fired:
    code: str
    severity: str  # HealthState.CHECK_IN or HealthState.AT_RISK

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity}


CHECK_IN, AT_RISK = HealthState.CHECK_IN, HealthState.AT_RISK


def evaluate(facts: PairFacts, now: datetime) -> list[Fired]:
    """The signals that fire for one pair now (pure: no database)."""
    fired: list[Fired] = []
    age = now - facts.activated_at
    cadence = timedelta(days=max(1, facts.cadence_days))
    if age < timedelta(days=GRACE_DAYS):
        return fired
    expected = age // cadence
    behind = expected - facts.held
    if behind >= BEHIND_CADENCE_AT_RISK:
        fired.append(Fired("behind_cadence", AT_RISK))
    elif behind >= BEHIND_CADENCE_CHECK_IN:
        fired.append(Fired("behind_cadence", CHECK_IN))
    quiet = now - (facts.last_held or facts.activated_at)
    if quiet > NO_SESSION_AT_RISK * cadence:
        fired.append(Fired("no_recent_session", AT_RISK))
    elif quiet > NO_SESSION_CHECK_IN * cadence:
        fired.append(Fired("no_recent_session", CHECK_IN))
    if facts.missed_recent >= CANCELLATIONS_AT_RISK:
        fired.append(Fired("cancellations", AT_RISK))
    elif facts.missed_recent >= CANCELLATIONS_CHECK_IN:
        fired.append(Fired("cancellations", CHECK_IN))
    fit = set(facts.feedback.fit.values())
    if sources.FIT_NOT_GOOD in fit:
        fired.append(Fired("fit_not_good", AT_RISK))
    elif sources.FIT_DECIDING in fit:
        fired.append(Fired("fit_deciding", CHECK_IN))
    fired.extend(_pulse_signals(facts.feedback.pulses))
    ratings = facts.recent_ratings[:LOW_RATING_SESSIONS]
    if ratings and statistics.fmean(ratings) <= LOW_RATING:
        fired.append(Fired("low_ratings", CHECK_IN))
    if age >= timedelta(days=GOALS_AFTER_DAYS) and facts.goals_moving == 0:
        fired.append(Fired("goals_stalled", CHECK_IN))
    if age >= timedelta(days=AGREEMENT_AFTER_DAYS) and not facts.agreement_signed:
        fired.append(Fired("agreement_unsigned", CHECK_IN))
    return fired


def _pulse_signals(pulses: Sequence[sources.Pulse]) -> list[Fired]:
    fired: list[Fired] = []
    by_side: dict[str, list[sources.Pulse]] = defaultdict(list)
    for pulse in sorted(pulses, key=lambda p: p.day):
        by_side[pulse.side].append(pulse)
    if any(len(ps) >= 2 and ps[-2].rating - ps[-1].rating >= PULSE_DROP for ps in by_side.values()):
        fired.append(Fired("pulse_drop", CHECK_IN))
    latest = [ps[-1] for ps in by_side.values() if ps]
    if len(latest) == 2 and abs(latest[0].rating - latest[1].rating) >= PULSE_DISAGREE:
        fired.append(Fired("pulse_disagree", CHECK_IN))
    signs = {sign for pulse in latest for sign in pulse.warning_signs}
    if signs:
        fired.append(Fired("warning_signs", AT_RISK if signs & SEVERE_SIGNS else CHECK_IN))
    return fired


def state_of(fired: Iterable[Fired], snoozed: Iterable[str] = ()) -> str:
    """The worst severity among the signals that are not snoozed."""
    quiet = set(snoozed)
    worst = HealthState.ON_TRACK
    for signal in fired:
        if signal.code in quiet:
            continue
        if HEALTH_ORDER[HealthState(signal.severity)] > HEALTH_ORDER[worst]:
            worst = HealthState(signal.severity)
    return str(worst)


def gather(pairs: Sequence[Mentorship], now: datetime) -> list[PairFacts]:
    """Facts of many active pairs in a fixed number of queries (pairs need `cohort__program`)."""
    ids = [m.pk for m in pairs]
    held = Q(sessions__outcome=MentoringSession.Outcome.HELD, sessions__starts_at__lte=now)
    window = now - timedelta(days=CANCELLATION_WINDOW_DAYS)
    missed = Q(
        sessions__outcome__in=[
            MentoringSession.Outcome.CANCELLED,
            MentoringSession.Outcome.NO_SHOW,
        ],
        sessions__starts_at__gte=window,
        sessions__starts_at__lte=now,
    )
    counts = {
        row["pk"]: row
        for row in Mentorship.objects.filter(pk__in=ids)
        .values("pk")
        .annotate(
            held=Count("sessions", filter=held, distinct=True),
            last_held=Max("sessions__starts_at", filter=held),
            missed=Count("sessions", filter=missed, distinct=True),
        )
        .order_by()
    }
    agreements = dict(
        Agreement.objects.filter(mentorship__in=ids).values_list("mentorship_id", "cadence_days")
    )
    signed = set(
        Agreement.objects.filter(mentorship__in=ids, signed_at__isnull=False).values_list(
            "mentorship_id", flat=True
        )
    )
    goals = {
        row["mentorship_id"]: row
        for row in PairGoal.objects.filter(mentorship__in=ids)
        .values("mentorship_id")
        .annotate(
            n=Count("pk"),
            moving=Count(
                "pk",
                filter=Q(progress__gt=0)
                | Q(status__in=[PairGoal.Status.IN_PROGRESS, PairGoal.Status.ACHIEVED]),
            ),
        )
        .order_by()
    }
    ratings: dict[int, list[int]] = defaultdict(list)
    since = now - timedelta(days=CANCELLATION_WINDOW_DAYS)
    for pair_id, rating in (
        SessionLog.objects.filter(
            session__mentorship__in=ids,
            rating__isnull=False,
            session__starts_at__gte=since,
            session__starts_at__lte=now,
        )
        .order_by("-session__starts_at", "-pk")
        .values_list("session__mentorship_id", "rating")
    ):
        if rating is not None:
            ratings[pair_id].append(int(rating))
    feedback = sources.pair_feedback(ids)
    facts = []
    for m in pairs:
        row: dict[str, Any] = dict(counts.get(m.pk, {}))
        goal: dict[str, Any] = dict(goals.get(m.pk, {}))
        facts.append(
            PairFacts(
                pair_id=m.pk,
                activated_at=m.activated_at or m.created_at,
                cadence_days=agreements.get(m.pk) or m.cohort.program.meeting_every_days,
                held=int(row.get("held", 0)),
                last_held=row.get("last_held"),
                missed_recent=int(row.get("missed", 0)),
                agreement_signed=m.pk in signed,
                goals=int(goal.get("n", 0)),
                goals_moving=int(goal.get("moving", 0)),
                recent_ratings=ratings.get(m.pk, []),
                feedback=feedback.get(m.pk, sources.PairFeedback()),
            )
        )
    return facts


def snoozed_signals(pair_ids: Iterable[int], today: date) -> dict[int, set[str]]:
    result: dict[int, set[str]] = defaultdict(set)
    for pair_id, code in SignalSnooze.objects.filter(
        mentorship__in=list(pair_ids), until__gte=today
    ).values_list("mentorship_id", "signal"):
        result[pair_id].add(code)
    return result
