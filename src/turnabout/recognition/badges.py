"""Every badge and the rule that earns it, in one module.

A rule is a set query over real activity: it returns the (person, context, cohort) triples
that have earned the badge now. The tick (`services.badges_award`) inserts the ones not yet
awarded; the unique (person, badge, context) constraint makes that idempotent. A badge's
`context` says what it was earned for: "" once in a lifetime, "cohort:<id>" per cohort,
"program:<id>" per program. The "recognition" badge has no rule: a manager awards it.

Badges are earned by activity only: nobody can claim one, and no rule reads a private
reflection or rating (held sessions, signed agreements, goal status, learning-entry sides
and training completions are facts both partners and the managers already see).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from turnabout.engagement.models import Agreement, LearningEntry, MentoringSession, PairGoal
from turnabout.enrollment.models import Application
from turnabout.learning.readiness import readiness_of
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Phase, Program

Earned = tuple[int, str, int | None]  # person id, context, cohort id

FIVE = 5
COMPLETION_MIN_SESSIONS = 3
LIVE = (Mentorship.Status.ACTIVE, Mentorship.Status.ENDED)


def _both(rows: Iterable[tuple[int, int, int]], context: str = "") -> set[Earned]:
    """(mentor id, mentee id, cohort id) rows -> both partners earn it."""
    out: set[Earned] = set()
    for mentor_id, mentee_id, cohort_id in rows:
        out.add((mentor_id, context or "", cohort_id))
        out.add((mentee_id, context or "", cohort_id))
    return out


def _held(n: int) -> set[Earned]:
    rows = (
        Mentorship.objects.filter(status__in=LIVE)
        .annotate(held=Count("sessions", filter=Q(sessions__outcome=MentoringSession.Outcome.HELD)))
        .filter(held__gte=n)
        .values_list("mentor_id", "mentee_id", "cohort_id")
    )
    return _both(rows)


def first_session() -> set[Earned]:
    return _held(1)


def five_sessions() -> set[Earned]:
    return _held(FIVE)


def agreement_signed() -> set[Earned]:
    return _both(
        Agreement.objects.filter(signed_at__isnull=False).values_list(
            "mentorship__mentor_id", "mentorship__mentee_id", "mentorship__cohort_id"
        )
    )


def goal_completed() -> set[Earned]:
    return _both(
        PairGoal.objects.filter(status=PairGoal.Status.ACHIEVED).values_list(
            "mentorship__mentor_id", "mentorship__mentee_id", "mentorship__cohort_id"
        )
    )


def both_logged_learning() -> set[Earned]:
    sides: dict[int, set[str]] = {}
    for pair_id, side in LearningEntry.objects.values_list("mentorship_id", "side").distinct():
        sides.setdefault(pair_id, set()).add(side)
    both = [pk for pk, s in sides.items() if len(s) == 2]
    return _both(
        Mentorship.objects.filter(pk__in=both).values_list("mentor_id", "mentee_id", "cohort_id")
    )


def completed_pairs() -> list[Mentorship]:
    """Pairs of closed cohorts that took part to the end: active or ended, not declined,
    with at least COMPLETION_MIN_SESSIONS held sessions."""
    return list(
        Mentorship.objects.filter(cohort__phase=Phase.CLOSED, status__in=LIVE)
        .annotate(held=Count("sessions", filter=Q(sessions__outcome=MentoringSession.Outcome.HELD)))
        .filter(held__gte=COMPLETION_MIN_SESSIONS)
    )


def program_completed() -> set[Earned]:
    out: set[Earned] = set()
    for m in completed_pairs():
        out |= _both([(m.mentor_id, m.mentee_id, m.cohort_id)], context=f"cohort:{m.cohort_id}")
    return out


def pair_health_scores(cohort_ids: Iterable[int] | None = None) -> dict[int, tuple[int, float]]:
    """{pair id: (cohort id, health)}: held sessions, plus goals achieved, plus both sides
    logging learning, among pairs with at least COMPLETION_MIN_SESSIONS held sessions.
    (A simple, explainable health; the insights app may later provide a richer one.)"""
    qs = Mentorship.objects.filter(status__in=LIVE)
    if cohort_ids is not None:
        qs = qs.filter(cohort_id__in=list(cohort_ids))
    rows = qs.annotate(
        held=Count(
            "sessions",
            filter=Q(sessions__outcome=MentoringSession.Outcome.HELD),
            distinct=True,
        ),
        achieved=Count("goals", filter=Q(goals__status=PairGoal.Status.ACHIEVED), distinct=True),
        sides=Count("learning__side", distinct=True),
    ).filter(held__gte=COMPLETION_MIN_SESSIONS)
    return {m.pk: (m.cohort_id, m.held + 2 * m.achieved + (1 if m.sides == 2 else 0)) for m in rows}


def top_health() -> set[Earned]:
    """Awarded once a cohort wraps up, so that the top is final."""
    ending = Mentorship.objects.filter(
        cohort__phase__in=(Phase.WRAPPING_UP, Phase.CLOSED)
    ).values_list("cohort_id", flat=True)
    scores = pair_health_scores(set(ending))
    best: dict[int, float] = {}
    for cohort_id, score in scores.values():
        best[cohort_id] = max(best.get(cohort_id, 0), score)
    top = [pk for pk, (cohort_id, score) in scores.items() if score == best[cohort_id]]
    return {
        (mentor_id, f"cohort:{cohort_id}", cohort_id)
        for mentor_id, cohort_id in Mentorship.objects.filter(pk__in=top).values_list(
            "mentor_id", "cohort_id"
        )
    }


def training_complete() -> set[Earned]:
    out: set[Earned] = set()
    accepted = Application.objects.filter(status=Application.Status.ACCEPTED).values_list(
        "person_id", "role", "cohort__program_id"
    )
    by_program: dict[int, set[tuple[int, str]]] = {}
    for person_id, role, program_id in accepted:
        by_program.setdefault(program_id, set()).add((person_id, role))
    for program in Program.objects.filter(pk__in=list(by_program)):
        states = readiness_of(program, sorted(by_program[program.pk]))
        for (person_id, _role), state in states.items():
            if state.required and state.ready:
                out.add((person_id, f"program:{program.pk}", None))
    return out


@dataclass(frozen=True)
class Badge:
    key: str
    name: StrOrPromise
    rule: StrOrPromise  # the rule in words, shown beside the emblem
    colour: str
    glyph: str
    find: Callable[[], set[Earned]] | None  # None: awarded by hand

    def emblem(self, size: int = 64) -> SafeString:
        """An SVG emblem (a ribbon rosette with the badge's glyph), titled for screen readers."""
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="{size}" '
            'height="{size}" role="img" aria-label="{title}" class="badge-emblem">'
            "<title>{title}</title>"
            '<path d="M22 40 L16 62 L26 56 L32 62 L34 42 Z" fill="{colour}" opacity=".7"/>'
            '<path d="M42 40 L48 62 L38 56 L32 62 L30 42 Z" fill="{colour}" opacity=".7"/>'
            '<circle cx="32" cy="26" r="22" fill="{colour}"/>'
            '<circle cx="32" cy="26" r="17" fill="none" stroke="#fff" stroke-width="2" '
            'stroke-dasharray="3 2"/>'
            '<text x="32" y="33" text-anchor="middle" font-family="DejaVu Sans, sans-serif" '
            'font-size="20" font-weight="bold" fill="#fff">{glyph}</text></svg>',
            size=size,
            title=str(self.name),
            colour=self.colour,
            glyph=self.glyph,
        )


