"""Sensitive attributes and resource groups: aggregate-only, through one module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.utils import timezone

from turnabout.common.errors import PermissionDenied
from turnabout.people import sensitive
from turnabout.people.models import Employee, ResourceGroup, SensitiveAttributes

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]
ALLOWED = {"people/models.py", "people/sensitive.py", "demo/people.py"}  # demo writes them


def test_only_the_sensitive_module_reads_sensitive_attributes():
    readers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and "tests" not in path.parts
        and str(path.relative_to(SRC)) not in ALLOWED
        and re.search(r"SensitiveAttributes|\.sensitive\b(?!\.py)", path.read_text())
        and "from turnabout.people.sensitive import" not in path.read_text()
    )
    assert readers == [], "read sensitive attributes through turnabout.people.sensitive"


def test_sensitive_attributes_and_memberships_are_not_in_the_admin(org_admin, client):
    assert SensitiveAttributes not in admin.site._registry
    assert "resource_groups" in (admin.site._registry[Employee].exclude or [])
    client.force_login(org_admin)
    assert client.get("/admin/people/sensitiveattributes/").status_code == 404


def test_counts_come_back_only_above_the_floor(org_admin, participant, make_employee, settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    people = [make_employee() for _ in range(8)]
    generations = ["gen_z"] * 5 + ["gen_x"] * 2 + ["millennial"]
    for person, generation in zip(people, generations, strict=True):
        SensitiveAttributes.objects.create(
            employee=person, consent_given_at=timezone.now(), generation=generation
        )
    counts = sensitive.counts_by("generation", user=org_admin)
    # gen_x (2) and millennial (1) are below the floor: both hidden, gen_z shown.
    assert counts == {"gen_z": 5, "gen_x": None, "millennial": None}
    group = ResourceGroup.objects.create(name="Pride Network")
    for person in people[:2]:
        person.resource_groups.add(group)
    assert sensitive.counts_by("resource_group", user=org_admin) == {"Pride Network": None}
    with pytest.raises(PermissionDenied):
        sensitive.counts_by("generation", user=participant)
