from __future__ import annotations

import pytest

from turnabout.enrollment.models import Application
from turnabout.enrollment.services import application_create
from turnabout.people.models import Employee, Skill
from turnabout.programs.tests.factories import (
    ensure_skills,
    make_cohort,
    make_program,
    mentor_profile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(program_manager):
    ensure_skills()
    return make_cohort(make_program(program_manager), program_manager, phase="applications_open")


def form_data(**overrides):
    skill = Skill.objects.get(name="Generative AI tools")
    data = {
        "skills_3": [str(skill.pk)],
        "goals": "Teach AI tools",
        "interests": "running, chess",
        "formats": ["video"],
        "availability": ["mon-am", "fri-pm"],
        "communication": ["chat"],
        "languages": "English, French",
        "capacity": "2",
        "ws_structure": "agenda",
        "ws_learning": "hands_on",
        "ws_feedback": "direct",
        "ws_pace": "steady",
        "agreed": "on",
    }
    data.update(overrides)
    return data


def test_employee_applies_as_mentor_and_sees_the_status(client, cohort, participant):
    client.force_login(participant)
    page = client.get(f"/applications/apply/{cohort.pk}/mentor/")
    assert page.status_code == 200 and "Skills you can share" in page.content.decode()
    response = client.post(f"/applications/apply/{cohort.pk}/mentor/", form_data())
    application = Application.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/"
    )
    assert application.skills == {"Generative AI tools": 3}
    assert application.languages == ["English", "French"]
    assert application.working_style["structure"] == "agenda"
    detail = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Submitted" in detail and "Withdraw" in detail
    mine = client.get("/applications/").content.decode()
    assert "Digital Fluency" in mine and "Submitted" in mine
    assert (
        client.get(f"/applications/apply/{cohort.pk}/mentor/")["Location"]
        == f"/applications/{application.pk}/"
    )


def test_form_errors_are_shown_and_nothing_is_saved(client, cohort, participant):
    client.force_login(participant)
    response = client.post(
        f"/applications/apply/{cohort.pk}/mentor/", form_data(agreed="", availability=[])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "Please agree to the guidelines to apply." in body
        and "Choose at least one half-day." in body
    )
    no_skill = client.post(
        f"/applications/apply/{cohort.pk}/mentor/",
        form_data(skills_3=[]),
    )
    assert "name at least one skill" in no_skill.content.decode()
    assert not Application.objects.exists()


def test_skills_are_picked_per_level_and_a_skill_twice_is_an_error_at_its_picker(
    client, cohort, participant
):
    ai, tiktok = (Skill.objects.get(name=n) for n in ("Generative AI tools", "TikTok"))
    client.force_login(participant)
    url = f"/applications/apply/{cohort.pk}/mentor/"
    page = client.get(url).content.decode()
    assert 'name="skills_3"' in page and "data-picker" in page and "<optgroup" in page
    both = [str(ai.pk), str(tiktok.pk)]
    twice = client.post(url, form_data(skills_3=[str(ai.pk)], skills_2=both))
    form = twice.context["form"]
    assert twice.status_code == 200 and not Application.objects.exists()
    assert form.errors["skills_2"] == [
        "Generative AI tools is already chosen above: pick each skill once."
    ]
    body = twice.content.decode()  # the picked skills and the typed answers are kept
    assert f'<option value="{tiktok.pk}" selected>TikTok</option>' in body
    assert "Teach AI tools" in body
    client.post(url, form_data(skills_3=[str(ai.pk)], skills_1=[str(tiktok.pk)]))
    application = Application.objects.get()
    assert application.skills == {"Generative AI tools": 3, "TikTok": 1}
    edit = client.get(f"/applications/{application.pk}/edit/").context["form"]
    assert edit["skills_3"].value() == [str(ai.pk)]
    assert edit["skills_1"].value() == [str(tiktok.pk)]


def test_a_mentee_picks_topics_by_priority(client, cohort, participant):
    ai = Skill.objects.get(name="Generative AI tools")
    Employee.objects.filter(user=participant).update(level=9)
    client.force_login(participant)
    data = form_data(wants_medium=[str(ai.pk)])
    del data["skills_3"], data["capacity"]
    response = client.post(f"/applications/apply/{cohort.pk}/mentee/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Application.objects.get().wants == {"Generative AI tools": "medium"}


def test_an_ineligible_employee_sees_the_reason(client, cohort, participant):
    Employee.objects.filter(user=participant).update(level=9)
    client.force_login(participant)
    page = client.get(f"/applications/apply/{cohort.pk}/mentor/").content.decode()
    assert "Mentors in Digital Fluency are at level 4 or below; you are at level 9." in page
    client.post(f"/applications/apply/{cohort.pk}/mentor/", form_data())
    assert not Application.objects.exists()


def test_applicant_edits_and_withdraws(client, cohort, participant):
    application = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=participant
    )
    client.force_login(participant)
    assert client.get(f"/applications/{application.pk}/edit/").status_code == 200
    client.post(f"/applications/{application.pk}/edit/", form_data(capacity="3"))
    application.refresh_from_db()
    assert application.capacity == 3
    client.post(f"/applications/{application.pk}/withdraw/")
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_an_applicant_cannot_see_another_application(client, cohort, participant, make_user):
    other = application_create(
        cohort, role="mentor", profile=mentor_profile(), acting_user=make_user()
    )
    client.force_login(participant)
    assert client.get(f"/applications/{other.pk}/").status_code == 404
    assert client.get(f"/applications/{other.pk}/edit/").status_code == 404
    assert client.post(f"/applications/{other.pk}/withdraw/").status_code == 404
    assert client.get(f"/programs/cohorts/{cohort.pk}/applications/").status_code == 403


