"""The demo's recognition: the closed pilot's pairs and their history, badges earned from
the demo's real activity (the same rules the tick runs), certificates for the pilot, and two
published success stories.

The pilot cohort was run from draft to closed by `demo.programs` without a match run; its
fourteen pairs (recorded by the surveys demo, or here when it did not run) get their held
sessions and learning log as history, written as rows with past dates like the other
builders' history. Everything after that goes through the services: the badge rules, the
certificate PDFs, the stories with both partners' consent and the manager's publication.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from turnabout.demo.files import load_toml
from turnabout.demo.people import DEFAULT_SEED
from turnabout.demo.programs import MANAGER_EMAIL, PROGRAM_NAME
from turnabout.engagement.models import LearningEntry, MentoringSession, Side
from turnabout.enrollment.models import Application
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Skill
from turnabout.programs.models import Cohort, Phase
from turnabout.recognition import services
from turnabout.recognition.models import Certificate

PILOT_KICK_OFF = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
PILOT_END = datetime(2026, 6, 26, 16, 0, tzinfo=UTC)


@dataclass(frozen=True)
class RecognitionDemoSummary:
    pilot_pairs: int
    badges: int
    certificates: int
    stories: int


def _pilot_pairs(pilot: Cohort, rng: random.Random) -> list[Mentorship]:
    """The pilot's pairs: the ones the surveys demo recorded, or recorded here the same way
    (fourteen ended pairs of its accepted applications, the last one ended early)."""
    existing = list(Mentorship.objects.filter(cohort=pilot).order_by("pk"))
    if existing:
        return existing
    apps = Application.objects.filter(cohort=pilot, status=Application.Status.ACCEPTED)
    mentors = list(apps.filter(role="mentor").order_by("pk"))
    mentees = list(apps.filter(role="mentee").order_by("pk"))
    for n, (mentor, mentee) in enumerate(zip(mentors, mentees, strict=False)):
        early = n == len(mentees) - 1
        Mentorship.objects.create(
            cohort=pilot,
            mentor_id=mentor.person_id,
            mentee_id=mentee.person_id,
            mentor_application=mentor,
            mentee_application=mentee,
            status=Mentorship.Status.ENDED,
            score=round(rng.uniform(0.6, 0.9), 3),
            mentor_accepted_at=PILOT_KICK_OFF - timedelta(days=20),
            mentee_accepted_at=PILOT_KICK_OFF - timedelta(days=19),
            activated_at=PILOT_KICK_OFF,
            ended_at=PILOT_KICK_OFF + timedelta(days=60) if early else PILOT_END,
            ended_by_role="mentee" if early else "program manager",
        )
    return list(Mentorship.objects.filter(cohort=pilot).order_by("pk"))


def _pilot_history(pilot: Cohort, rng: random.Random) -> list[Mentorship]:
    """Held sessions and learning logged both ways, for pairs that have none yet."""
    pairs = _pilot_pairs(pilot, rng)
    skills = list(Skill.objects.order_by("name")[:40])
    for pair in pairs:
        if MentoringSession.objects.filter(mentorship=pair).exists():
            continue
        held = 2 if pair.ended_by_role == "mentee" else rng.randint(6, 11)  # 13 of 14 completed
        MentoringSession.objects.bulk_create(
            MentoringSession(
                mentorship=pair,
                uid=f"{uuid.uuid4()}@turnabout",
                starts_at=PILOT_KICK_OFF + timedelta(days=14 * i),
                minutes=60,
                format="video",
                outcome=MentoringSession.Outcome.HELD,
            )
            for i in range(held)
        )
        for side, author in ((Side.MENTEE, pair.mentee), (Side.MENTOR, pair.mentor)):
            entry = LearningEntry.objects.create(
                mentorship=pair, author=author, side=side, text="(pilot learning log)"
            )
            entry.skills.set(rng.sample(skills, min(2, len(skills))))
    return [p for p in pairs if p.ended_by_role != "mentee"]


@transaction.atomic
def recognition_demo_build(*, seed: int = DEFAULT_SEED) -> RecognitionDemoSummary | None:
    """None when the demo program or its closed pilot is missing, or already built."""
    pilot = (
        Cohort.objects.select_related("program")
        .filter(program__name=PROGRAM_NAME, phase=Phase.CLOSED)
        .first()
    )
    if pilot is None or Certificate.objects.filter(cohort=pilot).exists():
        return None
    rng = random.Random(seed + 12)
    manager = get_user_model().objects.get(username=MANAGER_EMAIL)
    pairs = _pilot_history(pilot, rng)
    awarded = services.badges_award(now=PILOT_END + timedelta(days=14))
    issued = services.certificates_issue(
        pilot, acting_user=manager, now=PILOT_END + timedelta(days=14), notify=False
    )
    users = {u.pk: u for u in get_user_model().objects.filter(employee__isnull=False)}
    stories = 0
    for pair, data in zip(pairs, load_toml("learning.toml")["stories"], strict=False):
        writer, partner = users.get(pair.mentor.user_id or 0), users.get(pair.mentee.user_id or 0)
        if writer is None or partner is None:
            continue
        story = services.story_save(
            pair, title=data["title"], body=data["body"], acting_user=writer
        )
        services.story_consent(story, acting_user=partner, consent=True)
        services.story_publish(story, acting_user=manager)
        stories += 1
    return RecognitionDemoSummary(
        pilot_pairs=Mentorship.objects.filter(cohort=pilot).count(),
        badges=sum(awarded.values()),
        certificates=len(issued),
        stories=stories,
    )
