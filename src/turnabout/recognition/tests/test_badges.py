"""Badge rules: each from a fixture of real activity; the award is idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from turnabout.common.errors import PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.learning.tests.helpers import complete_training
from turnabout.recognition import badges, services
from turnabout.recognition.models import BadgeAward
from turnabout.recognition.tests.activity import (
    close_cohort,
    hold_sessions,
    log_learning,
    reach_goal,
    sign_agreement,
)

pytestmark = pytest.mark.django_db


def _keys(pair: Any, person: Any) -> set[str]:
    return set(BadgeAward.objects.filter(person=person).values_list("badge", flat=True))


def test_nothing_is_earned_without_activity(pair: Any) -> None:
    assert services.badges_award() == {}
    assert not BadgeAward.objects.exists()


def test_first_and_five_sessions(pair: Any) -> None:
    hold_sessions(pair, 1)
    assert services.badges_award() == {"first_session": 2}
    hold_sessions(pair, 4)
    assert services.badges_award() == {"five_sessions": 2}
    assert services.badges_award() == {}  # idempotent
    assert BadgeAward.objects.filter(badge="first_session").count() == 2


def test_agreement_goal_and_learning_both_ways(pair: Any) -> None:
    sign_agreement(pair)
    assert services.badges_award() == {"agreement_signed": 2}
    reach_goal(pair)
    assert services.badges_award() == {"goal_completed": 2}
    log_learning(pair, sides=("mentee",))
    assert "both_learned" not in services.badges_award()
    log_learning(pair, sides=("mentor",))
    assert services.badges_award() == {"both_learned": 2}


def test_completion_and_top_health_per_cohort(make_pair: Any) -> None:
    strong = make_pair()
    hold_sessions(strong, 3)
    reach_goal_pair = strong
    sign_agreement(reach_goal_pair)
    reach_goal(reach_goal_pair)
    assert "program_completed" not in services.badges_award()  # cohort still open
    close_cohort(strong)
    awarded = services.badges_award()
    assert awarded["program_completed"] == 2
    assert awarded["top_health"] == 1
    mentor_person = strong.mentorship.mentor
    assert "top_health" in _keys(strong, mentor_person)
    assert "top_health" not in _keys(strong, strong.mentorship.mentee)
    award = BadgeAward.objects.get(badge="program_completed", person=mentor_person)
    assert award.context == f"cohort:{strong.mentorship.cohort_id}"
    assert services.badges_award() == {}


def test_training_complete(pair: Any) -> None:
    complete_training(pair.mentor, pair.program, "mentor", leave=1)
    assert "training_complete" not in services.badges_award()
    complete_training(pair.mentor, pair.program, "mentor")
    assert services.badges_award() == {"training_complete": 1}
    assert BadgeAward.objects.get(badge="training_complete").person == pair.mentorship.mentor


def test_the_tick_awards_badges_once(pair: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    hold_sessions(pair, 1)
    out = StringIO()
    call_command("tick", stdout=out)
    assert "2 badges" in out.getvalue()
    again = StringIO()
    call_command("tick", stdout=again)
    assert "badges" not in again.getvalue()


def test_recognition_badge_by_hand_is_audited(pair: Any, make_user: Any) -> None:
    cohort = pair.mentorship.cohort
    mentee = pair.mentorship.mentee
    award = services.badge_award_recognition(
        cohort, person=mentee, citation="Opened our  board to TikTok.", acting_user=pair.manager
    )
    assert award.badge == badges.RECOGNITION and award.citation == "Opened our board to TikTok."
    record = AuditRecord.objects.get(event="recognition.badge_awarded")
    assert record.changes["citation"] == [None, "Opened our board to TikTok."]
    with pytest.raises(PermissionDenied):
        services.badge_award_recognition(
            cohort, person=mentee, citation="x", acting_user=pair.mentor
        )
    with pytest.raises(ValidationFailed):
        services.badge_award_recognition(
            cohort, person=mentee, citation=" ", acting_user=pair.manager
        )
    outsider = make_user().employee
    with pytest.raises(ValidationFailed):
        services.badge_award_recognition(
            cohort, person=outsider, citation="Nice", acting_user=pair.manager
        )


def test_every_badge_has_a_name_a_rule_and_an_emblem() -> None:
    assert len(badges.BADGES) == 9
    for badge in badges.BADGES:
        svg = str(badge.emblem())
        assert svg.startswith("<svg") and f"<title>{badge.name}</title>" in svg
        assert str(badge.rule)