def test_manager_reviews_with_filters_and_bulk_decisions(
    client, cohort, program_manager, make_user
):
    applications = [
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=make_user())
        for _ in range(3)
    ]
    Employee.objects.filter(pk=applications[0].person_id).update(department="Sales")
    client.force_login(program_manager)
    page = client.get(f"/programs/cohorts/{cohort.pk}/applications/", {"department": "Sales"})
    assert page.context["page"].paginator.count == 1
    htmx = client.get(
        f"/programs/cohorts/{cohort.pk}/applications/", {"role": "mentor"}, HTTP_HX_REQUEST="true"
    )
    assert b'id="results"' in htmx.content and b"<html" not in htmx.content
    response = client.post(
        f"/programs/cohorts/{cohort.pk}/applications/decide/",
        {
            "applications": [a.pk for a in applications[:2]],
            "decision": "accepted",
            "message": "Welcome",
        },
        follow=True,
    )
    assert "2 applications: Accepted." in response.content.decode()
    assert sorted(Application.objects.values_list("status", flat=True)) == [
        "accepted",
        "accepted",
        "submitted",
    ]
    client.post(f"/applications/{applications[2].pk}/decide/", {"decision": "waitlisted"})
    applications[2].refresh_from_db()
    assert applications[2].status == "waitlisted"
    empty = client.post(
        f"/programs/cohorts/{cohort.pk}/applications/decide/", {"decision": "declined"}, follow=True
    )
    assert "Select at least one application." in empty.content.decode()


def test_review_page_queries_do_not_grow_with_applications(
    client, cohort, program_manager, make_user, django_assert_num_queries
):
    for _ in range(3):
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=make_user())
    client.force_login(program_manager)
    client.get(f"/programs/cohorts/{cohort.pk}/applications/")  # warm caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"/programs/cohorts/{cohort.pk}/applications/")
    for _ in range(12):
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=make_user())
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(f"/programs/cohorts/{cohort.pk}/applications/")
    assert response.context["page"].paginator.count == 15


def test_review_page_query_count_is_pinned(
    client, cohort, program_manager, make_user, django_assert_num_queries
):
    for _ in range(5):
        application_create(cohort, role="mentor", profile=mentor_profile(), acting_user=make_user())
    client.force_login(program_manager)
    # 15: one more than before, the session records when it was last used (once a minute).
    with django_assert_num_queries(15):
        client.get(f"/programs/cohorts/{cohort.pk}/applications/")


def test_manager_adds_and_removes_custom_questions(client, cohort, program_manager):
    client.force_login(program_manager)
    client.post(
        f"/programs/cohorts/{cohort.pk}/questions/",
        {
            "text": "Which AI tool?",
            "kind": "single",
            "options": "ChatGPT\nCopilot",
            "required": "on",
        },
    )
    question = cohort.questions.get()
    assert question.options == ["ChatGPT", "Copilot"] and question.required
    assert "Which AI tool?" in client.get(f"/programs/cohorts/{cohort.pk}/").content.decode()
    client.post(f"/programs/cohorts/{cohort.pk}/questions/{question.pk}/remove/")
    assert not cohort.questions.exists()


def test_a_choice_question_with_one_option_keeps_the_typed_values(client, cohort, program_manager):
    client.force_login(program_manager)
    response = client.post(
        f"/programs/cohorts/{cohort.pk}/questions/",
        {"text": "Which tool?", "kind": "single", "options": "Only one", "required": "on"},
    )
    assert response.status_code == 200 and not cohort.questions.exists()
    form = response.context["question_form"]
    assert form.errors == {"options": ["A choice question needs at least two options."]}
    body = response.content.decode()
    assert 'value="Which tool?"' in body and "Only one</textarea>" in body


def test_the_status_text_speaks_to_whoever_reads_it(client, cohort, participant, program_manager):
    client.force_login(participant)
    client.post(f"/applications/apply/{cohort.pk}/mentor/", form_data())
    application = Application.objects.get()
    mine = client.get(f"/applications/{application.pk}/").content.decode()
    assert "you will get an email when they decide" in mine
    client.force_login(program_manager)
    theirs = client.get(f"/applications/{application.pk}/").content.decode()
    assert "you will get an email when they decide" not in theirs
    first_name = application.person.first_name
    assert f"Waiting for your decision: {first_name} gets an email when you decide." in theirs
