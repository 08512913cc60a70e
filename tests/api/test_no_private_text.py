"""Nothing gives an org admin, a program manager or any kind of API token the content of a
private reflection or a private session rating.

Walks every API operation (from the OpenAPI schema) and every page (from the URL resolver,
plus every admin-site page of every registered model and object) with every object id in
the database, as an org admin and a program manager by session and through every kind of
token an org admin can issue, and looks for the planted private texts.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.routes import api_operations, fillings, page_routes
from turnabout.accounts.models import Role
from turnabout.accounts.services import service_account_create, token_create
from turnabout.engagement import services as engagement
from turnabout.engagement.tests.factories import build_pair
from turnabout.people.models import Skill

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REFLECTION = "Planted-reflection: I fear my VP thinks I am slow"
RATING_COMMENT = "Planted-rating-comment: dull session, would not repeat"
PLANTED = (REFLECTION, RATING_COMMENT, "Planted-")


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(program_manager, make_user):
    pair = build_pair(program_manager, make_user)
    engagement.reflection_add(
        body=REFLECTION, mentorship_id=pair.mentorship.pk, acting_user=pair.mentee
    )
    start = timezone.now() - timedelta(days=1)
    session = engagement.session_schedule(
        pair.mentorship,
        starts_at=start,
        minutes=45,
        format="video",
        acting_user=pair.mentor,
        now=start - timedelta(days=2),
        notify=False,
    )
    engagement.session_log(
        session,
        outcome="held",
        topic_ids=[Skill.objects.get(name="TikTok").pk],
        rating=1,
        comment=RATING_COMMENT,
        acting_user=pair.mentee,
    )
    org_admin = make_user(Role.ORG_ADMIN)
    return {"pair": pair, "org_admin": org_admin, "manager": program_manager}


def _ids(world) -> list[int]:
    """The ids of everything around the planted texts (a route whose ids match none of
    them finds nothing anyway): the pair, its session, log, reflection, people, program."""
    from turnabout.engagement.models import Reflection, SessionLog
    from turnabout.enrollment.models import Application

    pair = world["pair"]
    log = SessionLog.objects.get()
    found = {
        pair.mentorship.pk,
        pair.mentorship.cohort_id,
        pair.program.pk,
        pair.mentor.employee.pk,
        pair.mentee.employee.pk,
        pair.mentee.pk,
        log.pk,
        log.session_id,
        Reflection.objects.get().pk,
        *Application.objects.values_list("pk", flat=True),
    }
    return sorted(found)


def _credentials(world) -> dict[str, tuple[Client, dict[str, str]]]:
    admin, manager = world["org_admin"], world["manager"]
    kinds: dict[str, tuple[Client, dict[str, str]]] = {}
    for label, user in (("org admin session", admin), ("manager session", manager)):
        client = Client()
        client.force_login(user)
        kinds[label] = (client, {})
    for role in (Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.SPONSOR):
        account = service_account_create(name=f"Sync {role}", role=role, acting_user=admin)
        for scope in ("read", "import", "full"):
            secret = token_create(
                user=account.user, name=f"{role} {scope}", scope=scope, acting_user=admin
            ).secret
            kinds[f"{role} integration token ({scope})"] = (
                Client(),
                {"HTTP_AUTHORIZATION": f"Bearer {secret}"},
            )
    personal = token_create(user=admin, name="mine", scope="full", acting_user=admin).secret
    kinds["org admin personal token"] = (Client(), {"HTTP_AUTHORIZATION": f"Bearer {personal}"})
    return kinds


def _leaks(body: bytes) -> bool:
    text = body.decode(errors="replace")
    return any(planted in text for planted in PLANTED)


def test_no_api_operation_returns_private_text_to_admins_managers_or_tokens(world):
    credentials = _credentials(world)
    ids = _ids(world)
    operations = api_operations()
    assert len(operations) > 40
    calls = 0
    leaks: list[str] = []
    # Reads first, then writes (with an empty object body): a write could echo content too.
    for operation in sorted(operations, key=lambda op: op.method != "GET"):
        for values in fillings(operation.params, ids if operation.params else [0]):
            url = operation.fill(values)
            for label, (client, headers) in credentials.items():
                if operation.method == "GET":
                    response = client.get(url, **headers)
                else:
                    response = client.generic(
                        operation.method, url, json.dumps({}), "application/json", **headers
                    )
                calls += 1
                assert response.status_code < 500, (label, operation.method, url)
                if _leaks(response.content):
                    leaks.append(f"{label}: {operation.method} {url}")
    assert calls > 500
    assert leaks == []


def test_no_page_shows_private_text_to_admins_or_managers(world):
    ids = _ids(world)
    leaks: list[str] = []
    pages = 0
    for user in (world["org_admin"], world["manager"]):
        client = Client()
        client.force_login(user)
        urls = []
        for route in page_routes():
            if route.name == "logout":
                continue
            urls += [route.fill(v) for v in fillings(route.params, ids if route.params else [0])]
        # The admin site: every registered model's list, and every object's change page.
        for model in admin.site._registry:
            info = (model._meta.app_label, model._meta.model_name)
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
            for pk in model.objects.values_list("pk", flat=True)[:20]:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
        urls += ["/admin/", "/audit/"]
        for url in urls:
            response = client.get(url)
            pages += 1
            assert response.status_code < 500, url
            if _leaks(response.content):
                leaks.append(f"{user.username}: {url}")
    assert pages > 150
    assert leaks == []
