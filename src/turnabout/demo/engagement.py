"""The demo's engagement: conversation guides, agreements, three months of sessions, goals,
learning logs and private reflections for the active pairs of the current cohort.

`engagement_demo_build` runs after `turnabout.demo.pairing.pairing_demo_build`. Acting as
each partner it goes through the services with an explicit `now`, on a timeline that
starts when the pairs became active (the people demo's anchor date) and runs twelve weeks
to `DEMO_TODAY`: most agreements signed, sessions every cadence period (held, a few
cancelled ahead, a few no-shows, the last ones not yet logged), goals in progress with
milestones, learning on both sides, two pairs that stopped meeting (the managers see them
flagged) and one upcoming session per pair. Only timestamps the services set from the wall
clock are moved to the demo calendar afterwards. `random.Random(seed)`: same seed, same data.
No email is queued.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Min

from turnabout.demo.files import load_toml
from turnabout.demo.people import ANCHOR, DEFAULT_SEED
from turnabout.demo.programs import MENTEE_EMAIL, MENTOR_EMAIL, PROGRAM_NAME
from turnabout.engagement import services
from turnabout.engagement.ics import zone_of
from turnabout.engagement.models import (
    LearningEntry,
    MentoringSession,
    PairGoal,
    Reflection,
    SessionLog,
)
from turnabout.learning.models import ConversationGuide
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Skill
from turnabout.programs.models import Program

DEMO_TODAY = datetime.combine(ANCHOR + timedelta(weeks=12), time(9, 0), tzinfo=UTC)

_ENGAGEMENT = load_toml("engagement.toml")

GUIDES: list[dict[str, Any]] = [
    {**guide, "stage": ConversationGuide.Stage(guide["stage"])} for guide in _ENGAGEMENT["guides"]
]
# A goal for a topic: its title and how it will show.
GOAL_BANK: dict[str, tuple[str, str]] = {
    topic: (goal["title"], goal["evidence"]) for topic, goal in _ENGAGEMENT["goal_bank"].items()
}
MENTOR_GAINS: list[str] = _ENGAGEMENT["mentor_gains"]
GROUND_RULES: list[str] = _ENGAGEMENT["ground_rules"]
MENTEE_LEARNED: list[tuple[str, str]] = [
    (entry["skill"], entry["text"]) for entry in _ENGAGEMENT["mentee_learned"]
]
MENTOR_LEARNED: list[tuple[str, str]] = [
    (entry["skill"], entry["text"]) for entry in _ENGAGEMENT["mentor_learned"]
]
MENTEE_REFLECTIONS: list[str] = _ENGAGEMENT["mentee_reflections"]
MENTOR_REFLECTIONS: list[str] = _ENGAGEMENT["mentor_reflections"]
COMMENTS: list[str] = _ENGAGEMENT["comments"]
VIDEO: str = _ENGAGEMENT["video"]
ROOMS: list[str] = _ENGAGEMENT["rooms"]


@dataclass(frozen=True)
class EngagementDemoSummary:
    guides: int
    agreements: int
    signed: int
    sessions: int
    held: int
    goals: int
    learning: int
    reflections: int


def _guides(program: Program) -> list[ConversationGuide]:
    return [
        ConversationGuide.objects.create(program=program, position=n, **data)
        for n, data in enumerate(GUIDES, start=1)
    ]


def _local(when: datetime, zone: ZoneInfo, hour: int, minute: int = 0) -> datetime:
    """The same day at hour:minute in the zone (a plausible working hour for somebody)."""
    return datetime.combine(when.astimezone(zone).date(), time(hour, minute), tzinfo=zone)


def _meeting_time(
    day: datetime, mentee_zone: ZoneInfo, mentor_zone: ZoneInfo, rng: random.Random
) -> datetime:
    """A slot inside both partners' working hours when there is one (8:00-18:00 local)."""
    hours = [9, 10, 11, 14, 15, 16]
    rng.shuffle(hours)
    minute = rng.choice((0, 30))
    for hour in [*hours, 8, 12, 13, 17]:
        starts = _local(day, mentee_zone, hour, minute)
        if 8 <= starts.astimezone(mentor_zone).hour < 18:
            return starts
    return _local(day, mentee_zone, hours[0], minute)


