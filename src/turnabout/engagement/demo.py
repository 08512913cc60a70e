"""The demo's engagement: conversation guides, agreements, three months of sessions, goals,
learning logs and private reflections for the active pairs of the current cohort.

`engagement_demo_build` runs after `turnabout.pairing.demo.pairing_demo_build`. Acting as
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
from turnabout.people.demo import ANCHOR, DEFAULT_SEED
from turnabout.people.models import Skill
from turnabout.programs.demo import MENTEE_EMAIL, MENTOR_EMAIL, PROGRAM_NAME
from turnabout.programs.models import Program

DEMO_TODAY = datetime.combine(ANCHOR + timedelta(weeks=12), time(9, 0), tzinfo=UTC)

GUIDES: list[dict[str, Any]] = [
    {
        "title": "First session: two-way introductions",
        "stage": ConversationGuide.Stage.FIRST,
        "summary": "Set the tone: both of you are here to learn, and rank stays at the door.",
        "agenda": [
            "10 min: your working week in three pictures (each of you)",
            "15 min: what the senior wants to learn, and why now",
            "15 min: what the junior wants to understand about leadership",
            "10 min: draft the agreement together: goals, ground rules, channel",
            "5 min: book the next session before you leave",
        ],
        "questions": [
            "What is something you believe about your job that nobody has challenged in years?",
            "When did you last change your mind because someone junior told you something?",
            "What would you stop doing tomorrow if nobody was watching?",
            "What do you each assume the other's generation gets wrong? Say it out loud.",
        ],
    },
    {
        "title": "Show, don't tell: one tool in real work",
        "stage": ConversationGuide.Stage.ANY,
        "summary": "The mentee brings a real task; the mentor shows how they would do it.",
        "agenda": [
            "5 min: the mentee describes a task from this week",
            "25 min: the mentor does it live with a tool they use daily; the mentee drives",
            "10 min: the mentee repeats it alone while the mentor stays quiet",
            "5 min: what will the mentee try before the next session?",
        ],
        "questions": [
            "Which part of this task only exists because 'we have always done it this way'?",
            "If this took five minutes instead of an hour, what would you do with the hour?",
            "What would you be embarrassed to ask your own team about this tool?",
            "Who in your team already does this better than you, and do they know you know?",
        ],
    },
    {
        "title": "Reverse the org chart: decisions from both ends",
        "stage": ConversationGuide.Stage.ANY,
        "summary": "A decision made at the top, traced to how it landed at the bottom.",
        "agenda": [
            "10 min: the mentee explains a recent decision and the reasoning behind it",
            "15 min: the mentor describes how it was heard, rumoured and acted on",
            "15 min: where did the message bend, and what would have kept it straight?",
            "5 min: one thing each of you will do differently",
        ],
        "questions": [
            "What do people two levels below you believe about this decision that isn't true?",
            "Which meeting would you cancel if you could see it from the junior seat?",
            "What is the real cost of the approval steps you added 'just to be safe'?",
            "Where does your team go for the truth when the official channel is silent?",
        ],
    },
    {
        "title": "Through a young customer's eyes",
        "stage": ConversationGuide.Stage.ANY,
        "summary": "Look at the company's product or brand the way a 22-year-old does.",
        "agenda": [
            "10 min: the mentor shows where they actually discover products (feeds, creators)",
            "15 min: find the company there together; what comes up, what doesn't",
            "15 min: compare with how the mentee thinks customers find us",
            "5 min: one question the mentee will take to their leadership team",
        ],
        "questions": [
            "Would you follow your own company's account if you didn't work here?",
            "Which competitor do younger colleagues admire, and why is it not the obvious one?",
            "What would we do if our biggest channel disappeared next year?",
            "Who should be in the room when we decide this, and is anyone under 30 there?",
        ],
    },
    {
        "title": "Midpoint check-in: are we learning the right things?",
        "stage": ConversationGuide.Stage.MIDPOINT,
        "summary": "Revisit the agreement's goals honestly, and change course if needed.",
        "agenda": [
            "10 min: each goal: where are we, on a scale of 0 to 100?",
            "10 min: what has the mentor learned so far? (it counts too)",
            "15 min: drop, change or sharpen a goal",
            "10 min: give each other one piece of feedback on the sessions themselves",
        ],
        "questions": [
            "Which goal did we pick because it sounded good rather than because it matters?",
            "What have you been avoiding asking me?",
            "What would make the next sessions twice as useful?",
            "Is the mentee practising between sessions, or only listening during them?",
        ],
    },
    {
        "title": "Closing: what changes on Monday?",
        "stage": ConversationGuide.Stage.CLOSING,
        "summary": "Turn six months of conversations into commitments others can see.",
        "agenda": [
            "10 min: read the agreement again: what was achieved, what wasn't",
            "15 min: the mentee shows the evidence for each goal",
            "10 min: the mentor names what they take away about leadership",
            "10 min: agree how you'll stay in touch, and whom each of you will mentor next",
        ],
        "questions": [
            "What will you do differently on Monday that your team will notice?",
            "Which belief did you hold six months ago that you would now argue against?",
            "Who else in the leadership team needs a mentor like this, and will you tell them?",
            "What should the program stop doing next time?",
        ],
    },
]

GOAL_BANK: dict[str, tuple[str, str]] = {
    "Generative AI tools": (
        "Use a generative AI assistant in my weekly work",
        "Drafts my monthly update with it and shows the team the prompt and the edits",
    ),
    "Prompt engineering": (
        "Write prompts that give useful first drafts",
        "Keeps a shared library of five prompts my team reuses",
    ),
    "TikTok": (
        "Understand how our brand shows up on TikTok",
        "Films and posts one short video with the social team",
    ),
    "Instagram Reels": (
        "Make a short Reel about my team's work",
        "Publishes one Reel on the company account",
    ),
    "LinkedIn personal branding": (
        "Build a credible LinkedIn presence",
        "Posts fortnightly for two months and replies to comments myself",
    ),
    "Gen Z workplace expectations": (
        "Understand what younger colleagues expect from a leader",
        "Changes one team ritual after asking the juniors what they need",
    ),
    "Hybrid work norms": (
        "Run hybrid meetings where remote people are equal",
        "Gets a better score on the next team pulse question about meetings",
    ),
    "Data visualisation": (
        "Read and challenge a dashboard without help",
        "Presents the quarterly numbers from the live dashboard, not from slides",
    ),
    "Low-code automation": (
        "Automate one repetitive approval flow",
        "A working flow replaces the weekly spreadsheet by email",
    ),
    "Cybersecurity hygiene": (
        "Stop being the weakest link in security",
        "Passwords in a manager, 2FA everywhere, passes the phishing test",
    ),
    "Slack etiquette": (
        "Communicate in channels rather than in private messages",
        "Moves the team's weekly status to a channel thread",
    ),
    "Psychological safety": (
        "Make it safe to disagree with me",
        "Two juniors challenge a decision in a meeting, and it changes",
    ),
    "Online whiteboarding": (
        "Run a workshop on an online whiteboard",
        "Facilitates the next planning session on the whiteboard myself",
    ),
    "Creator economy": (
        "Understand how creators could work with us",
        "Brings one creator partnership idea to the marketing review",
    ),
}

MENTOR_GAINS = [
    "See how strategy is actually made, and learn to pitch an idea to senior people.",
    "Understand how budgets and priorities are set, and build a network beyond my team.",
    "Learn how a leader handles conflict and pressure; get feedback on my presentations.",
    "Find out what a career path to management looks like, and practise speaking up.",
]
GROUND_RULES = [
    "Cameras on, phones away. Either of us can say 'pass' on a question. "
    "No homework without a reason.",
    "Start and end on time. Honest over polite. What we discuss stays between us.",
    "We meet even in busy weeks, even for twenty minutes. Disagreement is welcome.",
]
MENTEE_LEARNED = [
    (
        "Generative AI tools",
        "Asked the assistant to draft my board summary, then edited it: "
        "40 minutes instead of two hours, and the structure was better.",
    ),
    (
        "TikTok",
        "The feed is not about followers: a good first second matters more than a "
        "big account. Our ads skip exactly that.",
    ),
    (
        "Gen Z workplace expectations",
        "Juniors read silence after a proposal as a no. I now "
        "reply within a day, even if only to say I need time.",
    ),
    (
        "Data visualisation",
        "I can filter the sales dashboard myself instead of asking for a new slide each week.",
    ),
    (
        "Slack etiquette",
        "A thumbs-up emoji from me reads as dismissive. Writing one sentence back costs nothing.",
    ),
    (
        "Prompt engineering",
        "Give the assistant the audience and an example, not just the "
        "task; the first draft went from generic to usable.",
    ),
    (
        "Hybrid work norms",
        "Everyone joins from their own laptop in hybrid meetings now; the "
        "remote half speaks twice as much.",
    ),
    ("Cybersecurity hygiene", "Set up a password manager; found eleven reused passwords."),
]
MENTOR_LEARNED = [
    (
        "Strategic thinking",
        "Strategy is mostly deciding what not to do; saw how three "
        "good projects were stopped to fund one.",
    ),
    (
        "Executive communication",
        "Lead with the decision you need, then the reasons. "
        "My last update was the other way round.",
    ),
    ("Stakeholder management", "Talk to the people who will say no before the meeting, not in it."),
    ("Career navigation", "Moves across departments count more than titles at this level."),
    (
        "Leading change",
        "People accept a change faster when they hear why from their own "
        "manager, not from an all-hands.",
    ),
    ("Coaching skills", "Asking 'what have you tried?' before giving an answer."),
]
MENTEE_REFLECTIONS = [
    "Felt clumsy filming myself today. {mentor} was patient, and I realised I expect the team "
    "to be comfortable with things I avoid. Worth remembering in the next review cycle.",
    "I keep saying I have no time to practise between sessions. That's the same excuse I "
    "don't accept from my own team. Blocking thirty minutes on Thursday mornings.",
    "Uncomfortable truth from the decisions session: the approval step I added last year is "
    "the main reason nothing reaches me early. Need to think about removing it.",
]
MENTOR_REFLECTIONS = [
    "Nervous about mentoring someone so senior. Writing down why I said yes: I want to see "
    "how decisions are really made, and I know tools they need. Both can be true.",
    "Prepared three small demos for the first session instead of a big presentation. "
    "Keep it practical; ask what their week looks like before showing anything.",
]
COMMENTS = [
    "Really useful, we ran over time.",
    "A bit rushed; next time fewer topics.",
    "Good, practical session.",
    "Great conversation about how decisions are made.",
]
VIDEO = "https://meet.northwind-lumen.example/{}"
ROOMS = ["Atrium café", "Room 4.12", "Library corner", "Roof terrace meeting room"]


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
