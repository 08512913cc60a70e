"""The demo program: "Digital Fluency Reverse Mentoring" at Northwind Lumen.

`programs_demo_build` runs after the people demo (`turnabout.demo.people.demo_build`). It
designs the program with its KPIs, runs a past cohort from draft to closed (with its phase
history and interest survey), and fills the current cohort, now in the "applications
closed" phase, with about 60 mentor and 50 mentee applications with full profiles, most
of them reviewed. Everything goes through the services, acting as the demo program
manager and as each applicant; only dates are then moved to the demo calendar (the people
demo's fixed anchor date), so the same seed always gives the same program.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from turnabout.demo.files import load_toml
from turnabout.demo.people import DEFAULT_SEED, EMAIL_DOMAIN
from turnabout.enrollment.models import (
    SLOTS,
    WORKING_STYLE,
    Application,
    Communication,
    CustomQuestion,
    MeetingFormat,
    ParticipantRole,
    Priority,
)
from turnabout.enrollment.services import (
    application_create,
    application_withdraw,
    applications_decide,
    question_add,
)
from turnabout.people.models import Employee, Skill
from turnabout.programs.models import (
    Cohort,
    CohortPhaseChange,
    InterestSurvey,
    Phase,
    Program,
    SurveyDailyCount,
)
from turnabout.programs.services import (
    ObjectiveData,
    cohort_change_phase,
    cohort_create,
    program_create,
    survey_respond,
    survey_update,
)

PROGRAM_NAME = "Digital Fluency Reverse Mentoring"
MANAGER_EMAIL = f"programs@{EMAIL_DOMAIN}"
MENTOR_EMAIL = f"mentor@{EMAIL_DOMAIN}"
MENTEE_EMAIL = f"mentee@{EMAIL_DOMAIN}"
NOT_APPLYING = {f"admin@{EMAIL_DOMAIN}", f"sponsor@{EMAIL_DOMAIN}", MANAGER_EMAIL}
CURRENT_MENTORS = 60
CURRENT_MENTEES = 50


@dataclass(frozen=True)
class ProgramsDemoSummary:
    program: str
    cohorts: int
    mentor_applications: int
    mentee_applications: int
    survey_responses: int


_PROGRAM = load_toml("program.toml")

DESIGN: dict[str, Any] = {"name": PROGRAM_NAME, **_PROGRAM["design"]}
MENTOR_MAX_LEVEL: int = DESIGN["mentor_max_level"]
# Northwind Lumen has 34 active people at levels 7-10: level 6 joins the mentees so that
# a cohort of about 50 senior mentees is possible (program.toml).
MENTEE_MIN_LEVEL: int = DESIGN["mentee_min_level"]

OBJECTIVES = tuple(ObjectiveData(**objective) for objective in _PROGRAM["objectives"])

SURVEY_TOPICS: list[str] = _PROGRAM["survey_topics"]

# Skills a junior mentor typically offers, with a weight, and topics seniors ask for.
MENTOR_SKILLS: dict[str, int] = _PROGRAM["mentor_skills"]
MENTEE_WANTS: dict[str, int] = _PROGRAM["mentee_wants"]
LEADERSHIP_HOPES: tuple[str, ...] = tuple(_PROGRAM["leadership_hopes"])
MENTOR_GOALS: tuple[str, ...] = tuple(_PROGRAM["mentor_goals"])
MENTEE_GOALS: tuple[str, ...] = tuple(_PROGRAM["mentee_goals"])
INTERESTS: tuple[str, ...] = tuple(_PROGRAM["interests"])
FORMAT_WEIGHTS: dict[str, int] = _PROGRAM["format_weights"]
AI_TOOLS: list[str] = _PROGRAM["ai_tools"]


def _pick(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    names = list(weights)
    chosen: list[str] = []
    while len(chosen) < k:
        name = rng.choices(names, weights=[weights[n] for n in names])[0]
        if name not in chosen:
            chosen.append(name)
    return chosen


def _profile(
    rng: random.Random,
    person: Employee,
    role: str,
    *,
    questions: Sequence[CustomQuestion],
    catalogue: set[str],
    colleagues: Sequence[int],
) -> dict[str, Any]:
    is_mentor = role == ParticipantRole.MENTOR
    pool = MENTOR_SKILLS if is_mentor else MENTEE_WANTS
    topics = [t for t in _pick(rng, pool, rng.randint(2, 5)) if t in catalogue]
    profile: dict[str, Any] = {}
    if is_mentor:
        profile["skills"] = {t: rng.choices([1, 2, 3], weights=[2, 5, 3])[0] for t in topics}
        goal = rng.choice(MENTOR_GOALS).format(
            a=topics[0],
            b=topics[-1] if len(topics) > 1 else "online etiquette",
            hope=rng.choice(LEADERSHIP_HOPES),
        )
        profile["capacity"] = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
    else:
        priorities = [Priority.HIGH, Priority.MEDIUM, Priority.LOW]
        profile["wants"] = {
            t: str(priorities[min(i, 2)] if rng.random() < 0.8 else rng.choice(priorities))
            for i, t in enumerate(topics)
        }
        goal = rng.choice(MENTEE_GOALS).format(
            a=topics[0], b=topics[-1] if len(topics) > 1 else "the culture of our newest teams"
        )
    slots = sorted(rng.sample(range(len(SLOTS)), rng.randint(3, 6)))
    formats = _pick(rng, FORMAT_WEIGHTS, rng.randint(1, 3))
    if person.location in ("Bangalore", "Singapore", "Toronto") and "in_person" in formats:
        formats.remove("in_person")
        formats = formats or ["video"]
    groups = [g.name for g in person.resource_groups.all()]
    answers: dict[str, Any] = {}
    for q in questions:
        if not q.applies_to(role):
            continue
        if q.kind == CustomQuestion.Kind.SINGLE:
            answers[str(q.pk)] = rng.choice(q.options)
        elif q.kind == CustomQuestion.Kind.SCALE:
            answers[str(q.pk)] = rng.randint(3, 5) if is_mentor else rng.randint(1, 4)
        elif q.kind == CustomQuestion.Kind.TEXT and rng.random() < 0.3:
            answers[str(q.pk)] = rng.choice(
                (
                    "I work part-time on Fridays.",
                    "Happy to meet near the office when I'm in.",
                    "I'd prefer someone outside my own business unit.",
                    "I have a two-week holiday in November.",
                )
            )
    profile.update(
        {
            "interests": rng.sample(INTERESTS, rng.randint(2, 4)),
            "goals": goal,
            "communication": [
                c for c in Communication.values if rng.random() < (0.6 if c == "chat" else 0.3)
            ]
            or ["email"],
            "formats": [f for f in MeetingFormat.values if f in formats],
            "availability": [SLOTS[i] for i in slots],
            "languages": list(person.languages) or ["English"],
            "ergs": [g for g in groups if rng.random() < 0.5],
            "avoid": [rng.choice(colleagues)] if colleagues and rng.random() < 0.08 else [],
            "working_style": {
                key: rng.choice([option for option, _label in options])
                for key, (_question, options) in WORKING_STYLE.items()
            },
            "answers": answers,
            "agreed_to_guidelines": True,
        }
    )
    return profile


def _accounts(people: Sequence[Employee]) -> dict[int, User]:
    """Give the demo participants accounts (no password: they would log in by SSO)."""
    user_model = get_user_model()
    missing = [p for p in people if p.user_id is None]
    unusable = make_password(None)
    user_model.objects.bulk_create(
        user_model(
            username=p.email,
            email=p.email,
            first_name=p.first_name,
            last_name=p.last_name,
            password=unusable,
        )
        for p in missing
    )
    users = {
        u.username: u for u in user_model.objects.filter(username__in=[p.email for p in missing])
    }
    for person in missing:
        person.user = users[person.email]
    Employee.objects.bulk_update(missing, ["user"])
    by_id = {u.pk: u for u in user_model.objects.filter(pk__in=[p.user_id for p in people])}
    return {p.pk: by_id[p.user_id] for p in people if p.user_id is not None}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _run_survey(
    rng: random.Random, cohort: Cohort, users: Sequence[User], *, manager: User, day: date
) -> int:
    survey = InterestSurvey.objects.get(cohort=cohort)
    survey_update(
        survey,
        intro=(
            "We are planning a reverse mentoring program in which early-career colleagues "
            "mentor senior leaders on digital tools and culture. Would you take part? Your "
            "answer is anonymous and takes one minute."
        ),
        topics=SURVEY_TOPICS,
        acting_user=manager,
    )
    survey.refresh_from_db()
    survey.cohort = cohort
    for user in users:
        junior = user.employee.level <= MENTOR_MAX_LEVEL
        survey_respond(
            survey,
            would_mentor=rng.choices(["yes", "maybe", "no"], [6, 3, 1] if junior else [1, 2, 7])[0],
            would_be_mentored=rng.choices(
                ["yes", "maybe", "no"], [2, 3, 5] if junior else [6, 3, 1]
            )[0],
            comfort=rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 5, 3])[0],
            topics=rng.sample(SURVEY_TOPICS, rng.randint(1, 4)),
            acting_user=user,
        )
    # Spread the answers over the survey's fortnight (only per-day counts are kept).
    total = len(users)
    SurveyDailyCount.objects.filter(survey=survey).delete()
    per_day: dict[date, int] = {}
    for _answer in range(total):
        answered = day + timedelta(days=rng.randint(0, 13))
        per_day[answered] = per_day.get(answered, 0) + 1
    SurveyDailyCount.objects.bulk_create(
        SurveyDailyCount(survey=survey, day=d, count=n) for d, n in sorted(per_day.items())
    )
    return total


def _move(cohort: Cohort, phases: Sequence[tuple[str, date, str]], *, manager: User) -> None:
    for phase, day, note in phases:
        cohort_change_phase(cohort, to_phase=phase, note=note, acting_user=manager)
        CohortPhaseChange.objects.filter(cohort=cohort, to_phase=phase).update(at=_at(day))


# The demo logins get hand-written profiles: they are what people look at first.
LOGIN_PROFILES: dict[str, dict[str, Any]] = {
    MENTOR_EMAIL: _PROGRAM["login_profiles"]["mentor"],
    MENTEE_EMAIL: _PROGRAM["login_profiles"]["mentee"],
}


def _apply_all(
    rng: random.Random,
    cohort: Cohort,
    entries: Sequence[tuple[Employee, str]],
    users: dict[int, User],
    *,
    opened: date,
    closes: date,
) -> list[Application]:
    questions = list(cohort.questions.all())
    catalogue = set(Skill.objects.values_list("name", flat=True))
    everyone = list(Employee.objects.filter(status="active").values_list("pk", flat=True))
    applications = []
    span = (closes - opened).days
    for person, role in entries:
        colleagues = [pk for pk in everyone if pk != person.pk]
        profile = _profile(
            rng, person, role, questions=questions, catalogue=catalogue, colleagues=colleagues
        )
        profile.update(LOGIN_PROFILES.get(person.email, {}))
        application = application_create(
            cohort, role=role, profile=profile, acting_user=users[person.pk]
        )
        sent = _at(opened + timedelta(days=rng.randint(0, span)), rng.randint(8, 18))
        Application.objects.filter(pk=application.pk).update(
            created_at=sent, updated_at=sent, agreed_to_guidelines_at=sent
        )
        applications.append(application)
    return applications


def _decide(
    cohort: Cohort,
    applications: Sequence[Application],
    decision: str,
    *,
    manager: User,
    day: date,
    message: str = "",
) -> None:
    if not applications:
        return
    applications_decide(
        cohort,
        application_ids=[a.pk for a in applications],
        decision=decision,
        message=message,
        acting_user=manager,
    )
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        decided_at=_at(day, 15), updated_at=_at(day, 15)
    )


def _demo_people(rng: random.Random) -> tuple[list[Employee], list[Employee]]:
    active = Employee.objects.filter(status=Employee.Status.ACTIVE).exclude(email__in=NOT_APPLYING)
    juniors = list(active.filter(level__lte=MENTOR_MAX_LEVEL).prefetch_related("resource_groups"))
    seniors = list(active.filter(level__gte=MENTEE_MIN_LEVEL).prefetch_related("resource_groups"))
    juniors.sort(key=lambda p: p.employee_id)
    seniors.sort(key=lambda p: p.employee_id)
    rng.shuffle(juniors)
    rng.shuffle(seniors)
    # The demo logins apply, first in line.
    juniors.sort(key=lambda p: p.email != MENTOR_EMAIL)
    seniors.sort(key=lambda p: p.email != MENTEE_EMAIL)
    return juniors, seniors


@transaction.atomic
def programs_demo_build(*, seed: int = DEFAULT_SEED) -> ProgramsDemoSummary | None:
    """Add the demo program to the demo organisation; None when it exists already."""
    if Program.objects.filter(name=PROGRAM_NAME).exists():
        return None
    rng = random.Random(seed + 4)
    manager = get_user_model().objects.get(username=MANAGER_EMAIL)
    program = program_create(data=DESIGN, objectives=OBJECTIVES, acting_user=manager)
    juniors, seniors = _demo_people(rng)
    current_mentors = juniors[:CURRENT_MENTORS]
    current_mentees = seniors[:CURRENT_MENTEES]
    past_mentors = juniors[CURRENT_MENTORS - 12 : CURRENT_MENTORS + 6]  # a few come back
    past_mentees = rng.sample(seniors[1:], 14)
    respondents_past = rng.sample(juniors[20:140], 16) + rng.sample(seniors, 10)
    respondents_now = juniors[:30] + juniors[CURRENT_MENTORS : CURRENT_MENTORS + 8] + seniors[:14]
    people = {p.pk: p for p in [*juniors[:140], *seniors]}
    users = _accounts(list(people.values()))

    # The past cohort: spring 2026, run from draft to closed.
    past = cohort_create(
        program,
        name="Spring 2026 (pilot)",
        applications_open_on=date(2025, 11, 17),
        applications_close_on=date(2025, 12, 12),
        starts_on=date(2026, 1, 12),
        ends_on=date(2026, 7, 10),
        acting_user=manager,
    )
    CohortPhaseChange.objects.filter(cohort=past).update(at=_at(date(2025, 10, 20)))
    _move(
        past,
        [(Phase.INTEREST_SURVEY, date(2025, 10, 27), "Survey sent to all staff.")],
        manager=manager,
    )
    survey_count = _run_survey(
        rng, past, [users[p.pk] for p in respondents_past], manager=manager, day=date(2025, 10, 27)
    )
    _move(
        past,
        [(Phase.APPLICATIONS_OPEN, date(2025, 11, 17), "Pilot announced at the town hall.")],
        manager=manager,
    )
    past_apps = _apply_all(
        rng,
        past,
        [(p, "mentor") for p in past_mentors] + [(p, "mentee") for p in past_mentees],
        users,
        opened=date(2025, 11, 17),
        closes=date(2025, 12, 12),
    )
    _move(past, [(Phase.APPLICATIONS_CLOSED, date(2025, 12, 12), "")], manager=manager)
    mentors_past = [a for a in past_apps if a.role == "mentor"]
    _decide(
        past,
        [a for a in past_apps if a.role == "mentee"] + mentors_past[:14],
        Application.Status.ACCEPTED,
        manager=manager,
        day=date(2025, 12, 16),
        message="Welcome to the pilot! The kick-off is on 12 January.",
    )
    _decide(
        past,
        mentors_past[14:],
        Application.Status.WAITLISTED,
        manager=manager,
        day=date(2025, 12, 16),
        message="The pilot has more mentors than mentees: we will call you if a place opens.",
    )
    _move(
        past,
        [
            (Phase.MATCHING, date(2025, 12, 17), ""),
            (Phase.MATCHED, date(2025, 12, 19), "14 pairs proposed and reviewed."),
            (Phase.ACTIVE, date(2026, 1, 12), "Kick-off held in London and online."),
            (Phase.WRAPPING_UP, date(2026, 6, 15), "Closing surveys sent."),
            (Phase.CLOSED, date(2026, 7, 10), "Pilot closed; 13 of 14 pairs completed."),
        ],
        manager=manager,
    )

    # The current cohort: autumn 2026, applications in and mostly reviewed.
    now = cohort_create(
        program,
        name="Autumn 2026",
        applications_open_on=date(2026, 8, 3),
        applications_close_on=date(2026, 8, 28),
        starts_on=date(2026, 9, 21),
        ends_on=date(2027, 3, 19),
        acting_user=manager,
    )
    CohortPhaseChange.objects.filter(cohort=now).update(at=_at(date(2026, 7, 13)))
    _move(
        now,
        [(Phase.INTEREST_SURVEY, date(2026, 7, 15), "Survey sent with the pilot results.")],
        manager=manager,
    )
    survey_count += _run_survey(
        rng, now, [users[p.pk] for p in respondents_now], manager=manager, day=date(2026, 7, 15)
    )
    question_add(
        now,
        text="Which AI assistant do you use most at work?",
        kind="single",
        options=AI_TOOLS,
        required=True,
        acting_user=manager,
    )
    question_add(
        now,
        text="How confident are you explaining new technology to others?",
        kind="scale",
        required=True,
        acting_user=manager,
    )
    question_add(
        now, text="Anything else we should know for matching?", kind="text", acting_user=manager
    )
    _move(
        now,
        [(Phase.APPLICATIONS_OPEN, date(2026, 8, 3), "Second cohort launched.")],
        manager=manager,
    )
    now_apps = _apply_all(
        rng,
        now,
        [(p, "mentor") for p in current_mentors] + [(p, "mentee") for p in current_mentees],
        users,
        opened=date(2026, 8, 3),
        closes=date(2026, 8, 28),
    )
    withdrawn = now_apps[CURRENT_MENTORS - 1]
    application_withdraw(withdrawn, acting_user=users[withdrawn.person_id])
    _move(
        now,
        [(Phase.APPLICATIONS_CLOSED, date(2026, 8, 28), "60 mentors and 50 mentees applied.")],
        manager=manager,
    )
    mentors = [a for a in now_apps if a.role == "mentor" and a.pk != withdrawn.pk]
    mentees = [a for a in now_apps if a.role == "mentee"]
    welcome = "Welcome aboard! Matching happens in the first half of September."
    _decide(
        now,
        mentors[:47] + mentees[:40],
        Application.Status.ACCEPTED,
        manager=manager,
        day=date(2026, 8, 31),
        message=welcome,
    )
    _decide(
        now,
        mentors[47:51] + mentees[40:43],
        Application.Status.WAITLISTED,
        manager=manager,
        day=date(2026, 8, 31),
        message="We have more applicants than places; we will let you know if one opens.",
    )
    _decide(
        now,
        mentors[51:53] + mentees[43:44],
        Application.Status.DECLINED,
        manager=manager,
        day=date(2026, 8, 31),
        message="This cohort is full for your area; please apply again in spring.",
    )
    # The next cohort: spring 2027, open for applications now, with the first few in, so a
    # newcomer's home page has a cohort to join in one click.
    upcoming = cohort_create(
        program,
        name="Spring 2027",
        applications_open_on=date(2026, 11, 16),
        applications_close_on=date(2027, 1, 8),
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 7, 30),
        acting_user=manager,
    )
    CohortPhaseChange.objects.filter(cohort=upcoming).update(at=_at(date(2026, 11, 9)))
    _move(
        upcoming,
        [(Phase.APPLICATIONS_OPEN, date(2026, 11, 16), "Third cohort open until 8 January.")],
        manager=manager,
    )
    # Every senior is in the current cohort, so the first to apply are mentors.
    early_mentors = juniors[CURRENT_MENTORS + 6 : CURRENT_MENTORS + 12]
    _apply_all(
        rng,
        upcoming,
        [(p, "mentor") for p in early_mentors],
        users,
        opened=date(2026, 11, 16),
        closes=date(2026, 11, 23),
    )
    return ProgramsDemoSummary(
        program=PROGRAM_NAME,
        cohorts=3,
        mentor_applications=len([a for a in now_apps if a.role == "mentor"]),
        mentee_applications=len(mentees),
        survey_responses=survey_count,
    )
