"""Pages and API per role: managers build and read results, sponsors read aggregates only,
participants answer their own invitations, a partner never sees the other's answer."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from turnabout.accounts.models import Role
from turnabout.feedback import metrics, services
from turnabout.feedback.models import Invitation, Survey

pytestmark = pytest.mark.django_db

SECRET = "my partner never listens"


@pytest.fixture
def pulse(make_pairs, settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    p = make_pairs(n=2)
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager)
    return p, survey


def _post_answer(client, invitation, data):
    return client.post(reverse("feedback:answer", args=[invitation.pk]), data)


def test_answer_page_keeps_input_on_error_saves_drafts_and_submits(client, pulse):
    p, survey = pulse
    m = p.pairs[0]
    invitation = Invitation.objects.get(survey=survey, person=m.mentee)
    q = {q.key: q for q in survey.questions.all()}
    client.force_login(p.mentee_user(m))
    page = client.get(reverse("feedback:answer", args=[invitation.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("privacy-note") < html.index("<fieldset")  # stated before question 1
    assert "<script" not in html.split("</head>")[1]
    # Missing the required rating: 422, the error at the question, the text kept.
    bad = _post_answer(client, invitation, {str(q["pulse_note"].pk): SECRET, "submit": ""})
    assert bad.status_code == 422
    assert "Please answer this question." in bad.content.decode()
    assert SECRET in bad.content.decode()
    draft = _post_answer(
        client, invitation, {str(q["pulse"].pk): "3", str(q["pulse_note"].pk): SECRET, "draft": ""}
    )
    assert draft.status_code == 302
    assert 'value="3" checked' in client.get(draft.url).content.decode()
    done = _post_answer(
        client,
        invitation,
        {str(q["pulse"].pk): "3", str(q["obstacles"].pk): ["Time", "Unclear goals"],
         str(q["pulse_note"].pk): SECRET, "submit": ""},
    )  # fmt: skip
    assert done.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).answered_on is not None
    # The partner: no access to this invitation, and nothing of the answer on their pages.
    client.force_login(p.mentor_user(m))
    assert client.get(reverse("feedback:answer", args=[invitation.pk])).status_code == 404
    assert SECRET not in client.get(reverse("feedback:mine")).content.decode()
    assert client.get(reverse("feedback:results", args=[survey.pk])).status_code == 404
    # The manager sees each partner's answer of the pair; the sponsor does not.
    client.force_login(p.manager)
    results = client.get(reverse("feedback:results", args=[survey.pk])).content.decode()
    assert m.mentee.full_name in results


def test_sponsor_reads_aggregates_only(client, pulse, sponsor):
    p, survey = pulse
    pulse_q = survey.questions.get(key=metrics.KEY_PULSE)
    note = survey.questions.get(key="pulse_note")
    for m in p.pairs:
        for person, user in ((m.mentor, p.mentor_user(m)), (m.mentee, p.mentee_user(m))):
            services.response_save(
                Invitation.objects.get(survey=survey, person=person),
                data={str(pulse_q.pk): 7, str(note.pk): SECRET},
                submit=True,
                acting_user=user,
            )
    client.force_login(sponsor)
    page = client.get(reverse("feedback:results", args=[survey.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "4 answers" in html and SECRET not in html
    assert p.pairs[0].mentor.full_name not in html
    assert client.get(reverse("feedback:export", args=[survey.pk, "csv"])).status_code == 404
    assert client.get(reverse("feedback:survey", args=[survey.pk])).status_code == 404
    api = client.get(f"/api/v1/surveys/{survey.pk}/results")
    assert api.status_code == 200
    assert all(q["texts"] == [] for q in api.json()["questions"])
    client.force_login(p.manager)
    export = client.get(reverse("feedback:export", args=[survey.pk, "csv"]))
    body = b"".join(export.streaming_content).decode()
    assert "answered,4" in body and SECRET in body
    xlsx = client.get(reverse("feedback:export", args=[survey.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


def test_hub_shows_open_surveys(client, pulse):
    p, survey = pulse
    m = p.pairs[0]
    client.force_login(p.mentee_user(m))
    hub = client.get(reverse("me:hub")).content.decode()
    assert survey.title in hub
    assert (
        reverse("feedback:answer", args=[Invitation.objects.get(survey=survey, person=m.mentee).pk])
        in hub
    )


def test_manager_pages_build_open_and_close(client, make_pairs):
    p = make_pairs(n=1)
    client.force_login(p.manager)
    cohort_page = client.get(reverse("feedback:cohort", args=[p.cohort.pk]))
    assert cohort_page.status_code == 200
    for template in ("pairing_fit", "pulse", "midpoint", "final", "self_assessment"):
        created = client.post(
            reverse("feedback:survey_new", args=[p.cohort.pk]), {"template": template}
        )
        assert created.status_code == 302
    assert Survey.objects.filter(cohort=p.cohort).count() == 5
    survey = Survey.objects.get(cohort=p.cohort, template="final")
    assert client.get(reverse("feedback:preview", args=[survey.pk])).status_code == 200
    client.post(reverse("feedback:open", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).status == "open"
    client.post(reverse("feedback:close", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).status == "closed"
    # A participant sees none of it.
    client.force_login(p.mentee_user(p.pairs[0]))
    assert client.get(reverse("feedback:cohort", args=[p.cohort.pk])).status_code == 404
    assert (
        client.post(
            reverse("feedback:survey_new", args=[p.cohort.pk]), {"template": "pulse"}
        ).status_code
        == 404
    )


def test_api_create_open_answer_and_results_with_codes(client, make_pairs, settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    p = make_pairs(n=2)
    client.force_login(p.manager)
    created = client.post(
        "/api/v1/surveys",
        json.dumps({"cohort_id": p.cohort.pk, "template": "final"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    survey_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/surveys/{survey_id}",
        json.dumps({"trigger": "manual"}),
        content_type="application/json",
    )
    assert patched.json()["trigger"] == "manual"
    assert client.post(f"/api/v1/surveys/{survey_id}/open").status_code == 200
    again = client.post(f"/api/v1/surveys/{survey_id}/open")
    assert again.status_code == 409 and again.json()["code"] == "survey_state"
    below = client.get(f"/api/v1/surveys/{survey_id}/results")
    assert below.status_code == 409 and below.json()["code"] == "survey_results_below_floor"
    assert "questions" not in below.json()
    questions = {q["key"]: q["id"] for q in created.json()["questions"]}
    for m in p.pairs:
        for user in (p.mentor_user(m), p.mentee_user(m)):
            client.force_login(user)
            (mine,) = client.get("/api/v1/me/surveys").json()
            bad = client.post(
                f"/api/v1/me/surveys/{mine['invitation_id']}/answers",
                json.dumps({"answers": {str(questions["nps"]): 12}}),
                content_type="application/json",
            )
            assert bad.status_code == 422 and bad.json()["code"] == "survey_answer_invalid"
            ok = client.post(
                f"/api/v1/me/surveys/{mine['invitation_id']}/answers",
                json.dumps({"answers": {str(questions["satisfaction"]): 4,
                                        str(questions["again"]): 5, str(questions["nps"]): 10}}),
                content_type="application/json",
            )  # fmt: skip
            assert ok.json() == {"submitted": True, "flagged": False}
            twice = client.post(
                f"/api/v1/me/surveys/{mine['invitation_id']}/answers",
                json.dumps({"answers": {}}),
                content_type="application/json",
            )
            assert twice.status_code == 409 and twice.json()["code"] == "survey_already_answered"
            assert client.get(f"/api/v1/surveys/{survey_id}/results").status_code == 404
    client.force_login(p.manager)
    results = client.get(f"/api/v1/surveys/{survey_id}/results").json()
    nps = next(q for q in results["questions"] if q["kind"] == "nps")
    assert nps["nps"]["score"] == 100.0 and nps["n"] == 4
    assert client.get(f"/api/v1/surveys?cohort_id={p.cohort.pk}").json()["count"] == 1
    assert metrics.satisfaction(cohort=p.cohort).value == 4.0


def test_builder_pages_edit_settings_and_questions(client, make_pairs, make_user):
    p = make_pairs(n=1)
    client.force_login(p.manager)
    survey = services.survey_create(p.cohort, template="custom", acting_user=p.manager)
    page = reverse("feedback:survey", args=[survey.pk])
    assert client.get(page).status_code == 200
    saved = client.post(
        page,
        {"title": "Culture check", "intro": "", "mode": "confidential", "audience": "mentees",
         "trigger": "manual", "weeks": "4", "respond_within_days": "10", "closes_on": ""},
    )  # fmt: skip
    assert saved.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.mode, survey.audience) == (
        "Culture check",
        "confidential",
        "mentees",
    )
    add = reverse("feedback:question_new", args=[survey.pk])
    client.post(add, {"kind": "likert", "text": "I feel heard", "required": "on"})
    client.post(add, {"kind": "single", "text": "Pick one", "options": "A\nB\nC"})
    client.post(add, {"kind": "single", "text": "Too few", "options": "A"})  # refused
    questions = list(survey.questions.order_by("position"))
    assert [q.text for q in questions] == ["I feel heard", "Pick one"]
    assert questions[1].options == ["A", "B", "C"]
    client.post(reverse("feedback:question_move", args=[questions[1].pk]), {"direction": "up"})
    assert [q.text for q in survey.questions.order_by("position")] == ["Pick one", "I feel heard"]
    client.post(
        reverse("feedback:question", args=[questions[0].pk]),
        {"kind": "likert", "text": "I feel listened to", "required": "on"},
    )
    client.post(reverse("feedback:question_delete", args=[questions[1].pk]))
    assert [q.text for q in survey.questions.all()] == ["I feel listened to"]
    # A participant and the manager of another program see none of it.
    for stranger in (p.mentor_user(p.pairs[0]), make_user(Role.PROGRAM_MANAGER)):
        client.force_login(stranger)
        assert client.get(page).status_code == 404
        assert client.post(add, {"kind": "likert", "text": "x"}).status_code == 404
        assert client.get(reverse("feedback:results", args=[survey.pk])).status_code == 404


def test_a_refused_survey_question_keeps_the_typed_values(client, make_pairs):
    p = make_pairs(n=1)
    client.force_login(p.manager)
    survey = services.survey_create(p.cohort, template="custom", acting_user=p.manager)
    response = client.post(
        reverse("feedback:question_new", args=[survey.pk]),
        {"kind": "single", "text": "Too few", "help_text": "Pick one", "options": "A"},
    )
    assert response.status_code == 200 and not survey.questions.filter(text="Too few").exists()
    form = response.context["question_form"]
    assert list(form.errors) == ["options"]
    body = response.content.decode()
    assert 'value="Too few"' in body and 'value="Pick one"' in body and "\nA</textarea>" in body
