"""The demo's surveys: a full history for the closed pilot, live surveys for the current cohort.

`feedback_demo_build` runs after `turnabout.demo.engagement.engagement_demo_build`. Acting
as the demo program manager it adds surveys from the built-in templates, and acting as
each participant it answers them through `feedback.services`, with the day of each answer
given explicitly; only timestamps the services take from the wall clock are then moved to
the demo calendar. `random.Random(seed)`: same seed, same answers. No email is sent: the
invitations are recorded as sent, and the emails the services queue end in `_email`, which
the demo command drops.

- The pilot ("Spring 2026 (pilot)", closed) gets its pairs (the pilot had no matching run
  in Turnabout: they are recorded as ended pairs of its accepted applications), a skill
  self-assessment before the first session and at wrap-up, monthly pulses, and a final
  evaluation with satisfaction, "would do it again" and NPS. Its results page shows the
  pre/post change per topic with intervals, NPS and satisfaction.
- The current cohort gets pairing-fit answers after each pair's first held session (two
  "not a good fit", which flag their pairs), monthly pulses (a few pairs falling, one pair
  whose partners disagree by five points), a skill self-assessment before the first
  session with a mid-point self-assessment two weeks ago (so the skill KPIs have an
  interim value), and an open, anonymous mid-point check-in that the participants' hubs
  show.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from turnabout.demo.engagement import DEMO_TODAY
from turnabout.demo.files import load_toml
from turnabout.demo.pairing import CURRENT_COHORT
from turnabout.demo.people import ANCHOR, DEFAULT_SEED
from turnabout.demo.programs import MANAGER_EMAIL, MENTEE_EMAIL, MENTOR_EMAIL, PROGRAM_NAME
from turnabout.enrollment.models import Application
from turnabout.feedback import metrics, services
from turnabout.feedback.models import Invitation, PairFitFlag, Question, Response, Survey
from turnabout.pairing.models import Mentorship
from turnabout.programs.models import Cohort, Program

PILOT_COHORT = "Spring 2026 (pilot)"
PILOT_START = date(2026, 1, 12)
PILOT_WRAP_UP = date(2026, 6, 15)
PILOT_END = date(2026, 7, 10)
DIGITAL = {"Generative AI tools", "TikTok", "LinkedIn personal branding", "Data privacy"}

_TEXTS = load_toml("feedback.toml")


@dataclass(frozen=True)
class FeedbackDemoSummary:
    surveys: int
    answers: int
    flags: int
    pilot_pairs: int


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class _Builder:
    def __init__(self, rng: random.Random, manager: Any) -> None:
        self.rng = rng
        self.manager = manager
        self.answers = 0

    def survey(self, cohort: Cohort, template: str, *, opened: datetime, **settings: Any) -> Survey:
        survey = services.survey_create(cohort, template=template, acting_user=self.manager)
        if settings:
            services.survey_update(survey, data=settings, acting_user=self.manager)
        services.survey_open(survey, acting_user=self.manager, now=opened)
        Survey.objects.filter(pk=survey.pk).update(created_at=opened, updated_at=opened)
        survey.refresh_from_db()
        return survey

    def answer(self, invitation: Invitation, data: dict[Question, Any], day: date) -> bool:
        user = invitation.person.user
        if user is None:
            return False
        saved = services.response_save(
            invitation,
            data={str(q.pk): value for q, value in data.items()},
            submit=True,
            acting_user=user,
            today=day,
        )
        at = _at(day, self.rng.randint(8, 18))
        Response.objects.filter(invitation=invitation).update(
            submitted_at=at, created_at=at, updated_at=at
        )
        self.answers += 1
        return saved.flagged


def _invite(
    survey: Survey, pairs: Sequence[Mentorship], occasion: str, day: date, *, per_pair: bool
) -> list[Invitation]:
    """Invitations of a closed cohort's history (its schedule can no longer run)."""
    rows = []
    for m in pairs:
        for role, person_id in (("mentor", m.mentor_id), ("mentee", m.mentee_id)):
            rows.append(
                Invitation(
                    survey=survey,
                    person_id=person_id,
                    mentorship=m if per_pair else None,
                    role=role,
                    occasion=f"{occasion}:pair{m.pk}" if per_pair else occasion,
                    invited_on=day,
                    due_on=day + timedelta(days=survey.respond_within_days),
                    emailed=True,
                    reminders_sent=1,
                )
            )
    Invitation.objects.bulk_create(rows)
    return list(
        Invitation.objects.filter(survey=survey, occasion__startswith=occasion, invited_on=day)
        .select_related("person__user")
        .order_by("pk")
    )


