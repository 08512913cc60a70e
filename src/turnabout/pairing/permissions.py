"""Who may do what with match runs and mentorships. Nowhere else decides.

- The managers of a cohort's program (and org admins) run the matching, review and adjust
  proposals, publish, re-match, see every pair of the cohort with scores and the
  confidential decline or end reasons, and end a pair.
- A mentor or mentee sees their own mentorships only: the partner's profile summary and
  why they were matched, never a score, another pair or a decline reason. They accept,
  decline or end their own pair.
- Org admins (who run the HR import) end the pairs of people who left the company.
- Sponsors see counts only. Anybody else sees nothing (404).
"""

from __future__ import annotations

from turnabout.accounts.permissions import is_org_admin
from turnabout.common.types import AnyUser
from turnabout.pairing.models import Mentorship
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Cohort


def can_manage_pairing(user: AnyUser, cohort: Cohort) -> bool:
    return program_permissions.can_manage_cohort(user, cohort)


def can_view_counts(user: AnyUser, cohort: Cohort) -> bool:
    return program_permissions.can_view_program_aggregates(user, cohort.program)


def side_of(user: AnyUser, mentorship: Mentorship) -> str | None:
    """ "mentor" or "mentee" when `user` is that partner of the mentorship, else None."""
    if not user.is_authenticated:
        return None
    employee_id = getattr(getattr(user, "employee", None), "pk", None)
    if employee_id is None:
        return None
    if mentorship.mentor_id == employee_id:
        return "mentor"
    if mentorship.mentee_id == employee_id:
        return "mentee"
    return None


def can_view_mentorship(user: AnyUser, mentorship: Mentorship) -> bool:
    return side_of(user, mentorship) is not None or can_manage_pairing(user, mentorship.cohort)


def can_answer(user: AnyUser, mentorship: Mentorship) -> bool:
    """Accept or decline: the two partners only."""
    return side_of(user, mentorship) is not None


def can_end(user: AnyUser, mentorship: Mentorship) -> bool:
    return side_of(user, mentorship) is not None or can_manage_pairing(user, mentorship.cohort)


def can_end_for_leavers(user: AnyUser) -> bool:
    """End every pair of people the HR import terminated: who may run that import."""
    return is_org_admin(user)