def _goals_for(mentorship: Mentorship, rng: random.Random) -> list[services.GoalInput]:
    wants = mentorship.mentee_application.wants or {}
    ranked = sorted(wants, key=lambda k: ({"high": 0, "medium": 1, "low": 2}.get(wants[k], 3), k))
    goals: list[services.GoalInput] = []
    target = rng.choice((2, 3))
    for topic in ranked:
        title, evidence = GOAL_BANK.get(
            topic,
            (f"Get confident with {topic.lower()}", "Uses it in real work and shows the team"),
        )
        goals.append(services.GoalInput(title=title, evidence=evidence))
        if len(goals) == target:
            break
    return goals or [services.GoalInput(title=GOAL_BANK["Generative AI tools"][0])]


def _pair(
    m: Mentorship,
    *,
    users: dict[int, Any],
    guides: list[ConversationGuide],
    skills: dict[str, Skill],
    rng: random.Random,
    plan: str,
    counts: dict[str, int],
) -> None:
    mentor_user, mentee_user = users[m.mentor.user_id or 0], users[m.mentee.user_id or 0]
    activated = m.activated_at or datetime.combine(ANCHOR, time(11), tzinfo=UTC)
    program = m.cohort.program
    cadence = program.meeting_every_days
    agreed_at = activated + timedelta(days=rng.randint(3, 9), hours=2)
    if plan != "no_agreement":
        data = services.AgreementInput(
            goals=_goals_for(m, rng),
            mentor_gains=rng.choice(MENTOR_GAINS),
            channel=rng.choice(["chat", "email", "chat", "face_to_face"]),
            ground_rules=rng.choice(GROUND_RULES),
        )
        agreement = services.agreement_save(m, data=data, acting_user=mentee_user, now=agreed_at)
        counts["agreements"] += 1
        services.agreement_sign(m, acting_user=mentee_user, now=agreed_at + timedelta(hours=1))
        if plan != "half_signed":
            services.agreement_sign(m, acting_user=mentor_user, now=agreed_at + timedelta(hours=20))
            counts["signed"] += 1
        type(agreement).objects.filter(pk=agreement.pk).update(
            created_at=agreed_at, updated_at=agreed_at + timedelta(hours=20)
        )

    mentor_zone, mentee_zone = zone_of(m.mentor), zone_of(m.mentee)
    goals = list(PairGoal.objects.filter(mentorship=m))
    stop = activated + timedelta(weeks=4) if plan == "stalled" else None
    day = activated + timedelta(days=rng.randint(6, 10))
    number = 0
    video = VIDEO.format(f"nl-{m.pk:03d}")
    while True:
        number += 1
        while day.astimezone(mentee_zone).weekday() >= 5:
            day += timedelta(days=1)
        starts = _meeting_time(day, mentee_zone, mentor_zone, rng)
        if stop is not None and starts > stop:
            break  # this pair stopped meeting: the managers see it flagged
        in_person = m.mentor.location == m.mentee.location and rng.random() < 0.5
        guide = (
            guides[0] if number == 1 else (guides[4] if number == 5 else rng.choice(guides[1:4]))
        )
        scheduler = mentor_user if rng.random() < 0.6 else mentee_user
        session = services.session_schedule(
            m,
            starts_at=starts,
            minutes=program.session_minutes,
            format="in_person" if in_person else "video",
            place=rng.choice(ROOMS) if in_person else "",
            video_url="" if in_person else video,
            agenda=guide.agenda_text,
            guide_id=guide.pk,
            acting_user=scheduler,
            now=starts - timedelta(days=rng.randint(4, 10)),
            notify=False,
        )
        MentoringSession.objects.filter(pk=session.pk).update(
            created_at=starts - timedelta(days=7), updated_at=starts - timedelta(days=7)
        )
        counts["sessions"] += 1
        if starts >= DEMO_TODAY:
            break  # the next, upcoming session
        fate = rng.random()
        if fate < 0.08:
            services.session_cancel(
                session,
                note=rng.choice(
                    [
                        "Board meeting moved; sorry!",
                        "Off sick, let's rebook.",
                        "Travelling that week.",
                    ]
                ),
                acting_user=mentee_user if rng.random() < 0.7 else mentor_user,
                now=starts - timedelta(days=1),
                notify=False,
            )
        else:
            outcome = "no_show" if fate < 0.13 else "held"
            recent = DEMO_TODAY - starts < timedelta(days=5)
            for user, side in ((mentor_user, "mentor"), (mentee_user, "mentee")):
                if recent and side == "mentor" and rng.random() < 0.6:
                    continue  # not logged yet: "log it" on the home page
                topics = [
                    skills[t]
                    for t in rng.sample(
                        sorted(m.mentee_application.wants or {"Generative AI tools": 1}), 1
                    )
                    if t in skills
                ]
                log = services.session_log(
                    session,
                    outcome=outcome,
                    topic_ids=[t.pk for t in topics] if outcome == "held" else [],
                    rating=rng.choice((3, 4, 4, 5, 5)) if outcome == "held" else None,
                    comment=rng.choice(COMMENTS)
                    if outcome == "held" and rng.random() < 0.3
                    else "",
                    acting_user=user,
                    now=starts + timedelta(hours=2),
                )
                SessionLog.objects.filter(pk=log.pk).update(
                    created_at=starts + timedelta(hours=3), updated_at=starts + timedelta(hours=3)
                )
            if outcome == "held":
                counts["held"] += 1
                _after_session(m, session, starts, goals, users, skills, rng, counts)
        day = starts + timedelta(days=cadence + rng.randint(-2, 3))


