"""Training: the starter curriculum, steps, checks, completion, readiness and the library."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from turnabout.common.errors import (
    Conflict,
    ErrorCode,
    PermissionDenied,
    ValidationFailed,
)
from turnabout.learning import readiness, services
from turnabout.learning.models import (
    ConversationGuide,
    GuidelinesAcknowledgement,
    Resource,
    Step,
    StepCompletion,
    TrainingModule,
)
from turnabout.learning.tests.helpers import complete_module, complete_training

pytestmark = pytest.mark.django_db


def test_every_new_program_gets_the_starter_curriculum(build_cohort: Any) -> None:
    setup = build_cohort()
    program = setup.cohort.program
    modules = list(TrainingModule.objects.filter(program=program))
    audiences = {m.audience for m in modules}
    assert audiences == {"mentor", "mentee", "both"}
    titles = {m.title for m in modules}
    assert {
        "Mentoring upward",
        "Listening without defending",
        "Confidentiality and ground rules",
    } <= titles
    assert all(m.steps.exists() for m in modules)
    assert Step.objects.filter(module__program=program, kind=Step.Kind.CHECK).exists()
    # Installing again adds nothing (by key), and the manager may edit it.
    assert services.curriculum_install_starter(program, acting_user=setup.manager) == 0
    first = modules[0]
    services.module_update(first, acting_user=setup.manager, data={"title": "Upward, our way"})
    assert TrainingModule.objects.get(pk=first.pk).title == "Upward, our way"


def test_check_scores_against_the_pass_mark(build_cohort: Any) -> None:
    setup = build_cohort()
    mentor, _app = setup.mentors[0]
    module = services.module_create(
        setup.cohort.program, acting_user=setup.manager, title="Quiz", audience="mentor"
    )
    step = services.step_create(
        module,
        acting_user=setup.manager,
        data={
            "title": "Check",
            "kind": "check",
            "pass_mark": 50,
            "questions": [
                {"text": "A?", "options": ["x", "y"], "answer": 1},
                {"text": "B?", "options": ["x", "y", "z"], "answer": 2},
            ],
        },
    )
    with pytest.raises(ValidationFailed) as failed:
        services.step_complete(step, acting_user=mentor, answers=[0, 0])
    assert failed.value.code == ErrorCode.CHECK_NOT_PASSED
    assert failed.value.params["score"] == 0 and failed.value.params["wrong"] == [0, 1]
    assert not StepCompletion.objects.filter(step=step).exists()
    with pytest.raises(ValidationFailed) as bad:
        services.step_complete(step, acting_user=mentor, answers=[1])
    assert bad.value.code == ErrorCode.CHECK_ANSWERS_INVALID
    result = services.step_complete(step, acting_user=mentor, answers=[1, 0])
    assert result.score == 50
    again = services.step_complete(step, acting_user=mentor, answers=[0, 0])  # idempotent
    assert again.completion is not None and again.completion.pk == result.completion.pk  # type: ignore[union-attr]
    assert StepCompletion.objects.filter(step=step).count() == 1


def test_invalid_steps_are_refused(build_cohort: Any) -> None:
    setup = build_cohort()
    module = TrainingModule.objects.filter(program=setup.cohort.program).first()
    assert module is not None
    cases: list[dict[str, Any]] = [
        {"title": "V", "kind": "video"},
        {"title": "V", "kind": "video", "video_url": "javascript:alert(1)"},
        {"title": "F", "kind": "file"},
        {"title": "C", "kind": "check", "questions": []},
        {
            "title": "C",
            "kind": "check",
            "questions": [{"text": "?", "options": ["a"], "answer": 0}],
        },
        {
            "title": "C",
            "kind": "check",
            "questions": [{"text": "?", "options": ["a", "b"], "answer": 5}],
        },
    ]
    for data in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.step_create(module, acting_user=setup.manager, data=data)
        assert exc.value.code == ErrorCode.STEP_INVALID, data
    upload = SimpleUploadedFile("handout.pdf", b"%PDF-1.4 handout", content_type="application/pdf")
    step = services.step_create(
        module, acting_user=setup.manager, data={"title": "Handout", "kind": "file"}, upload=upload
    )
    assert step.file is not None and bytes(step.file.data) == b"%PDF-1.4 handout"


def test_only_the_right_people_complete_steps(build_cohort: Any, make_user: Any) -> None:
    setup = build_cohort()
    program = setup.cohort.program
    mentor, _app = setup.mentors[0]
    mentee, _app2 = setup.mentees[0]
    mentor_module = TrainingModule.objects.get(program=program, starter_key="mentoring-upward")
    step = mentor_module.steps.first()
    assert step is not None
    with pytest.raises(PermissionDenied) as wrong_role:
        services.step_complete(step, acting_user=mentee)
    assert wrong_role.value.code == ErrorCode.MODULE_NOT_FOR_ROLE
    outsider = make_user()
    with pytest.raises(PermissionDenied) as outside:
        services.step_complete(step, acting_user=outsider)
    assert outside.value.code == ErrorCode.NOT_A_PARTICIPANT
    with pytest.raises(PermissionDenied):
        services.module_create(program, acting_user=mentor, title="Mine")
    services.module_retire(mentor_module, acting_user=setup.manager)
    with pytest.raises(Conflict) as retired:
        services.step_complete(step, acting_user=mentor)
    assert retired.value.code == ErrorCode.MODULE_RETIRED


def test_readiness_counts_required_modules_per_role(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    program = setup.cohort.program
    (mentor, mentor_app), (mentor2, _a) = setup.mentors
    mentee, mentee_app = setup.mentees[0]
    required = complete_training(mentor, program, "mentor", leave=1)
    states = readiness.cohort_readiness(setup.cohort)
    assert states[mentor_app.pk].done == required - 1
    assert states[mentor_app.pk].required == required == 4  # 3 for mentors + 1 for both
    assert not states[mentor_app.pk].ready
    assert readiness.not_ready(setup.cohort) == {}  # the gate is off
    services.readiness_gate_set(program, acting_user=setup.manager, on=True)
    assert mentor_app.pk in readiness.not_ready(setup.cohort)
    complete_training(mentor, program, "mentor")
    complete_training(mentee, program, "mentee")
    not_ready = readiness.not_ready(setup.cohort)
    assert mentor_app.pk not in not_ready and mentee_app.pk not in not_ready
    by_role = {r.role: (r.ready, r.total) for r in readiness.readiness_by_role(setup.cohort)}
    assert by_role == {"mentor": (1, 2), "mentee": (1, 2)}
    # Retiring a module no longer required; a new required one makes people unready again.
    new = services.module_create(program, acting_user=setup.manager, title="New", audience="both")
    services.step_create(new, acting_user=setup.manager, data={"title": "Read", "body": "x"})
    assert mentor_app.pk in readiness.not_ready(setup.cohort)
    services.module_retire(new, acting_user=setup.manager)
    assert mentor_app.pk not in readiness.not_ready(setup.cohort)
    complete_module(
        mentor2, TrainingModule.objects.get(program=program, starter_key="mentoring-upward")
    )


def test_guidelines_acknowledged_once_per_cohort(build_cohort: Any, make_user: Any) -> None:
    setup = build_cohort()
    mentor, _app = setup.mentors[0]
    first = services.guidelines_acknowledge(setup.cohort, acting_user=mentor)
    again = services.guidelines_acknowledge(setup.cohort, acting_user=mentor)
    assert first.pk == again.pk and first.role == "mentor"
    assert GuidelinesAcknowledgement.objects.filter(cohort=setup.cohort).count() == 1
    with pytest.raises(PermissionDenied) as exc:
        services.guidelines_acknowledge(setup.cohort, acting_user=make_user())
    assert exc.value.code == ErrorCode.NOT_AN_ACCEPTED_PARTICIPANT


def test_library_resources_and_guides(build_cohort: Any) -> None:
    setup = build_cohort()
    program = setup.cohort.program
    link = services.resource_create(
        program,
        acting_user=setup.manager,
        data={
            "title": "Upward feedback",
            "kind": "link",
            "url": "https://example.org/a",
            "tags": ["Feedback", "feedback", " Power  dynamics "],
        },
    )
    assert link.tags == ["feedback", "power dynamics"]
    with pytest.raises(ValidationFailed):
        services.resource_create(
            program, acting_user=setup.manager, data={"title": "L", "kind": "link"}
        )
    article = services.resource_create(
        program,
        acting_user=setup.manager,
        data={"title": "Second", "kind": "article", "body": "Hi"},
    )
    services.resource_move(article, acting_user=setup.manager, direction=-1)
    assert list(Resource.objects.filter(program=program).values_list("title", flat=True)) == [
        "Second",
        "Upward feedback",
    ]
    guide = services.guide_create(
        program,
        acting_user=setup.manager,
        data={
            "title": "First session",
            "stage": "first",
            "agenda": "Introductions\n\nGoals",
            "questions": "What surprised you?",
        },
    )
    assert guide.agenda == ["Introductions", "Goals"] and guide.agenda_text.startswith("- ")
    services.guide_retire(guide, acting_user=setup.manager)
    assert ConversationGuide.objects.get(pk=guide.pk).retired_at is not None
    with pytest.raises(Conflict):
        services.guide_create(program, acting_user=setup.manager, data={"title": "First session"})
