"""Reads of the participant portal: the hub ("My mentoring") and the home page's tiles.

Each gathers what other apps' selectors return for the signed-in user; the views pass it
to the templates, which run no queries of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from turnabout.accounts import permissions as roles
from turnabout.common.types import AnyUser
from turnabout.engagement import selectors as engagement_selectors
from turnabout.engagement.ics import zone_of
from turnabout.engagement.models import Side
from turnabout.enrollment import selectors as enrollment_selectors
from turnabout.enrollment.models import Application
from turnabout.pairing import permissions as pairing_permissions
from turnabout.pairing import selectors as pairing_selectors
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee
from turnabout.people.permissions import is_participant
from turnabout.programs import selectors as program_selectors
from turnabout.programs.models import Cohort

HUB_PAIRS = 5
HUB_LIST = 10
HUB_JOINABLE = 6


@dataclass(frozen=True)
class MatchWaiting:
    """A published match that is not active yet: either side may still have to answer."""

    mentorship: Mentorship
    side: str
    partner: Employee
    i_accepted: bool


@dataclass
class Hub:
    """Everything a participant follows, most urgent first: a match waiting for an answer,
    the active pairs, the applications, the cohorts open to join, then earlier pairs."""

    matches: list[MatchWaiting] = field(default_factory=list)
    pairs: list[engagement_selectors.PairSummary] = field(default_factory=list)
    zone: str = "UTC"
    applications: list[Application] = field(default_factory=list)
    joinable: list[Cohort] = field(default_factory=list)
    earlier_pairs: list[Mentorship] = field(default_factory=list)

    @property
    def to_answer(self) -> list[MatchWaiting]:
        return [match for match in self.matches if not match.i_accepted]

    @property
    def is_empty(self) -> bool:
        return not (
            self.matches or self.pairs or self.applications or self.joinable or self.earlier_pairs
        )


def participant_hub(*, user: AnyUser, now: datetime | None = None) -> Hub:
    """The signed-in participant's hub; empty for accounts without an employee record.

    A bounded number of queries: each list is capped, and the pair summaries are at most
    HUB_PAIRS.
    """
    me = engagement_selectors.employee_of(user)
    if me is None:
        return Hub()
    proposed = pairing_selectors.mentorships_of_user(user=user).filter(
        status=Mentorship.Status.PROPOSED
    )[:HUB_LIST]
    matches = []
    for m in proposed:
        side = Side.MENTOR if m.mentor_id == me.pk else Side.MENTEE
        matches.append(
            MatchWaiting(
                mentorship=m,
                side=side,
                partner=engagement_selectors.partner_of(m, side),
                i_accepted=m.accepted_by(side),
            )
        )
    applications = enrollment_selectors.applications_of_user(user=user)
    applied = applications.exclude(status=Application.Status.WITHDRAWN).values("cohort_id")
    joinable = program_selectors.cohorts_joinable(user=user).exclude(pk__in=applied)
    return Hub(
        matches=matches,
        pairs=engagement_selectors.home_summaries(user=user, now=now, limit=HUB_PAIRS),
        zone=zone_of(me).key,
        applications=list(applications[:HUB_LIST]),
        joinable=list(joinable[:HUB_JOINABLE]),
        earlier_pairs=list(
            engagement_selectors.my_pairs(user=user).exclude(status=Mentorship.Status.ACTIVE)[
                :HUB_LIST
            ]
        ),
    )


# --- Home page tiles ------------------------------------------------------------------------


def home_pairs(*, user: AnyUser) -> dict[str, Any]:
    """The participant's active pairs with what to do next, and for managers the programs
    whose engagement they follow."""
    if not user.is_authenticated:
        return {}
    summaries = engagement_selectors.home_summaries(user=user)
    me = engagement_selectors.employee_of(user)
    programs = list(engagement_selectors.engaged_programs(user=user)[:6]) if not summaries else []
    return {
        "pairs": summaries,
        "zone": zone_of(me).key if me is not None else "UTC",
        "programs": programs,
    }


def home_programs(*, user: AnyUser) -> dict[str, Any]:
    """The user's applications, the cohorts open to them, and the programs they manage."""
    if not user.is_authenticated:
        return {}
    result: dict[str, Any] = {}
    if is_participant(user):
        result["applications"] = list(enrollment_selectors.applications_of_user(user=user)[:10])
        result["joinable"] = list(program_selectors.cohorts_joinable(user=user)[:5])
    if roles.is_org_admin(user) or roles.is_program_manager(user):
        result["managed"] = list(program_selectors.program_list(user=user)[:10])
    return result


def home_matches(*, user: AnyUser) -> list[dict[str, Any]]:
    """The user's live mentorships (proposed or active), at most five."""
    if not user.is_authenticated:
        return []
    items = pairing_selectors.mentorships_of_user(user=user).filter(
        status__in=[Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE]
    )[:5]
    out = []
    for mentorship in items:
        side = pairing_permissions.side_of(user, mentorship)
        if side is None:
            continue
        partner = mentorship.mentee if side == "mentor" else mentorship.mentor
        out.append(
            {
                "m": mentorship,
                "side": side,
                "partner": partner,
                "i_accepted": mentorship.accepted_by(side),
            }
        )
    return out
