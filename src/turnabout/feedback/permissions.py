"""Who may see and do what with surveys. Nowhere else decides.

- The managers of a cohort's program (and org admins) build, preview, edit, open and close
  its surveys, see the results, export them, and see each partner's answer of a pair-mode
  survey (pairing fit, pulse) and the fit flags.
- Sponsors see the results of every program as aggregates only: counts, means and charts
  above the privacy floor; no per-pair answer, no free text, no export.
- A participant answers the surveys they are invited to and sees their own answers and
  their own growth chart. A partner never sees the other partner's answer.
- Confidential answers reach managers only inside aggregates above the floor; anonymous
  answers have no link to a person at all, so nobody can see "whose" they are.
"""

from __future__ import annotations

from turnabout.accounts import permissions as roles
from turnabout.common.types import AnyUser
from turnabout.feedback.models import Invitation, Survey
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Cohort


def can_manage_surveys(user: AnyUser, cohort: Cohort) -> bool:
    return program_permissions.can_manage_cohort(user, cohort)


def can_view_results(user: AnyUser, survey: Survey) -> bool:
    """Aggregates above the floor: the program's managers, org admins and sponsors."""
    return program_permissions.can_view_program_aggregates(user, survey.cohort.program)


def can_view_details(user: AnyUser, survey: Survey) -> bool:
    """Free text, per-pair answers and exports: the program's managers and org admins."""
    return can_manage_surveys(user, survey.cohort)


def is_sponsor_only(user: AnyUser, survey: Survey) -> bool:
    return roles.is_sponsor(user) and not can_manage_surveys(user, survey.cohort)


def can_answer(user: AnyUser, invitation: Invitation) -> bool:
    """Only the invited person, and only their own invitation."""
    if not user.is_authenticated:
        return False
    return bool(invitation.person.user_id == user.pk)