def _after_session(
    m: Mentorship,
    session: MentoringSession,
    starts: datetime,
    goals: list[PairGoal],
    users: dict[int, Any],
    skills: dict[str, Skill],
    rng: random.Random,
    counts: dict[str, int],
) -> None:
    mentor_user, mentee_user = users[m.mentor.user_id or 0], users[m.mentee.user_id or 0]
    after = starts + timedelta(hours=4)
    open_goals = [g for g in goals if g.status != PairGoal.Status.ACHIEVED]
    if open_goals and rng.random() < 0.7:
        for g in open_goals:
            g.refresh_from_db()
        goal = min(open_goals, key=lambda g: (g.progress, g.position))
        progress = min(100, goal.progress + rng.choice((10, 15, 20, 25)))
        if goal.milestones.count() < 2 and rng.random() < 0.6:
            services.milestone_add(
                goal,
                title=rng.choice(
                    [
                        f"Try it once with {m.mentor.first_name} watching",
                        "Do it alone on a real task",
                        "Show the leadership team",
                        "Teach one person in my team",
                    ]
                ),
                due_on=(after + timedelta(days=21)).date(),
                acting_user=mentee_user,
                now=after,
            )
        first = goal.milestones.filter(done_at__isnull=True).first()
        if first is not None and progress >= 40:
            services.milestone_set_done(first, done=True, acting_user=mentee_user, now=after)
        services.goal_update(
            goal,
            status=PairGoal.Status.ACHIEVED if progress >= 100 else PairGoal.Status.IN_PROGRESS,
            progress=progress,
            note=rng.choice(["", "Practised twice this week.", "Harder than it looked.", ""]),
            acting_user=mentee_user if rng.random() < 0.7 else mentor_user,
            now=after,
        )
    for user, bank, side in (
        (mentee_user, MENTEE_LEARNED, "mentee"),
        (mentor_user, MENTOR_LEARNED, "mentor"),
    ):
        if rng.random() < (0.55 if side == "mentee" else 0.4):
            tag, text = rng.choice(bank)
            entry = services.learning_add(
                m,
                text=text,
                skill_ids=[skills[tag].pk] if tag in skills else [],
                session_id=session.pk,
                acting_user=user,
            )
            LearningEntry.objects.filter(pk=entry.pk).update(
                created_at=after + timedelta(hours=rng.randint(1, 30))
            )
            counts["learning"] += 1


