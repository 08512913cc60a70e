"""Success stories: written together at wrap-up, both consent before a manager publishes,
either withdraws (which unpublishes); published stories on the public page and for sponsors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from turnabout.common.errors import Conflict, ErrorCode, PermissionDenied
from turnabout.engagement import services as engagement
from turnabout.programs.models import Phase
from turnabout.programs.tests.factories import move_to
from turnabout.recognition import services
from turnabout.recognition.models import SuccessStory

pytestmark = pytest.mark.django_db


def _wrap_up(pair: Any) -> None:
    cohort = pair.mentorship.cohort
    cohort.refresh_from_db()
    move_to(cohort, Phase.WRAPPING_UP, pair.manager)
    pair.refresh()


def test_consent_publish_and_withdraw(pair: Any, sponsor: Any) -> None:
    with pytest.raises(Conflict) as early:
        services.story_save(pair.mentorship, title="T", body="B", acting_user=pair.mentor)
    assert early.value.code == ErrorCode.STORY_NOT_ALLOWED_NOW
    _wrap_up(pair)
    story = services.story_save(
        pair.mentorship, title="Two-way street", body="We both learned.", acting_user=pair.mentor
    )
    assert story.mentor_consent_at is not None and story.mentee_consent_at is None
    with pytest.raises(Conflict) as missing:
        services.story_publish(story, acting_user=pair.manager)
    assert missing.value.code == ErrorCode.STORY_CONSENT_MISSING
    assert missing.value.params == {"missing": ["mentee"]}
    services.story_consent(story, acting_user=pair.mentee, consent=True)
    # An edit clears the other partner's consent.
    story = services.story_save(
        pair.mentorship, title="Two-way street", body="We both learned a lot.",
        acting_user=pair.mentee,
    )  # fmt: skip
    assert story.mentor_consent_at is None and story.mentee_consent_at is not None
    services.story_consent(story, acting_user=pair.mentor, consent=True)
    with pytest.raises(PermissionDenied):
        services.story_publish(story, acting_user=pair.mentor)
    story = services.story_publish(story, acting_user=pair.manager)
    assert story.is_published

    public = Client()
    public.force_login(sponsor)
    cohort_id = pair.mentorship.cohort_id
    assert (
        "We both learned a lot."
        in public.get(f"/programs/cohorts/{cohort_id}/about/").content.decode()
    )
    assert "We both learned a lot." in public.get(f"/programs/{pair.program.pk}/").content.decode()
    with pytest.raises(Conflict) as locked:
        services.story_save(pair.mentorship, title="X", body="Y", acting_user=pair.mentor)
    assert locked.value.code == ErrorCode.STORY_LOCKED

    services.story_consent(story, acting_user=pair.mentee, consent=False)
    story.refresh_from_db()
    assert not story.is_published
    assert (
        "We both learned a lot." not in public.get(f"/programs/{pair.program.pk}/").content.decode()
    )


def test_a_story_never_carries_a_private_reflection_or_rating(pair: Any) -> None:
    engagement.reflection_add(
        body="PRIVATE-THOUGHT", mentorship_id=pair.mentorship.pk, acting_user=pair.mentor
    )
    _wrap_up(pair)
    story = services.story_save(
        pair.mentorship, title="Ours", body="What we did.", acting_user=pair.mentor
    )
    services.story_consent(story, acting_user=pair.mentee, consent=True)
    services.story_publish(story, acting_user=pair.manager)
    fields = {f.name for f in SuccessStory._meta.get_fields()}
    assert not {"rating", "reflection", "comment"} & fields
    client = Client()
    client.force_login(pair.manager)
    page = client.get(f"/recognition/cohorts/{pair.mentorship.cohort_id}/").content.decode()
    assert "What we did." in page and "PRIVATE-THOUGHT" not in page


def test_only_partners_write_and_consent(pair: Any, make_user: Any) -> None:
    _wrap_up(pair)
    with pytest.raises(PermissionDenied):
        services.story_save(pair.mentorship, title="T", body="B", acting_user=pair.manager)
    story = services.story_save(pair.mentorship, title="T", body="B", acting_user=pair.mentor)
    with pytest.raises(PermissionDenied):
        services.story_consent(story, acting_user=make_user(), consent=True)
    outsider = Client()
    outsider.force_login(make_user())
    assert outsider.get(f"/recognition/pairs/{pair.mentorship.pk}/story/").status_code == 404
