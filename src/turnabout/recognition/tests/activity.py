"""Real activity for a pair, through the engagement services (the badges' fixtures)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from turnabout.engagement import services
from turnabout.engagement.models import MentoringSession
from turnabout.engagement.tests.factories import NOW
from turnabout.people.models import Skill
from turnabout.programs.models import Phase
from turnabout.programs.tests.factories import move_to


def hold_sessions(pair: Any, n: int) -> None:
    for i in range(n):
        start = NOW + timedelta(days=1 + 14 * i)
        session = services.session_schedule(
            pair.mentorship, starts_at=start, minutes=45, format="video",
            acting_user=pair.mentor, now=NOW, notify=False,
        )  # fmt: skip
        services.session_log(session, outcome="held", acting_user=pair.mentor, now=start)
    assert MentoringSession.objects.filter(mentorship=pair.mentorship, outcome="held").count() >= n


def sign_agreement(pair: Any) -> None:
    data = services.AgreementInput(goals=[services.GoalInput("Learn TikTok")])
    services.agreement_save(pair.mentorship, data=data, acting_user=pair.mentor, now=NOW)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentor, now=NOW)
    services.agreement_sign(pair.mentorship, acting_user=pair.mentee, now=NOW)


def reach_goal(pair: Any) -> None:
    goal = pair.mentorship.goals.first()
    services.goal_update(goal, status="achieved", acting_user=pair.mentee, now=NOW)


def log_learning(pair: Any, *, sides: tuple[str, ...] = ("mentor", "mentee")) -> None:
    skill, _c = Skill.objects.get_or_create(name="Generative AI tools")
    lead, _c2 = Skill.objects.get_or_create(name="Leading change")
    for side in sides:
        user = pair.mentor if side == "mentor" else pair.mentee
        services.learning_add(
            pair.mentorship,
            text="Learned a lot",
            skill_ids=[skill.pk if side == "mentee" else lead.pk],
            acting_user=user,
        )


def close_cohort(pair: Any) -> None:
    cohort = pair.mentorship.cohort
    cohort.refresh_from_db()
    move_to(cohort, Phase.CLOSED, pair.manager)
    cohort.refresh_from_db()