def _reflections(users: dict[str, Any], pair_of_mentee: Mentorship | None) -> int:
    written = 0
    plan = [
        (MENTOR_EMAIL, MENTOR_REFLECTIONS, None),
        (MENTEE_EMAIL, MENTEE_REFLECTIONS, pair_of_mentee),
    ]
    for email, texts, pair in plan:
        user = users.get(email)
        if user is None:
            continue
        for n, body in enumerate(texts):
            reflection = services.reflection_add(
                body=body.format(mentor=pair.mentor.first_name if pair else ""),
                mentorship_id=pair.pk if pair else None,
                acting_user=user,
            )
            when = (
                DEMO_TODAY - timedelta(days=70 - 25 * n)
                if pair
                else DEMO_TODAY - timedelta(days=8 - 3 * n)
            )
            Reflection.objects.filter(pk=reflection.pk).update(created_at=when, updated_at=when)
            written += 1
    return written


@transaction.atomic
def engagement_demo_build(*, seed: int = DEFAULT_SEED) -> EngagementDemoSummary | None:
    """Engagement for the demo's active pairs; None when there are none or it exists."""
    program = Program.objects.filter(name=PROGRAM_NAME).first()
    if program is None or ConversationGuide.objects.filter(program=program).exists():
        return None
    pairs = list(
        Mentorship.objects.filter(cohort__program=program, status=Mentorship.Status.ACTIVE)
        .select_related("cohort__program", "mentor", "mentee", "mentee_application")
        .order_by("pk")
    )
    guides = _guides(program)
    rng = random.Random(seed + 6)
    user_model = get_user_model()
    users = {u.pk: u for u in user_model.objects.filter(employee__isnull=False)}
    skills = {s.name: s for s in Skill.objects.all()}
    others = [m for m in pairs if m.mentee.email != MENTEE_EMAIL]
    special = rng.sample(others, min(len(others) // 5, 6))  # a few, in a big cohort
    plans = {m.pk: "full" for m in pairs}
    for m, plan in zip(
        special,
        ["stalled", "stalled", "half_signed", "half_signed", "no_agreement", "no_agreement"],
        strict=False,
    ):
        plans[m.pk] = plan
    counts = {"agreements": 0, "signed": 0, "sessions": 0, "held": 0, "learning": 0}
    for m in pairs:
        _pair(
            m, users=users, guides=guides, skills=skills, rng=rng, plan=plans[m.pk], counts=counts
        )
    history = PairGoal.objects.filter(mentorship__in=pairs).annotate(
        first=Min("history__at"), last=Max("history__at")
    )
    for goal in history:
        PairGoal.objects.filter(pk=goal.pk).update(
            created_at=goal.first,
            updated_at=goal.last,
        )
    by_email = {u.get_username(): u for u in users.values()}
    mentee_pair = next((m for m in pairs if m.mentee.email == MENTEE_EMAIL), None)
    reflections = _reflections(by_email, mentee_pair)
    return EngagementDemoSummary(
        guides=len(guides),
        agreements=counts["agreements"],
        signed=counts["signed"],
        sessions=counts["sessions"],
        held=counts["held"],
        goals=PairGoal.objects.filter(mentorship__in=pairs).count(),
        learning=counts["learning"],
        reflections=reflections,
    )
