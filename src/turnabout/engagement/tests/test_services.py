"""The services: agreement, sessions, logs, goals, learning, reflections."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from turnabout.common.errors import Conflict, PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.engagement import selectors, services
from turnabout.engagement.models import (
    Agreement,
    GoalEvent,
    MentoringSession,
    PairGoal,
)
from turnabout.engagement.tests.factories import NOW
from turnabout.learning.models import ConversationGuide
from turnabout.pairing.services import mentorship_end
from turnabout.people.models import Skill

pytestmark = pytest.mark.django_db

GOALS = [
    services.GoalInput("Use an AI assistant weekly", "Drafts the monthly update with it"),
    services.GoalInput("Post a short video", "One video on the company account"),
]


def _agree(pair: Any, **extra: Any) -> Agreement:
    data = services.AgreementInput(goals=GOALS, mentor_gains="See how budgets are set.", **extra)
    return services.agreement_save(pair.mentorship, data=data, acting_user=pair.mentee, now=NOW)


def _schedule(pair: Any, *, days: int = 3, **extra: Any) -> MentoringSession:
    values: dict[str, Any] = {
        "starts_at": NOW + timedelta(days=days),
        "minutes": 45,
        "format": "video",
        "video_url": "https://meet.example.com/abc",
        "agenda": "Tools for the board report",
        "acting_user": pair.mentor,
        "now": NOW,
    }
    values.update(extra)
    return services.session_schedule(pair.mentorship, **values)


def test_agreement_is_prefilled_from_the_program_until_saved(pair: Any) -> None:
    draft = selectors.agreement_of(pair.mentorship)
    assert draft.pk is None
    assert draft.cadence_days == 14
    assert draft.session_minutes == 45
    assert draft.format == "video"
    assert draft.confidentiality == "What is said in the pair stays in the pair."
    assert draft.mentor_expectations == "Prepare one practical example per session."
    assert draft.mentee_expectations == "Practise between sessions."


def test_both_sign_then_a_change_asks_both_to_sign_again(pair: Any) -> None:
    agreement = _agree(pair)
    assert [g.title for g in PairGoal.objects.filter(mentorship=pair.mentorship)] == [
        "Use an AI assistant weekly",
        "Post a short video",
    ]
    services.agreement_sign(pair.mentorship, acting_user=pair.mentee, now=NOW)
    agreement = services.agreement_sign(pair.mentorship, acting_user=pair.mentor, now=NOW)
    assert agreement.is_signed and agreement.signed_at == NOW

    changed = services.agreement_save(
        pair.mentorship,
        data=services.AgreementInput(goals=GOALS, ground_rules="Cameras on."),
        acting_user=pair.mentor,
        now=NOW,
    )
    assert changed.version == 2
    assert changed.mentor_signed_at is None and changed.mentee_signed_at is None
    assert not changed.is_signed


def test_agreement_needs_one_to_three_goals(pair: Any) -> None:
    with pytest.raises(ValidationFailed, match="one to three goals"):
        services.agreement_save(
            pair.mentorship,
            data=services.AgreementInput(goals=[services.GoalInput("")]),
            acting_user=pair.mentor,
        )
    four = [services.GoalInput(f"Goal {n}") for n in range(4)]
    with pytest.raises(ValidationFailed):
        services.agreement_save(
            pair.mentorship, data=services.AgreementInput(goals=four), acting_user=pair.mentor
        )
    with pytest.raises(ValidationFailed, match="at least one goal"):
        services.agreement_sign(pair.mentorship, acting_user=pair.mentor)


def test_outsiders_and_managers_cannot_change_the_agreement(pair: Any, make_user: Any) -> None:
    for user in (make_user(), pair.manager):
        with pytest.raises(PermissionDenied):
            services.agreement_save(
                pair.mentorship, data=services.AgreementInput(goals=GOALS), acting_user=user
            )


def test_audit_log_names_changed_fields_but_never_private_text(pair: Any) -> None:
    _agree(pair)
    record = AuditRecord.objects.get(event="agreement.updated")
    dumped = str(record.changes) + record.message + record.target_label
    assert "goals" in dumped and "mentor_gains" in dumped
    assert "budgets" not in dumped and "AI assistant" not in dumped


def test_a_goal_with_progress_cannot_silently_disappear(pair: Any) -> None:
    _agree(pair)
    goal = PairGoal.objects.get(mentorship=pair.mentorship, position=2)
    services.goal_update(goal, progress=30, acting_user=pair.mentor, now=NOW)
    with pytest.raises(ValidationFailed, match="mark it as dropped"):
        services.agreement_save(
            pair.mentorship,
            data=services.AgreementInput(goals=GOALS[:1]),
            acting_user=pair.mentee,
            now=NOW,
        )


def test_schedule_checks_time_link_and_guide(pair: Any, make_pair: Any) -> None:
    with pytest.raises(ValidationFailed, match="future"):
        _schedule(pair, days=-1)
    with pytest.raises(ValidationFailed, match="video link"):
        _schedule(pair, video_url="javascript:alert(1)")
    with pytest.raises(ValidationFailed, match="time zone"):
        _schedule(pair, starts_at=(NOW + timedelta(days=1)).replace(tzinfo=None))
    other = make_pair()
    foreign = ConversationGuide.objects.create(program=other.program, title="Elsewhere")
    with pytest.raises(ValidationFailed, match="guide of this program"):
        _schedule(pair, guide_id=foreign.pk)
    session = _schedule(pair)
    assert session.sequence == 0 and session.uid.endswith("@turnabout")
    assert session.scheduled_by is not None and session.scheduled_by.user_id == pair.mentor.pk


def test_updates_keep_the_uid_and_raise_the_sequence(pair: Any) -> None:
    session = _schedule(pair)
    uid = session.uid
    moved = services.session_update(
        session, starts_at=NOW + timedelta(days=4), acting_user=pair.mentee, now=NOW
    )
    assert (moved.uid, moved.sequence) == (uid, 1)
    unchanged = services.session_update(session, minutes=45, acting_user=pair.mentee, now=NOW)
    assert unchanged.sequence == 1
    cancelled = services.session_cancel(moved, note="Ill", acting_user=pair.mentor, now=NOW)
    assert (cancelled.uid, cancelled.sequence, cancelled.status) == (uid, 2, "cancelled")
    with pytest.raises(Conflict):
        services.session_update(cancelled, minutes=30, acting_user=pair.mentor, now=NOW)
    with pytest.raises(Conflict, match="nothing to log"):
        services.session_log(cancelled, outcome="held", acting_user=pair.mentor, now=NOW)


def test_each_partner_logs_and_held_wins(pair: Any) -> None:
    session = _schedule(pair)
    later = session.ends_at + timedelta(hours=1)
    with pytest.raises(ValidationFailed, match="once its time has come"):
        services.session_log(session, outcome="held", acting_user=pair.mentor, now=NOW)
    skill = Skill.objects.get(name="Generative AI tools")
    services.session_log(session, outcome="no_show", acting_user=pair.mentor, now=later, rating=5)
    session.refresh_from_db()
    assert session.outcome == "no_show"
    mine = services.session_log(
        session,
        outcome="held",
        topic_ids=[skill.pk],
        rating=4,
        comment="Useful",
        acting_user=pair.mentee,
        now=later,
    )
    session.refresh_from_db()
    assert session.outcome == "held"
    assert mine.rating == 4 and [t.name for t in mine.topics.all()] == ["Generative AI tools"]
    mentor_log = session.logs.get(side="mentor")
    assert mentor_log.rating is None  # no rating for a session that did not happen
    with pytest.raises(ValidationFailed, match="skills catalogue"):
        services.session_log(
            session, outcome="held", topic_ids=[999999], acting_user=pair.mentee, now=later
        )
    with pytest.raises(ValidationFailed):
        services.session_log(session, outcome="held", rating=6, acting_user=pair.mentee, now=later)


def test_goal_updates_and_milestones_keep_a_history(pair: Any) -> None:
    _agree(pair)
    goal = PairGoal.objects.get(mentorship=pair.mentorship, position=1)
    services.goal_update(goal, progress=20, note="First try", acting_user=pair.mentee, now=NOW)
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == ("in_progress", 20)
    milestone = services.milestone_add(goal, title="Try alone", acting_user=pair.mentor, now=NOW)
    services.milestone_set_done(milestone, done=True, acting_user=pair.mentee, now=NOW)
    services.goal_update(goal, status="achieved", acting_user=pair.mentor, now=NOW)
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == ("achieved", 100)
    kinds = list(GoalEvent.objects.filter(goal=goal).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "updated", "milestone_added", "milestone_done", "updated"]
    first_update = GoalEvent.objects.filter(goal=goal, kind="updated").order_by("pk").first()
    assert first_update is not None
    assert (first_update.progress_from, first_update.progress_to, first_update.note) == (
        0,
        20,
        "First try",
    )
    with pytest.raises(ValidationFailed):
        services.goal_update(goal, progress=101, acting_user=pair.mentor)


def test_learning_entries_are_tagged_and_two_way(pair: Any) -> None:
    skill = Skill.objects.get(name="TikTok")
    services.learning_add(
        pair.mentorship, text="How the feed works", skill_ids=[skill.pk], acting_user=pair.mentee
    )
    services.learning_add(pair.mentorship, text="How budgets are set", acting_user=pair.mentor)
    entries = list(selectors.learning_of_pair(pair.mentorship))
    assert sorted(e.side for e in entries) == ["mentee", "mentor"]
    with pytest.raises(ValidationFailed):
        services.learning_add(pair.mentorship, text="   ", acting_user=pair.mentor)


def test_nothing_changes_in_an_ended_pair(pair: Any) -> None:
    mentorship_end(pair.mentorship, reason="Moving teams", acting_user=pair.mentor)
    pair.refresh()
    with pytest.raises(PermissionDenied):
        _schedule(pair)
    assert selectors.pair_get(user=pair.mentor, mentorship_id=pair.mentorship.pk)