RECOGNITION = "recognition"

BADGES: tuple[Badge, ...] = (
    Badge("first_session", _("First session"), _("Held a first session with your partner."),
          "#2f80ed", "1", first_session),
    Badge("five_sessions", _("Five sessions"), _("Held five sessions with one partner."),
          "#1b5e9e", "5", five_sessions),
    Badge("agreement_signed", _("Agreement signed"),
          _("Signed a mentoring agreement, together with your partner."), "#6d5bd0", "✎",
          agreement_signed),
    Badge("goal_completed", _("Goal reached"), _("Reached a goal of your agreement as a pair."),
          "#27ae60", "★", goal_completed),
    Badge("both_learned", _("Learning both ways"),
          _("Both partners logged something they learned from the other."), "#f2994a", "⇄",
          both_logged_learning),
    Badge("program_completed", _("Program completed"),
          _("Took part until the cohort closed, with at least three sessions held."), "#b7950b",
          "✓", program_completed),
    Badge("top_health", _("Thriving pair"),
          _("Mentor of the healthiest pair of a cohort at its wrap-up (sessions held, goals "
            "reached, learning both ways)."), "#c0392b", "♥", top_health),
    Badge("training_complete", _("Trained"),
          _("Completed every required training module of a program."), "#16a085", "T",
          training_complete),
    Badge(RECOGNITION, _("Recognition"),
          _("Awarded by a program manager, with a citation, for an outstanding contribution."),
          "#8e44ad", "!", None),
)  # fmt: skip

BY_KEY: dict[str, Badge] = {b.key: b for b in BADGES}


def new_context() -> str:
    import secrets

    return secrets.token_hex(8)
