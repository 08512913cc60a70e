"""Who may see and do what in a pair's engagement. Nowhere else decides.

- The two partners of an active mentorship run it: agreement, sessions, goals, learning.
  An ended mentorship stays readable to them but nothing changes any more.
- Each partner's session rating and comment, and every private reflection, are visible
  to their author alone: not the partner, not a program manager, not an org admin.
- The program's managers (and org admins) see whether a pair's agreement is signed, its
  session counts and whether it is stalled, and the counts and tags of learning entries;
  never the agreement's content, a reflection, a rating or the text of a learning entry.
- Sponsors see the program's counts and tags only.
"""

from __future__ import annotations

from turnabout.common.types import AnyUser
from turnabout.pairing import permissions as pairing_permissions
from turnabout.pairing.models import Mentorship
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Program

READABLE_STATUSES = (Mentorship.Status.ACTIVE, Mentorship.Status.ENDED)


def side_of(user: AnyUser, mentorship: Mentorship) -> str | None:
    """ "mentor" or "mentee" for a partner of the mentorship, else None."""
    return pairing_permissions.side_of(user, mentorship)


def can_view_pair(user: AnyUser, mentorship: Mentorship) -> bool:
    return mentorship.status in READABLE_STATUSES and side_of(user, mentorship) is not None


def can_work_in_pair(user: AnyUser, mentorship: Mentorship) -> bool:
    """Change the agreement, schedule, log, update goals, add learning: active pairs only."""
    return mentorship.status == Mentorship.Status.ACTIVE and side_of(user, mentorship) is not None


def can_view_pair_status(user: AnyUser, mentorship: Mentorship) -> bool:
    """Agreement signed or not, session counts: the partners and the program's managers."""
    return side_of(user, mentorship) is not None or program_permissions.can_manage_cohort(
        user, mentorship.cohort
    )


def can_view_program_engagement(user: AnyUser, program: Program) -> bool:
    """Counts and tags across a program's pairs: its managers, org admins and sponsors."""
    return program_permissions.can_view_program_aggregates(user, program)


def can_view_pair_list(user: AnyUser, program: Program) -> bool:
    """The per-pair status table (signed, sessions, stalled): managers and org admins."""
    return program_permissions.can_manage_program(user, program)
