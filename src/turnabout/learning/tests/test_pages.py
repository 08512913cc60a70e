"""Learning pages: a participant takes a module, a manager edits and sees readiness; who
may open what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from turnabout.learning import services
from turnabout.learning.models import (
    ConversationGuide,
    GuidelinesAcknowledgement,
    Resource,
    Step,
    StepCompletion,
    TrainingModule,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_mentor_takes_a_module_and_the_cohort_page_shows_it(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    program = setup.cohort.program
    mentor, app = setup.mentors[0]
    me = _client(mentor)
    page = me.get(f"/learning/programs/{program.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mentoring upward" in body and "Listening without defending" not in body  # mentee's
    manager = _client(setup.manager)
    cohort_page = manager.get(f"/programs/cohorts/{setup.cohort.pk}/").content.decode()
    assert 'id="readiness"' in cohort_page

    for module in TrainingModule.objects.filter(program=program, audience__in=["mentor", "both"]):
        for step in module.steps.all():
            data: dict[str, Any] = {}
            if step.kind == Step.Kind.CHECK:
                data = {f"q{i}": q["answer"] for i, q in enumerate(step.questions)}
            if step.kind == Step.Kind.ACKNOWLEDGE:
                data = {"acknowledged": "1"}
            response = me.post(f"/learning/steps/{step.pk}/complete/", data)
            assert response.status_code == 302
    assert (
        StepCompletion.objects.filter(person=app.person).count()
        == Step.objects.filter(
            module__program=program, module__audience__in=["mentor", "both"]
        ).count()
    )
    people = manager.get(f"/learning/cohorts/{setup.cohort.pk}/participants/").content.decode()
    assert "Ready" in people
    mentor_row = manager.get(f"/programs/cohorts/{setup.cohort.pk}/").content.decode()
    assert (
        '<tr data-role="mentor"><th scope="row">Mentor</th><td data-ready>1 / 1</td>' in mentor_row
    )


def test_a_failed_check_shows_the_score_and_records_nothing(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    mentor, _app = setup.mentors[0]
    step = Step.objects.filter(
        module__program=setup.cohort.program, kind="check", module__audience="mentor"
    ).first()
    assert step is not None
    wrong = {f"q{i}": (q["answer"] + 1) % len(q["options"]) for i, q in enumerate(step.questions)}
    response = _client(mentor).post(f"/learning/steps/{step.pk}/complete/", wrong, follow=True)
    assert "0% right" in response.content.decode()
    assert not StepCompletion.objects.filter(step=step).exists()


def test_managers_edit_modules_steps_and_the_library(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    program = setup.cohort.program
    manager = _client(setup.manager)
    response = manager.post(
        f"/learning/programs/{program.pk}/modules/new/",
        {"title": "Our culture", "summary": "", "audience": "both", "required": "on"},
    )
    module = TrainingModule.objects.get(program=program, title="Our culture")
    assert response.status_code == 302
    response = manager.post(
        f"/learning/modules/{module.pk}/steps/new/",
        {"title": "Quiz", "kind": "check", "pass_mark": 50,
         "questions": "Who teaches?\n* The junior\nThe senior\n\n"
                      "Who learns?\nThe junior\n* The senior"},
    )  # fmt: skip
    assert response.status_code == 302
    step = module.steps.get()
    assert step.questions[1] == {"text": "Who learns?", "options": ["The junior", "The senior"],
                                 "answer": 1}  # fmt: skip
    upload = SimpleUploadedFile("guide.txt", b"hello", content_type="text/plain")
    manager.post(
        f"/learning/programs/{program.pk}/library/new/",
        {"title": "Handbook", "kind": "file", "tags": "Handbook, basics", "audience": "both",
         "file": upload},
    )  # fmt: skip
    resource = Resource.objects.get(program=program)
    assert resource.tags == ["handbook", "basics"]
    manager.post(
        f"/learning/programs/{program.pk}/guides/new/",
        {"title": "Opening", "stage": "first", "agenda": "Hello\nGoals",
         "questions": "What would you never ask your boss?", "tags": "", "audience": "both"},
    )  # fmt: skip
    guide = ConversationGuide.objects.get(program=program, title="Opening")
    manager.post(f"/learning/guides/{guide.pk}/retire/")
    assert ConversationGuide.objects.get(pk=guide.pk).retired_at is not None

    mentee, _m = setup.mentees[0]
    participant = _client(mentee)
    library = participant.get(f"/learning/programs/{program.pk}/library/?q=hand").content.decode()
    assert "Handbook" in library and "Opening" not in library  # retired guides are hidden
    assert (
        participant.get(f"/learning/programs/{program.pk}/library/?tag=basics").status_code == 200
    )
    download = participant.get(f"/learning/files/{resource.file_id}/")
    assert download.status_code == 200 and download.content == b"hello"
    assert download["Content-Disposition"] == 'attachment; filename="guide.txt"'


def test_permissions_per_role(build_cohort: Any, make_user: Any, sponsor: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    program = setup.cohort.program
    mentor, _a = setup.mentors[0]
    mentee, _b = setup.mentees[0]
    mentor_module = TrainingModule.objects.get(program=program, starter_key="mentoring-upward")
    outsider = _client(make_user())
    assert outsider.get(f"/learning/programs/{program.pk}/").status_code == 404
    assert outsider.get(f"/learning/modules/{mentor_module.pk}/").status_code == 404
    assert _client(mentee).get(f"/learning/modules/{mentor_module.pk}/").status_code == 404
    assert _client(mentor).get(f"/learning/modules/{mentor_module.pk}/").status_code == 200
    # Participants do not edit; nobody but the managers sees who is ready.
    assert _client(mentor).get(f"/learning/modules/{mentor_module.pk}/edit/").status_code == 403
    assert (
        _client(mentor).post(f"/learning/programs/{program.pk}/gate/", {"on": "1"}).status_code
        == 403
    )
    for user in (mentor, sponsor):
        response = _client(user).get(f"/learning/cohorts/{setup.cohort.pk}/participants/")
        assert response.status_code in (403, 404)
    assert (
        'id="readiness"'
        not in _client(sponsor).get(f"/programs/cohorts/{setup.cohort.pk}/").content.decode()
    )
    # A file of a mentor module is not for a mentee.
    step = services.step_create(
        mentor_module, acting_user=setup.manager, data={"title": "F", "kind": "file"},
        upload=SimpleUploadedFile("m.pdf", b"%PDF", content_type="application/pdf"),
    )  # fmt: skip
    assert _client(mentee).get(f"/learning/files/{step.file_id}/").status_code == 404
    assert _client(mentor).get(f"/learning/files/{step.file_id}/").status_code == 200


def test_guidelines_are_acknowledged_once_and_the_manager_sees_who_has_not(
    build_cohort: Any,
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    mentor, _a = setup.mentors[0]
    me = _client(mentor)
    home = me.get("/").content.decode()
    assert f"/learning/cohorts/{setup.cohort.pk}/guidelines/" in home
    me.post(f"/learning/cohorts/{setup.cohort.pk}/guidelines/")
    me.post(f"/learning/cohorts/{setup.cohort.pk}/guidelines/")
    assert GuidelinesAcknowledgement.objects.filter(cohort=setup.cohort).count() == 1
    assert (
        "You acknowledged"
        in me.get(f"/learning/cohorts/{setup.cohort.pk}/guidelines/").content.decode()
    )
    people = _client(setup.manager).get(f"/learning/cohorts/{setup.cohort.pk}/participants/")
    assert "1 participant has not acknowledged the guidelines." in people.content.decode()


def test_a_refused_module_keeps_the_typed_values(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    program = setup.cohort.program
    manager = _client(setup.manager)
    url = f"/learning/programs/{program.pk}/modules/new/"
    data = {"title": "Lunch and learn", "summary": "How we work", "audience": "mentor"}
    first = manager.post(url, data)
    assert first.status_code == 302, first.context["module_form"].errors
    again = manager.post(url, {**data, "summary": "Second try"})
    assert again.status_code == 200
    assert again.context["module_form"].errors == {
        "title": ["This program already has a module with that title."]
    }
    body = again.content.decode()
    assert 'value="Lunch and learn"' in body and "Second try</textarea>" in body
    assert '<option value="mentor" selected>' in body
    assert TrainingModule.objects.filter(program=program, title="Lunch and learn").count() == 1
