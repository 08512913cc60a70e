"""The demo's recognition: the closed pilot's pairs and their history, badges earned from
the demo's real activity (the same rules the tick runs), certificates for the pilot, and two
published success stories.

The pilot cohort was run from draft to closed by `demo.programs` without pairs; its fourteen
pairs and their sessions are history, written here as rows with past dates, like the other
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

PILOT_KICK_OFF = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
PILOT_END = datetime(2026, 6, 26, 16, 0, tzinfo=UTC)


@dataclass(frozen=True)
class RecognitionDemoSummary:
    pilot_pairs: int
    badges: int
    certificates: int
    stories: int


def _pilot_history(pilot: Cohort, rng: random.Random) -> list[Mentorship]:
    apps = Application.objects.filter(
        cohort=pilot, status=Application.Status.ACCEPTED
    ).select_related("person")
    mentors = [a for a in apps.order_by("pk") if a.role == "mentor"]
    mentees = [a for a in apps.order_by("pk") if a.role == "mentee"]
    skills = list(Skill.objects.order_by("name")[:40])
    pairs: list[Mentorship] = []
    for n, (mentor, mentee) in enumerate(zip(mentors, mentees, strict=False)):
        if mentor.person_id == mentee.person_id:
            continue
        pair = Mentorship.objects.create(
            cohort=pilot,
            mentor=mentor.person,
            mentee=mentee.person,
            mentor_application=mentor,
            mentee_application=mentee,
            status=Mentorship.Status.ENDED,
            score=round(rng.uniform(0.6, 0.9), 3),
            mentor_accepted_at=PILOT_KICK_OFF - timedelta(days=20),
            mentee_accepted_at=PILOT_KICK_OFF - timedelta(days=19),
            activated_at=PILOT_KICK_OFF - timedelta(days=19),
            ended_at=PILOT_END,
            ended_by_role="system",
        )
        # One pair of fourteen stopped early ("13 of 14 pairs completed").
        held = 2 if n == len(mentees) - 1 else rng.randint(6, 11)
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
        for side, author in ((Side.MENTEE, mentee.person), (Side.MENTOR, mentor.person)):
            entry = LearningEntry.objects.create(
                mentorship=pair, author=author, side=side, text="(pilot learning log)"
            )
            entry.skills.set(rng.sample(skills, min(2, len(skills))))
        pairs.append(pair)
    return pairs


@transaction.atomic
def recognition_demo_build(*, seed: int = DEFAULT_SEED) -> RecognitionDemoSummary | None:
    """None when the demo program or its closed pilot is missing, or already built."""
    pilot = (
        Cohort.objects.select_related("program")
        .filter(program__name=PROGRAM_NAME, phase=Phase.CLOSED)
        .first()
    )
    if pilot is None or Mentorship.objects.filter(cohort=pilot).exists():
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
        pilot_pairs=len(pairs),
        badges=sum(awarded.values()),
        certificates=len(issued),
        stories=stories,
    )
