"""The demo's training, badges, pilot certificates and stories."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pypdf import PdfReader

from turnabout.demo.learning import learning_demo_build
from turnabout.demo.pairing import CURRENT_COHORT
from turnabout.demo.people import demo_build
from turnabout.demo.programs import MENTOR_EMAIL, PROGRAM_NAME, programs_demo_build
from turnabout.demo.recognition import recognition_demo_build
from turnabout.learning import readiness
from turnabout.learning.models import TrainingModule
from turnabout.learning.tests.helpers import complete_training
from turnabout.programs.models import Cohort, Program
from turnabout.recognition.models import BadgeAward, Certificate, SuccessStory

pytestmark = pytest.mark.django_db


def test_demo_training_badges_certificates_and_stories() -> None:
    assert learning_demo_build() is None and recognition_demo_build() is None  # no program
    demo_build()
    programs_demo_build()
    learning = learning_demo_build()
    assert learning is not None
    program = Program.objects.get(name=PROGRAM_NAME)
    assert learning.modules == TrainingModule.objects.filter(program=program).count() == 7
    assert learning.resources >= 4
    assert learning.trained > 4 * learning.not_trained > 0  # most trained, a few not
    current = Cohort.objects.get(program=program, name=CURRENT_COHORT)
    states = readiness.cohort_readiness(current)
    assert 0 < sum(1 for s in states.values() if not s.ready) < len(states) / 3

    mentor = get_user_model().objects.get(username=MENTOR_EMAIL)
    mentor_app = current.applications.get(person__user=mentor, status="accepted")
    assert states[mentor_app.pk].required - states[mentor_app.pk].done == 2
    complete_training(mentor, program, "mentor")
    assert readiness.cohort_readiness(current)[mentor_app.pk].ready

    summary = recognition_demo_build()
    assert summary is not None
    assert summary.pilot_pairs == 14 and summary.stories == 2
    assert summary.certificates == 26 == Certificate.objects.count()  # 13 of 14 pairs completed
    assert set(BadgeAward.objects.values_list("badge", flat=True)) >= {
        "first_session", "five_sessions", "both_learned", "program_completed", "top_health",
        "training_complete",
    }  # fmt: skip
    assert SuccessStory.objects.filter(published_at__isnull=False).count() == 2
    certificate = Certificate.objects.order_by("pk").first()
    assert certificate is not None
    text = PdfReader(io.BytesIO(bytes(certificate.pdf))).pages[0].extract_text()
    assert certificate.holder_name in text and PROGRAM_NAME in text
    page = Client().get(f"/certificates/{certificate.code}/").content.decode()
    assert 'data-verified="true"' in page and certificate.holder_name in page
    assert recognition_demo_build() is None and learning_demo_build() is None  # once only