def _pilot_pairs(cohort: Cohort) -> list[Mentorship]:
    """The pilot's fourteen pairs, recorded as they ran (13 completed, 1 ended early)."""
    accepted = Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
    mentors = list(accepted.filter(role="mentor").order_by("pk"))
    mentees = list(accepted.filter(role="mentee").order_by("pk"))
    pairs = []
    for n, (mentor, mentee) in enumerate(zip(mentors, mentees, strict=False)):
        early = n == len(mentees) - 1
        pairs.append(
            Mentorship(
                cohort=cohort,
                mentor_id=mentor.person_id,
                mentee_id=mentee.person_id,
                mentor_application=mentor,
                mentee_application=mentee,
                status=Mentorship.Status.ENDED,
                mentor_accepted_at=_at(PILOT_START - timedelta(days=20)),
                mentee_accepted_at=_at(PILOT_START - timedelta(days=19)),
                activated_at=_at(PILOT_START),
                ended_at=_at(date(2026, 3, 20) if early else PILOT_END),
                ended_by_role="mentee" if early else "program manager",
                reason="Could not make time after a reorganisation."
                if early
                else "Completed the pilot.",
            )
        )
    Mentorship.objects.bulk_create(pairs)
    return list(Mentorship.objects.filter(cohort=cohort).order_by("pk"))


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _pilot(b: _Builder, cohort: Cohort) -> int:
    rng = b.rng
    pairs = _pilot_pairs(cohort)
    completed = [m for m in pairs if m.ended_by_role != "mentee"]

    # Skill self-assessment before the first session and at wrap-up.
    skills = b.survey(
        cohort, Survey.Template.SELF_ASSESSMENT, opened=_at(PILOT_START - timedelta(days=3))
    )
    grid = skills.questions.get(key=metrics.KEY_SKILLS)
    focus = skills.questions.get(key="focus")
    before: dict[int, dict[str, int]] = {}
    for inv in _invite(skills, pairs, metrics.PRE, PILOT_START - timedelta(days=2), per_pair=False):
        if rng.random() < 0.07:
            continue
        senior = inv.role == "mentee"
        ratings = {
            topic: _clamp(rng.gauss(1.9 if senior else 3.9, 0.8))
            if topic in DIGITAL
            else _clamp(rng.gauss(2.9 if senior else 2.6, 0.7))
            for topic in grid.options
        }
        before[inv.person_id] = ratings
        data: dict[Question, Any] = {grid: ratings}
        if rng.random() < 0.5:
            data[focus] = rng.choice(["Using AI every week", "Giving feedback upwards"])
        b.answer(inv, data, inv.invited_on + timedelta(days=rng.randint(0, 4)))
    post_pairs = completed
    for inv in _invite(skills, post_pairs, metrics.POST, PILOT_WRAP_UP, per_pair=False):
        if inv.person_id not in before or rng.random() < 0.08:
            continue
        senior = inv.role == "mentee"
        ratings = {}
        for topic, pre in before[inv.person_id].items():
            if topic == "Generative AI tools" and senior:
                gain = rng.choice([0, 1, 1, 2, 2, 2, 3])
            elif topic in DIGITAL:
                gain = rng.choice([0, 1, 1, 2]) if senior else rng.choice([0, 0, 1])
            else:
                gain = rng.choice([0, 0, 1]) if senior else rng.choice([0, 1, 1, 2])
            ratings[topic] = _clamp(pre + gain)
        b.answer(inv, {grid: ratings}, inv.invited_on + timedelta(days=rng.randint(0, 6)))
    services.survey_close(skills, acting_user=b.manager, now=_at(PILOT_END))

    # Monthly pulses, about each pair.
    pulse = b.survey(cohort, Survey.Template.PULSE, opened=_at(PILOT_START))
    rating = pulse.questions.get(key=metrics.KEY_PULSE)
    obstacles = pulse.questions.get(key=metrics.KEY_OBSTACLES)
    note = pulse.questions.get(key="pulse_note")
    for k in range(1, 6):
        day = PILOT_START + timedelta(weeks=4 * k)
        live = [m for m in pairs if m.ended_at is not None and m.ended_at.date() > day]
        for inv in _invite(pulse, live, f"every4w:{k}", day, per_pair=True):
            if rng.random() < 0.15:
                continue
            early = inv.mentorship is not None and inv.mentorship.ended_by_role == "mentee"
            value = max(1, 7 - 2 * k) if early else min(10, max(4, round(rng.gauss(8, 1.2))))
            data = {rating: value}
            if value < 7:
                data[obstacles] = rng.sample(["Time", "Cancellations", "Unclear goals"], 2)
            elif rng.random() < 0.6:
                data[obstacles] = ["Nothing"]
            if rng.random() < 0.25:
                data[note] = rng.choice(_TEXTS["pulse_notes"])
            b.answer(inv, data, day + timedelta(days=rng.randint(0, 5)))
    services.survey_close(pulse, acting_user=b.manager, now=_at(PILOT_END))

    # The final evaluation at wrap-up.
    final = b.survey(cohort, Survey.Template.FINAL, opened=_at(PILOT_WRAP_UP - timedelta(days=1)))
    q = {question.key: question for question in final.questions.all()}
    for inv in _invite(final, completed, "phase_wrapping_up", PILOT_WRAP_UP, per_pair=False):
        if rng.random() < 0.1:
            continue
        data = {
            q[metrics.KEY_SATISFACTION]: rng.choices([3, 4, 5], weights=[1, 4, 5])[0],
            q[metrics.KEY_AGAIN]: rng.choices([3, 4, 5], weights=[1, 3, 6])[0],
            q[metrics.KEY_NPS]: rng.choices(range(5, 11), weights=[1, 1, 2, 3, 4, 4])[0],
        }
        if rng.random() < 0.6:
            data[q["changed"]] = rng.choice(_TEXTS["changed"])
        if rng.random() < 0.7:
            data[q["story_optin"]] = rng.choice(["Yes", "No", "Yes"])
        b.answer(inv, data, PILOT_WRAP_UP + timedelta(days=rng.randint(0, 10)))
    services.survey_close(final, acting_user=b.manager, now=_at(PILOT_END))
    return len(pairs)


