"""The learning log (shared in the pair) and private reflections (the author alone)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import ValidationFailed, require
from turnabout.common.schemas import clean_text
from turnabout.common.types import AnyUser
from turnabout.engagement import permissions
from turnabout.engagement.audit import EngagementEvent
from turnabout.engagement.models import (
    LearningEntry,
    MentoringSession,
    Reflection,
)
from turnabout.engagement.services._shared import (
    _me,
    _partner_side,
    _skills,
)
from turnabout.pairing.models import Mentorship

MAX_REFLECTION = Reflection.BODY_MAX


@transaction.atomic
def learning_add(
    mentorship: Mentorship,
    *,
    text: str,
    skill_ids: Iterable[int] = (),
    session_id: int | None = None,
    acting_user: AnyUser,
) -> LearningEntry:
    """A partner notes what they learned from the other, tagged with skills."""
    side = _partner_side(acting_user, mentorship)
    session = None
    if session_id is not None:
        session = MentoringSession.objects.filter(pk=session_id, mentorship=mentorship).first()
        if session is None:
            raise ValidationFailed(
                _("Choose a session of this pair."), details={"field": "session"}
            )
    entry = LearningEntry.objects.create(
        mentorship=mentorship,
        author=_me(acting_user),
        side=side,
        text=clean_text(text, field="text", max_length=LearningEntry.TEXT_MAX, required=True),
        session=session,
    )
    entry.skills.set(_skills(skill_ids))
    audit_record(
        actor=acting_user,
        event=EngagementEvent.LEARNING_ADDED,
        target=mentorship,
        message=_("by the %(side)s") % {"side": side},
    )
    return entry


@transaction.atomic
def reflection_add(
    *, body: str, mentorship_id: int | None = None, acting_user: AnyUser
) -> Reflection:
    """A private journal entry, visible to its author alone."""
    require(acting_user.is_authenticated, _("Log in to write a reflection."))
    mentorship = None
    if mentorship_id is not None:
        mentorship = Mentorship.objects.select_related("cohort").filter(pk=mentorship_id).first()
        if mentorship is None or not permissions.can_view_pair(acting_user, mentorship):
            raise ValidationFailed(
                _("Choose one of your own pairs."), details={"field": "mentorship"}
            )
    author_id = acting_user.pk
    assert author_id is not None
    reflection = Reflection.objects.create(
        author_id=author_id,
        mentorship=mentorship,
        body=clean_text(body, field="body", max_length=MAX_REFLECTION, required=True),
    )
    audit_record(actor=acting_user, event=EngagementEvent.REFLECTION_ADDED, target=reflection)
    return reflection


@transaction.atomic
def reflection_delete(reflection: Reflection, *, acting_user: AnyUser) -> None:
    require(
        acting_user.is_authenticated and reflection.author_id == acting_user.pk,
        _("Only the author can delete a reflection."),
    )
    audit_record(actor=acting_user, event=EngagementEvent.REFLECTION_DELETED, target=reflection)
    reflection.delete()
