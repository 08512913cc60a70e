"""The demo builder, on one pair of a program with the demo's name."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from turnabout.demo.engagement import GUIDES, engagement_demo_build
from turnabout.demo.people import ANCHOR
from turnabout.demo.programs import PROGRAM_NAME
from turnabout.engagement.models import Agreement, MentoringSession
from turnabout.learning.models import ConversationGuide

pytestmark = pytest.mark.django_db


def test_demo_builds_a_relationship_once(make_pair: Any) -> None:
    assert engagement_demo_build() is None  # no demo program yet
    pair = make_pair(name=PROGRAM_NAME, activated_at=datetime.combine(ANCHOR, time(11), UTC))
    summary = engagement_demo_build(seed=7)
    assert summary is not None
    assert summary.guides == len(GUIDES) == ConversationGuide.objects.count()
    assert all(len(g.questions) >= 4 and g.agenda for g in ConversationGuide.objects.all())
    assert Agreement.objects.get(mentorship=pair.mentorship).is_signed
    sessions = MentoringSession.objects.filter(mentorship=pair.mentorship)
    assert summary.sessions == sessions.count() >= 6
    assert sessions.filter(outcome="held").count() == summary.held >= 3
    assert sessions.filter(status="scheduled", outcome="").exists()  # the upcoming one
    assert pair.mentorship.goals.filter(status="in_progress").exists()
    assert engagement_demo_build(seed=7) is None  # once only
