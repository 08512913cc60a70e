"""Who may do what with badges, certificates and stories. Nowhere else decides.

- Anybody signed in sees a person's badges (they are public recognition, earned by activity).
- A certificate's PDF: its holder, and the managers of its program. Its verification page
  is public (no login): name, program and date only.
- Managers of a program award the "recognition" badge (with a citation), issue and revoke
  certificates, and publish stories that both partners consented to.
- The two partners of a pair write their story together and each gives or withdraws consent.
- Published stories are public to every signed-in employee (the program's public page) and
  sponsors; unpublished ones are seen only by the pair and the program's managers.
"""

from __future__ import annotations

from turnabout.common.types import AnyUser
from turnabout.pairing.models import Mentorship
from turnabout.pairing.permissions import side_of
from turnabout.programs import permissions as program_permissions
from turnabout.programs.models import Cohort
from turnabout.recognition.models import Certificate, SuccessStory


def can_manage_recognition(user: AnyUser, cohort: Cohort) -> bool:
    return program_permissions.can_manage_cohort(user, cohort)


def can_download_certificate(user: AnyUser, certificate: Certificate) -> bool:
    if not user.is_authenticated:
        return False
    if certificate.person.user_id == user.pk:
        return True
    return can_manage_recognition(user, certificate.cohort)


def partner_side(user: AnyUser, mentorship: Mentorship) -> str | None:
    return side_of(user, mentorship)


def can_view_story(user: AnyUser, story: SuccessStory) -> bool:
    if not user.is_authenticated:
        return False
    if story.is_published:
        return True
    return side_of(user, story.mentorship) is not None or can_manage_recognition(
        user, story.mentorship.cohort
    )
