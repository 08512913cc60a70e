"""The guided matching-priorities form writes what the JSON writes, and keeps bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from turnabout.matching import REGISTRY
from turnabout.programs.forms import ProgramForm
from turnabout.programs.models import Program
from turnabout.programs.tests.factories import make_program
from turnabout.programs.tests.test_pages import DESIGN

pytestmark = pytest.mark.django_db


def guided_post(settings: dict[str, Any] | None = None, **changes: str) -> dict[str, Any]:
    """What the page posts: the guided fields as shown for `settings`, with `changes`."""
    form = ProgramForm(
        initial={"matching_settings": "" if not settings else json.dumps(settings)},
        departments=[],
        locations=[],
    )
    data: dict[str, Any] = {"m_guided": "1"}
    for name in form.guided_names:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    for name, value in changes.items():
        if value == "off":
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_every_criterion_of_the_registry_has_a_priority(client, program_manager):
    client.force_login(program_manager)
    page = client.get("/programs/new/")
    form = page.context["form"]
    assert [f.name for f in form.guided_weights] == [f"mw_{c.name}" for c in REGISTRY]
    body = page.content.decode()
    assert "Shared free time" in body and "Prefer a different department" in body
    assert "Advanced: edit the settings as JSON" in body


def test_the_guided_form_and_the_json_store_identical_settings(client, program_manager):
    client.force_login(program_manager)
    by_guide = client.post(
        "/programs/new/",
        {
            **DESIGN,
            "name": "Guided",
            "matching_settings": "",
            **guided_post(
                m_objective="max_score",
                mw_skills="5",
                mw_language="0",
                mc_require_language="on",
                mc_max_tz_hours="6",
                md_location="prefer_different",
            ),
        },
    )
    assert by_guide.status_code == 302, by_guide.context["form"].errors
    typed = (
        '{"objective": "max_score", "weights": {"skills": 5, "language": 0},'
        ' "constraints": {"require_language": true, "max_tz_hours": 6},'
        ' "diversity": {"location": "prefer_different"}}'
    )
    by_json = client.post(
        "/programs/new/",
        {**DESIGN, "name": "Typed", "matching_settings": typed, **guided_post()},
    )
    assert by_json.status_code == 302, by_json.context["form"].errors
    guided = Program.objects.get(name="Guided").matching_settings
    assert guided == Program.objects.get(name="Typed").matching_settings
    assert guided == {
        "objective": "max_score",
        "weights": {"skills": 5, "language": 0},
        "constraints": {"require_language": True, "max_tz_hours": 6},
        "diversity": {"location": "prefer_different"},
    }


def test_a_guided_edit_keeps_custom_weights_and_the_solver_options(client, program_manager):
    program = make_program(program_manager)
    settings = {"weights": {"goals": 1.5}, "top_k": 50}
    Program.objects.filter(pk=program.pk).update(matching_settings=settings)
    client.force_login(program_manager)
    url = f"/programs/{program.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Custom (1.5)" in page
    typed = '{"weights": {"goals": 1.5}, "top_k": 50}'
    unchanged = client.post(url, {**DESIGN, "matching_settings": typed, **guided_post(settings)})
    assert unchanged.status_code == 302
    program.refresh_from_db()
    assert program.matching_settings == settings
    client.post(
        url,
        {
            **DESIGN,
            "matching_settings": '{"weights": {"goals": 1.5}, "top_k": 50}',
            **guided_post(settings, mw_skills="2", mc_reporting_line="off"),
        },
    )
    program.refresh_from_db()
    assert program.matching_settings == {
        "weights": {"goals": 1.5, "skills": 2},
        "constraints": {"reporting_line": False},
        "top_k": 50,
    }


def test_bad_guided_input_shows_the_error_at_its_field_and_keeps_the_values(
    client, program_manager
):
    client.force_login(program_manager)
    response = client.post(
        "/programs/new/",
        {**DESIGN, "matching_settings": "", **guided_post(mc_max_tz_hours="-3", mw_skills="5")},
    )
    form = response.context["form"]
    assert response.status_code == 200 and not Program.objects.exists()
    assert list(form.errors) == ["mc_max_tz_hours"]
    assert form.errors["mc_max_tz_hours"] == ["Ensure this value is greater than or equal to 0."]
    body = response.content.decode()
    assert 'name="mc_max_tz_hours" value="-3"' in body
    assert '<option value="5" selected>' in body and 'value="Digital Fluency"' in body


def test_bad_json_shows_the_engines_error_at_the_json_and_keeps_the_text(client, program_manager):
    client.force_login(program_manager)
    typed = '{"weights": {"skills": -1}}'
    response = client.post(
        "/programs/new/", {**DESIGN, "matching_settings": typed, **guided_post()}
    )
    form = response.context["form"]
    assert list(form.errors) == ["matching_settings"]
    assert "weights.skills: must be at least 0" in form.errors["matching_settings"][0]
    assert "{&quot;weights&quot;: {&quot;skills&quot;: -1}}" in response.content.decode()
    assert not Program.objects.exists()


def test_changing_both_differently_is_refused_at_the_json(client, program_manager):
    client.force_login(program_manager)
    response = client.post(
        "/programs/new/",
        {
            **DESIGN,
            "matching_settings": '{"weights": {"skills": 2}}',
            **guided_post(mw_skills="5"),
        },
    )
    form = response.context["form"]
    assert form.errors["matching_settings"] == [
        "You changed both the guided priorities and the JSON: undo the changes in one of them."
    ]
    same = client.post(
        "/programs/new/",
        {**DESIGN, "matching_settings": '{"weights": {"skills": 5}}', **guided_post(mw_skills="5")},
    )
    assert same.status_code == 302
    assert Program.objects.get().matching_settings == {"weights": {"skills": 5}}
