from __future__ import annotations

import pytest

from turnabout.programs.models import Cohort, Program
from turnabout.programs.tests.factories import make_cohort, make_program, move_to

pytestmark = pytest.mark.django_db

DESIGN = {
    "name": "Digital Fluency",
    "purpose": "Juniors teach leaders digital tools.",
    "meeting_every_days": "14",
    "session_minutes": "60",
    "format": "hybrid",
    "duration_months": "6",
    "mentor_max_level": "4",
    "mentee_min_level": "7",
    "matching_settings": '{"weights": {"skills": 3}}',
}


def test_manager_designs_a_program_in_the_browser(client, program_manager):
    client.force_login(program_manager)
    assert client.get("/programs/new/").status_code == 200
    response = client.post("/programs/new/", DESIGN)
    program = Program.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/{program.pk}/"
    assert program.matching_settings == {"weights": {"skills": 3}}
    assert list(program.managers.all()) == [program_manager]
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert "Digital Fluency" in page and "level 4 or below" in page


def test_bad_matching_settings_show_the_engines_message(client, program_manager):
    client.force_login(program_manager)
    response = client.post(
        "/programs/new/", {**DESIGN, "matching_settings": '{"weights": {"luck": 1}}'}
    )
    assert response.status_code == 200
    assert "weights.luck" in response.content.decode()
    assert not Program.objects.exists()
    broken = client.post("/programs/new/", {**DESIGN, "matching_settings": "{oops"})
    assert "not valid JSON" in broken.content.decode()


def test_kpi_without_target_is_refused_on_the_page(client, program_manager):
    program = make_program(program_manager)
    client.force_login(program_manager)
    response = client.post(
        f"/programs/{program.pk}/objectives/",
        {
            "title": "Pairs meet",
            "metric": "pairs_meeting_min_sessions",
            "comparison": "at_least",
            "unit": "percent",
        },
        follow=True,
    )
    assert "Every KPI needs a target." in response.content.decode()
    assert not program.objectives.exists()
    client.post(
        f"/programs/{program.pk}/objectives/",
        {
            "title": "Pairs meet",
            "metric": "pairs_meeting_min_sessions",
            "parameter": "6",
            "comparison": "at_least",
            "target": "80",
            "unit": "percent",
        },
    )
    assert program.objectives.get().target_label == "≥ 80%"


def test_manager_edits_the_program(client, program_manager):
    program = make_program(program_manager)
    client.force_login(program_manager)
    form = client.get(f"/programs/{program.pk}/edit/")
    assert form.status_code == 200
    response = client.post(
        f"/programs/{program.pk}/edit/", {**DESIGN, "name": "Renamed", "mentee_min_level": "8"}
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.mentee_min_level) == ("Renamed", 8)


def test_manager_creates_a_cohort_and_moves_it_through_phases(client, program_manager):
    program = make_program(program_manager)
    client.force_login(program_manager)
    response = client.post(
        f"/programs/{program.pk}/cohorts/new/",
        {
            "name": "Autumn",
            "starts_on": "2026-09-21",
            "ends_on": "2027-03-19",
            "applications_close_on": "2026-08-28",
        },
    )
    cohort = Cohort.objects.get()
    assert response["Location"] == f"/programs/cohorts/{cohort.pk}/"
    client.post(
        f"/programs/cohorts/{cohort.pk}/phase/", {"to_phase": "applications_open", "note": "Go"}
    )
    cohort.refresh_from_db()
    assert cohort.phase == "applications_open"
    refused = client.post(
        f"/programs/cohorts/{cohort.pk}/phase/", {"to_phase": "active"}, follow=True
    )
    assert "cannot move from Applications open to Active" in refused.content.decode()
    page = client.get(f"/programs/cohorts/{cohort.pk}/").content.decode()
    assert "Move to Applications closed" in page and "Go" in page


def test_public_page_shows_apply_buttons_and_eligibility(client, program_manager, make_user):
    program = make_program(program_manager, welcome_mentor="You gain visibility.")
    cohort = make_cohort(program, program_manager, phase="applications_open")
    junior = make_user()
    client.force_login(junior)
    page = client.get(f"/programs/cohorts/{cohort.pk}/about/").content.decode()
    assert "You gain visibility." in page
    assert "Apply as mentor" in page and "Apply as mentee" not in page
    assert "Mentees in Digital Fluency are at level 7 or above; you are at level 3." in page
    assert client.get("/applications/join/").content.decode().count("Digital Fluency") >= 1
    home = client.get("/").content.decode()
    assert "Open now" in home and "Digital Fluency" in home


def test_program_list_query_count_is_bounded(
    client, program_manager, django_assert_max_num_queries
):
    for n in range(4):
        program = make_program(program_manager, name=f"Program {n}")
        for c in range(3):
            make_cohort(program, program_manager, name=f"Cohort {c}")
    client.force_login(program_manager)
    with django_assert_max_num_queries(12):
        assert client.get("/programs/").status_code == 200


def test_cohort_in_matching_links_to_the_matching_page_instead_of_a_matched_button(
    client, program_manager
):
    cohort = make_cohort(make_program(program_manager), program_manager)
    move_to(cohort, "matching", program_manager)
    client.force_login(program_manager)
    page = client.get(f"/programs/cohorts/{cohort.pk}/").content.decode()
    assert f'href="/pairing/cohorts/{cohort.pk}/"' in page
    assert 'value="matched"' not in page
    assert "when you publish a match run" in page


# A refused form comes back with what was typed and each error at its field.

OBJECTIVE = {
    "title": "Pairs meet",
    "metric": "pairs_meeting_min_sessions",
    "parameter": "6",
    "comparison": "at_least",
    "target": "80",
    "unit": "percent",
}


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("lots", "Enter a number."),
        ("150", "Objective Pairs meet: a percentage target must be from 0 to 100."),
    ],
)
def test_a_refused_objective_keeps_the_typed_values(client, program_manager, target, error):
    program = make_program(program_manager)
    client.force_login(program_manager)
    response = client.post(f"/programs/{program.pk}/objectives/", {**OBJECTIVE, "target": target})
    assert response.status_code == 200 and not program.objectives.exists()
    form = response.context["objective_form"]
    assert form.errors == {"target": [error]}
    body = response.content.decode()
    assert 'value="Pairs meet"' in body and f'value="{target}"' in body
    assert '<option value="percent" selected>' in body
    assert '<details class="add-box" open>' in body


def test_a_refused_manager_keeps_the_typed_email(client, program_manager):
    program = make_program(program_manager)
    client.force_login(program_manager)
    response = client.post(f"/programs/{program.pk}/managers/", {"email": "nobody@example.com"})
    assert response.status_code == 200
    assert response.context["manager_form"].errors == {
        "email": ["No active account has the email nobody@example.com."]
    }
    assert 'value="nobody@example.com"' in response.content.decode()
