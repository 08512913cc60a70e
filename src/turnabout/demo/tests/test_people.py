"""`demo_build` and `turnabout demo`: a deterministic, realistic demo organisation."""

from __future__ import annotations

import importlib
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from turnabout.accounts.models import RoleAssignment
from turnabout.common.audit import AuditEvent
from turnabout.common.errors import Conflict
from turnabout.common.models import AuditRecord
from turnabout.demo.people import (
    COMPANY_NAME,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoSummary,
    demo_build,
)
from turnabout.enrollment.models import Application
from turnabout.pairing.models import Mentorship
from turnabout.people.models import Employee, ResourceGroup, SensitiveAttributes, Skill

pytestmark = pytest.mark.django_db

Generation = SensitiveAttributes.Generation


# The demo's accounts are checked with the production hashers (the suite's are faster).
PRODUCTION_HASHERS = importlib.import_module("turnabout.settings").PASSWORD_HASHERS


@pytest.fixture(scope="class")
def company(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """One demo company shared by the tests that only read it, rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS),
        transaction.atomic(),
    ):
        yield demo_build()
        transaction.set_rollback(True)


@pytest.fixture
def demo() -> DemoSummary:
    """A fresh demo company for a test that changes it."""
    return demo_build()


def _snapshot() -> list[tuple[Any, ...]]:
    """Everything the demo writes about each employee, in a canonical order."""
    rows = []
    employees = Employee.objects.select_related("manager", "user", "sensitive").prefetch_related(
        "resource_groups"
    )
    for e in employees.order_by("employee_id"):
        sensitive = getattr(e, "sensitive", None)
        rows.append(
            (
                e.employee_id,
                e.first_name,
                e.last_name,
                e.email,
                e.title,
                e.level,
                e.manager.employee_id if e.manager else None,
                e.department,
                e.location,
                e.timezone,
                e.hire_date,
                e.status,
                e.termination_date,
                tuple(e.languages),
                tuple(sorted(g.name for g in e.resource_groups.all())),
                e.user.get_username() if e.user else None,
                (
                    sensitive.generation,
                    sensitive.gender,
                    sensitive.ethnicity,
                    sensitive.consent_given_at,
                )
                if sensitive
                else None,
            )
        )
    return rows


def _reports_by_manager(employees: list[Employee]) -> dict[int, list[Employee]]:
    reports: dict[int, list[Employee]] = {}
    for e in employees:
        if e.manager_id is not None:
            reports.setdefault(e.manager_id, []).append(e)
    return reports


class TestTheDemoCompany:
    """Read-only checks on one shared demo company."""

    def test_builds_a_company_of_about_400_people(self, company: DemoSummary) -> None:
        assert company.company == COMPANY_NAME
        assert 380 <= company.employees <= 420
        assert Employee.objects.count() == company.employees
        assert company.departments >= 10
        assert company.locations >= 6
        assert 6 <= company.resource_groups <= 8 == ResourceGroup.objects.count()
        assert 35 <= company.skills == Skill.objects.count()
        emails = list(Employee.objects.values_list("email", flat=True))
        assert len(set(emails)) == len(emails)
        assert all(email.endswith("@northwind-lumen.example") for email in emails)

    def test_build_is_recorded_in_the_audit_log_with_counts(self, company: DemoSummary) -> None:
        record = AuditRecord.objects.get(event=AuditEvent.DEMO_LOADED)
        assert record.actor_label == "system"
        assert record.changes["employees"] == [None, company.employees]
        assert record.changes["skills"] == [None, company.skills]

    def test_every_manager_is_more_senior_than_their_reports(self, company: DemoSummary) -> None:
        employees = list(Employee.objects.select_related("manager"))
        assert all(e.manager is None or e.manager.level > e.level for e in employees)
        same_department = sum(
            1 for e in employees if e.manager is not None and e.manager.department == e.department
        )
        assert same_department / (len(employees) - 1) > 0.9

    def test_span_of_control_is_between_3_and_9(self, company: DemoSummary) -> None:
        spans = [len(r) for r in _reports_by_manager(list(Employee.objects.all())).values()]
        assert min(spans) >= 3
        assert max(spans) <= 9

    def test_reporting_tree_has_one_root_the_ceo_and_no_cycles(self, company: DemoSummary) -> None:
        managers = dict(Employee.objects.values_list("pk", "manager_id"))
        roots = [pk for pk, manager in managers.items() if manager is None]
        assert len(roots) == 1
        ceo = Employee.objects.get(pk=roots[0])
        assert ceo.level == 10
        assert ceo.title == "Chief Executive Officer"
        for pk in managers:
            seen = {pk}
            while managers[pk] is not None:
                pk = managers[pk]
                assert pk not in seen, "cycle in the reporting line"
                seen.add(pk)
            assert pk == ceo.pk

    def test_levels_span_1_to_10_with_many_juniors(self, company: DemoSummary) -> None:
        levels = Counter(Employee.objects.values_list("level", flat=True))
        assert set(levels) == set(range(1, 11))
        assert levels[10] == 1
        juniors = sum(levels[level] for level in (1, 2, 3))
        seniors = sum(levels[level] for level in (7, 8, 9, 10))
        assert juniors / company.employees > 0.5
        assert 20 <= seniors < juniors

    def test_time_zones_are_valid_iana_names(self, company: DemoSummary) -> None:
        zones = set(Employee.objects.values_list("timezone", flat=True))
        assert len(zones) >= 6
        assert zones <= zoneinfo.available_timezones()
        assert set(Employee.objects.values_list("location", "timezone").distinct()) >= {
            ("London", "Europe/London"),
            ("Bangalore", "Asia/Kolkata"),
            ("Austin", "America/Chicago"),
        }

    def test_seniors_were_hired_longer_ago_than_juniors(self, company: DemoSummary) -> None:
        def mean_hire_ordinal(levels: range) -> float:
            people = Employee.objects.filter(level__in=levels)
            ordinals = [e.hire_date.toordinal() for e in people if e.hire_date is not None]
            assert len(ordinals) == people.count(), "everyone has a hire date"
            return sum(ordinals) / len(ordinals)

        assert mean_hire_ordinal(range(7, 11)) < mean_hire_ordinal(range(1, 4))

    def test_some_people_are_on_leave_and_some_have_left(self, company: DemoSummary) -> None:
        statuses = Counter(Employee.objects.values_list("status", flat=True))
        assert statuses[Employee.Status.LEAVE] > 0
        assert statuses[Employee.Status.TERMINATED] > 0
        leavers = Employee.objects.filter(status=Employee.Status.TERMINATED)
        assert all(
            e.hire_date and e.termination_date and e.hire_date < e.termination_date for e in leavers
        )
        assert statuses[Employee.Status.ACTIVE] / company.employees > 0.9

    def test_most_speak_english_and_others_speak_local_languages(
        self, company: DemoSummary
    ) -> None:
        languages = list(Employee.objects.values_list("location", "languages"))
        assert sum("English" in spoken for _loc, spoken in languages) / len(languages) > 0.9
        berliners = [spoken for loc, spoken in languages if loc == "Berlin"]
        assert sum("German" in spoken for spoken in berliners) / len(berliners) > 0.7

    def test_sensitive_attributes_are_consented_and_fit_the_levels(
        self, company: DemoSummary
    ) -> None:
        consented = SensitiveAttributes.objects.select_related("employee")
        assert 0.6 < consented.count() / company.employees < 0.8
        juniors = Counter(s.generation for s in consented if s.employee.level <= 3)
        seniors = Counter(s.generation for s in consented if s.employee.level >= 7)
        young = juniors[Generation.GEN_Z] + juniors[Generation.MILLENNIAL]
        old = seniors[Generation.GEN_X] + seniors[Generation.BABY_BOOMER]
        assert young / juniors.total() > 0.95
        assert old / seniors.total() > 0.6
        assert {s.gender for s in consented} >= {"Woman", "Man"}

    def test_resource_groups_have_realistic_memberships(self, company: DemoSummary) -> None:
        sizes = {g.name: g.members.count() for g in ResourceGroup.objects.all()}
        assert all(size > 0 for size in sizes.values())
        assert all(size < company.employees / 2 for size in sizes.values())
        assert sizes["Early Careers Network"] > sizes["Neurodiversity Alliance"]

    def test_skills_cover_every_category_with_aliases(self, company: DemoSummary) -> None:
        skills = list(Skill.objects.all())
        assert {s.category for s in skills} == set(Skill.Category.values)
        assert all(s.aliases for s in skills)
        genai = Skill.objects.get(name="Generative AI tools")
        assert {"genai", "chatgpt", "ai tools"} <= set(genai.aliases)

    @pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda login: login.email.split("@")[0])
    def test_every_demo_login_can_log_in_and_holds_its_role(
        self, company: DemoSummary, login: Any, settings: Any
    ) -> None:
        settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
        assert login.password == DEMO_PASSWORD
        response = Client().post(
            reverse("login"), {"login": login.email, "password": login.password}
        )
        assert response.status_code == 302 and response["Location"] == reverse("home")
        user = get_user_model().objects.get(username=login.email)
        assert user.password.startswith("argon2")
        assert set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == set(
            login.roles
        )
        employee = Employee.objects.get(user=user)
        assert employee.email == login.email
        assert employee.status == Employee.Status.ACTIVE

    def test_demo_logins_are_linked_to_employees_of_fitting_levels(
        self, company: DemoSummary
    ) -> None:
        by_email = {e.email: e for e in Employee.objects.filter(user__isnull=False)}
        admin, programs, sponsor, mentor, mentee = (by_email[x.email] for x in DEMO_LOGINS)
        assert admin.department == programs.department == "People & Culture"
        assert "Learning & Development" in programs.title
        assert sponsor.level >= 9
        assert mentor.level == 2
        assert mentor.department == "Data & AI"
        assert 8 <= mentee.level <= 9

    def test_a_second_build_is_refused(self, company: DemoSummary) -> None:
        with pytest.raises(Conflict, match="already has employees"):
            demo_build()
        assert Employee.objects.count() == company.employees

    def test_command_if_empty_does_nothing_when_people_exist(self, company: DemoSummary) -> None:
        out = StringIO()
        call_command("demo", "--if-empty", stdout=out)
        assert out.getvalue().strip() == "Database already has data; demo not loaded."
        assert Employee.objects.count() == company.employees
        assert AuditRecord.objects.filter(event=AuditEvent.DEMO_LOADED).count() == 1

    def test_command_without_if_empty_fails_when_people_exist(self, company: DemoSummary) -> None:
        with pytest.raises(CommandError, match="already has employees"):
            call_command("demo", stdout=StringIO())


def test_same_seed_builds_the_same_company_byte_for_byte(demo: DemoSummary) -> None:
    first = _snapshot()
    skills = list(Skill.objects.order_by("name").values_list("name", "category", "aliases"))
    Employee.objects.all().delete()
    get_user_model().objects.filter(username__in=[x.email for x in DEMO_LOGINS]).delete()
    ResourceGroup.objects.all().delete()
    Skill.objects.all().delete()

    demo_build()

    assert _snapshot() == first
    assert list(Skill.objects.order_by("name").values_list("name", "category", "aliases")) == (
        skills
    )


def test_another_seed_builds_another_company(demo: DemoSummary) -> None:
    first = _snapshot()
    Employee.objects.all().delete()
    get_user_model().objects.filter(username__in=[x.email for x in DEMO_LOGINS]).delete()

    demo_build(seed=7)

    assert _snapshot() != first


def test_build_refuses_to_mix_with_real_employees(make_employee: Any) -> None:
    make_employee()
    with pytest.raises(Conflict):
        demo_build()
    assert Employee.objects.count() == 1


def test_build_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(60):
        demo_build()


def test_command_prints_the_summary_and_the_logins() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert COMPANY_NAME in text
    assert f"password for all: {DEMO_PASSWORD}" in text
    for login in DEMO_LOGINS:
        assert login.email in text
    parts = ("Program ", "Pairing: ", "Engagement: ", "Surveys: ", "Learning: ")
    for part in (*parts, "Recognition: ", "Insights: "):
        line = next(line for line in text.splitlines() if line.startswith(f"  {part}"))
        assert "{" not in line and line.endswith(".")  # every field of the summary filled in
    assert "(engine time " in text
    assert Employee.objects.count() > 0


@pytest.mark.django_db(transaction=True)
def test_the_command_leaves_no_email_to_fictional_people_in_the_queue() -> None:
    out = StringIO()
    call_command("demo", stdout=out, verbosity=2)

    assert Application.objects.exclude(status=Application.Status.SUBMITTED).exists()
    assert Mentorship.objects.filter(status=Mentorship.Status.DECLINED).exists()
    assert "emails to the demo's fictional people" in out.getvalue()  # said with -v 2
    assert not DBTaskResult.objects.filter(task_path__endswith="_email").exists()


# Outside a test transaction, as on a real command line: PostgreSQL refuses to TRUNCATE
# tables with pending constraint checks inside one.
@pytest.mark.django_db(transaction=True)
def test_demo_reset_rebuilds_the_same_company_from_scratch() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    employees = Employee.objects.count()
    Employee.objects.filter(pk=Employee.objects.order_by("pk").values("pk")[:1]).update(
        first_name="Changed"
    )
    call_command("demo", "--reset", stdout=out)
    assert "Deleted everything in the database" in out.getvalue()
    assert Employee.objects.count() == employees
    assert not Employee.objects.filter(first_name="Changed").exists()
    assert "Dropped" not in out.getvalue()  # queue noise only with -v 2
