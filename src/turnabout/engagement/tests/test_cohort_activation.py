"""A matched cohort becomes Active when its first pair holds a session (a system action)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from turnabout.common.models import AuditRecord
from turnabout.engagement import services
from turnabout.engagement.tests.factories import NOW
from turnabout.programs.models import CohortPhaseChange, Phase

pytestmark = pytest.mark.django_db


def _session(pair: Any) -> Any:
    return services.session_schedule(
        pair.mentorship,
        starts_at=NOW + timedelta(days=3),
        minutes=45,
        format="video",
        video_url="https://meet.example.com/abc",
        agenda="Tools",
        acting_user=pair.mentor,
        now=NOW,
    )


def test_the_first_held_session_moves_a_matched_cohort_to_active(pair: Any) -> None:
    cohort = pair.mentorship.cohort
    cohort.refresh_from_db()
    assert cohort.phase == Phase.MATCHED
    session = _session(pair)
    later = session.ends_at + timedelta(hours=1)
    services.session_log(session, outcome="no_show", acting_user=pair.mentor, now=later)
    cohort.refresh_from_db()
    assert cohort.phase == Phase.MATCHED  # a no-show is not a held session
    services.session_log(session, outcome="held", acting_user=pair.mentee, now=later)
    cohort.refresh_from_db()
    assert cohort.phase == Phase.ACTIVE
    change = CohortPhaseChange.objects.filter(cohort=cohort).latest("pk")
    assert (change.from_phase, change.to_phase) == ("matched", "active")
    assert change.actor_label == "system"
    record = AuditRecord.objects.filter(event="cohort.phase_changed").latest("pk")
    assert record.actor_id is None
    # Logging again changes nothing more.
    services.session_log(session, outcome="held", acting_user=pair.mentor, now=later)
    assert CohortPhaseChange.objects.filter(cohort=cohort, to_phase="active").count() == 1