def _current(b: _Builder, cohort: Cohort) -> int:
    rng = b.rng
    pairs = list(
        Mentorship.objects.filter(cohort=cohort, status=Mentorship.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
    )
    logins = {MENTOR_EMAIL, MENTEE_EMAIL}
    others = [m for m in pairs if m.mentor.email not in logins and m.mentee.email not in logins]
    start = min((m.activated_at for m in pairs if m.activated_at), default=_at(ANCHOR))
    weeks = [start + timedelta(days=7 * n + 1) for n in range(12)]

    # Pairing fit after each pair's first held session: two pairs are "not a good fit".
    fit = b.survey(cohort, Survey.Template.PAIRING_FIT, opened=start)
    fit_q = fit.questions.get(key=metrics.KEY_FIT)
    fit_note = fit.questions.get(key="fit_note")
    not_fit = {others[3].pk: "mentee", others[11].pk: "mentor"} if len(others) > 11 else {}
    for when in weeks:
        services.invitations_run(fit, now=when, notify=False)
    flags = 0
    for inv in Invitation.objects.filter(survey=fit).select_related("person__user", "mentorship"):
        if inv.person.email in logins:
            continue  # the demo logins answer themselves
        assert inv.mentorship_id is not None
        if not_fit.get(inv.mentorship_id) == inv.role:
            data: dict[Question, Any] = {
                fit_q: metrics.FIT_NOT_GOOD,
                fit_note: _TEXTS["fit_notes"][flags % len(_TEXTS["fit_notes"])],
            }
        elif rng.random() < 0.12:
            continue
        else:
            data = {fit_q: rng.choices(metrics.FIT_OPTIONS[:2], weights=[6, 1])[0]}
        flags += b.answer(inv, data, inv.invited_on + timedelta(days=rng.randint(0, 3)))

    # Monthly pulses: a few pairs falling, one pair whose partners disagree by five points.
    pulse = b.survey(cohort, Survey.Template.PULSE, opened=start)
    rating = pulse.questions.get(key=metrics.KEY_PULSE)
    obstacles = pulse.questions.get(key=metrics.KEY_OBSTACLES)
    note = pulse.questions.get(key="pulse_note")
    for when in weeks:
        services.invitations_run(pulse, now=when, notify=False)
    falling = {m.pk for m in others[5:8]}
    disagree = others[9].pk if len(others) > 9 else None
    invitations = Invitation.objects.filter(survey=pulse).select_related("person__user")
    for inv in invitations.order_by("invited_on", "pk"):
        if inv.person.email in logins or rng.random() < 0.1:
            continue
        period = int(inv.occasion.split(":")[1])
        if inv.mentorship_id in falling:
            value = 8 - 3 * (period - 1) + rng.choice([0, 1])
        elif inv.mentorship_id == disagree and period >= 2:
            value = 9 if inv.role == "mentor" else 4
        else:
            value = min(10, max(5, round(rng.gauss(8, 1))))
        data = {rating: value}
        if value < 6:
            data[obstacles] = rng.sample(
                ["Time", "Cancellations", "Resistance or defensiveness", "Unclear goals"], 2
            )
        if rng.random() < 0.2 or value < 5:
            data[note] = rng.choice(_TEXTS["pulse_notes"])
        b.answer(inv, data, inv.invited_on + timedelta(days=rng.randint(0, 4)))

    _current_skills(b, cohort, start, logins)

    # The mid-point check-in: anonymous, open now, on every participant's hub.
    opened = max(DEMO_TODAY, timezone.now())
    midpoint = b.survey(
        cohort,
        Survey.Template.MIDPOINT,
        opened=opened,
        mode=Survey.Mode.ANONYMOUS,
        trigger=Survey.Trigger.MANUAL,
        respond_within_days=30,
    )
    q = list(midpoint.questions.order_by("position"))
    invited = list(Invitation.objects.filter(survey=midpoint).select_related("person__user"))
    rng.shuffle(invited)
    for inv in invited[: len(invited) // 2]:
        if inv.person.email in logins:
            continue
        data = {question: rng.choices([2, 3, 4, 5], weights=[1, 2, 5, 4])[0] for question in q[:3]}
        data[q[3]] = min(10, max(2, round(rng.gauss(6.5, 1.8))))
        if rng.random() < 0.4:
            data[q[4]] = rng.choice(_TEXTS["midpoint_notes"])
        b.answer(inv, data, opened.date())
    return flags


MID_SKILLS_TITLE = "Skill self-assessment (mid-point)"


def _current_skills(b: _Builder, cohort: Cohort, start: datetime, logins: set[str]) -> None:
    """The skill self-assessment before the first session (everyone, the demo logins too)
    and a mid-point self-assessment two weeks before "today" (the demo logins answer it
    themselves): the skill KPIs have an interim value until the "post" at wrap-up."""
    rng = b.rng
    skills = b.survey(cohort, Survey.Template.SELF_ASSESSMENT, opened=start - timedelta(days=2))
    services.invitations_run(skills, now=start, notify=False)
    grid = skills.questions.get(key=metrics.KEY_SKILLS)
    before: dict[int, dict[str, int]] = {}
    pre = Invitation.objects.filter(survey=skills, occasion=metrics.PRE)
    for inv in pre.select_related("person__user").order_by("pk"):
        if inv.person.email not in logins and rng.random() < 0.08:
            continue
        senior = inv.role == "mentee"
        ratings = {
            topic: _clamp(rng.gauss(1.9 if senior else 3.9, 0.8))
            if topic in DIGITAL
            else _clamp(rng.gauss(2.9 if senior else 2.6, 0.7))
            for topic in grid.options
        }
        before[inv.person_id] = ratings
        b.answer(inv, {grid: ratings}, inv.invited_on + timedelta(days=rng.randint(0, 3)))
    mid_day = (DEMO_TODAY - timedelta(days=14)).date()
    mid = b.survey(
        cohort,
        Survey.Template.SELF_ASSESSMENT,
        opened=_at(mid_day),
        title=MID_SKILLS_TITLE,
        trigger=Survey.Trigger.MANUAL,
        respond_within_days=21,
    )
    mid_grid = mid.questions.get(key=metrics.KEY_SKILLS)
    for inv in Invitation.objects.filter(survey=mid).select_related("person__user").order_by("pk"):
        if inv.person.email in logins or inv.person_id not in before or rng.random() < 0.1:
            continue
        senior = inv.role == "mentee"
        ratings = {}
        for topic, rating in before[inv.person_id].items():
            if topic == "Generative AI tools" and senior:
                gain = rng.choice([0, 1, 1, 1, 2])
            elif topic in DIGITAL:
                gain = rng.choice([0, 0, 1, 1]) if senior else rng.choice([0, 0, 0, 1])
            else:
                gain = rng.choice([0, 0, 1]) if not senior else rng.choice([0, 0, 0, 1])
            if topic in mid_grid.options:
                ratings[topic] = _clamp(rating + gain)
        b.answer(inv, {mid_grid: ratings}, mid_day + timedelta(days=rng.randint(0, 6)))


@transaction.atomic
def feedback_demo_build(*, seed: int = DEFAULT_SEED) -> FeedbackDemoSummary | None:
    """Add the demo's surveys; None when the program is missing or has surveys already."""
    program = Program.objects.filter(name=PROGRAM_NAME).first()
    if program is None or Survey.objects.filter(cohort__program=program).exists():
        return None
    manager = get_user_model().objects.get(username=MANAGER_EMAIL)
    builder = _Builder(random.Random(seed + 12), manager)
    pilot = Cohort.objects.get(program=program, name=PILOT_COHORT)
    pilot_pairs = _pilot(builder, pilot)
    current = Cohort.objects.get(program=program, name=CURRENT_COHORT)
    _current(builder, current)
    return FeedbackDemoSummary(
        surveys=Survey.objects.filter(cohort__program=program).count(),
        answers=builder.answers,
        flags=PairFitFlag.objects.filter(mentorship__cohort=current).count(),
        pilot_pairs=pilot_pairs,
    )
