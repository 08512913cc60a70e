"""Inclusion by group (floor and subtraction), retention, comparison and lessons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from turnabout.common.models import AuditRecord
from turnabout.insights import analysis
from turnabout.insights.models import PairHealth
from turnabout.insights.tests.factories import add_pair, apply, person, world
from turnabout.pairing.models import MatchRun, Proposal
from turnabout.people.models import Employee, SensitiveAttributes
from turnabout.programs.models import Phase

pytestmark = pytest.mark.django_db
START_AT = datetime(2025, 1, 6, tzinfo=UTC)


def test_breakdown_hides_small_groups_and_what_subtraction_would_reveal(settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 5
    w = world()
    for dept, n in [("Finance", 8), ("Sales", 7), ("Legal", 2)]:
        for _ in range(n):
            apply(w.cohort, person(department=dept), "mentor")
    rows = {r.label: r for r in analysis.breakdown(cohorts=[w.cohort], dimension="department").rows}
    assert rows["Legal"].applied is None  # below the floor
    # With Legal alone hidden, the total minus the others would reveal it: one more hidden.
    assert rows["Sales"].applied is None and rows["Finance"].applied == 8


def test_sensitive_attributes_count_consented_people_only_and_never_per_person(
    client, settings, sponsor, manager
):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    w = world(manager)
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    for gender in ["Woman"] * 5 + ["Man"] * 4 + [""] * 2:
        who = person()
        apply(w.cohort, who, "mentee")
        if gender:
            SensitiveAttributes.objects.create(employee=who, consent_given_at=stamp, gender=gender)
    rows = {r.label: r for r in analysis.breakdown(cohorts=[w.cohort], dimension="gender").rows}
    assert rows["Not stated"].applied is None  # 2 < 3
    assert rows["Man"].applied is None  # else total - shown would reveal the 2
    assert rows["Woman"].applied == 5
    client.force_login(sponsor)
    page = client.get(reverse("insights:groups", args=[w.program.pk]) + "?by=gender").content
    assert b"Woman" in page
    for employee in Employee.objects.all():
        assert employee.last_name.encode() not in page


def test_retention_against_a_weighted_comparison_group(settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    w = world(starts_on=date(2025, 1, 6), ends_on=date(2025, 6, 30), phase=Phase.CLOSED)
    left = date(2025, 3, 1)
    for i in range(4):  # 4 pairs, 8 participants in Finance; one mentor leaves
        mentor = person(level=2, hire_date=date(2020, 1, 1))
        mentee = person(level=8, hire_date=date(2020, 1, 1))
        if i == 0:
            Employee.objects.filter(pk=mentor.pk).update(status="terminated", termination_date=left)
        add_pair(w, mentor=mentor, mentee=mentee)
    for i in range(8):  # comparison: Finance, same bands; half leave
        who = person(level=2 if i % 2 else 8, hire_date=date(2020, 1, 1))
        if i < 4:
            Employee.objects.filter(pk=who.pk).update(status="terminated", termination_date=left)
    person(department="Sales", level=2, hire_date=date(2020, 1, 1))  # other department: ignored
    result = analysis.retention(cohort=w.cohort, today=date(2026, 6, 1))
    six = result.figures[0]
    assert six.participants == 8 and six.participants_share == pytest.approx(87.5)
    assert six.comparison == 8 and six.comparison_share == pytest.approx(50.0)
    assert "not a causal estimate" in result.caveat


def _closed_with_scores(manager, n):
    w = world(manager, phase=Phase.CLOSED, starts_on=date(2025, 1, 6), ends_on=date(2025, 6, 30))
    run = MatchRun.objects.create(cohort=w.cohort, number=1, status="done")
    for i in range(n):
        good = i % 2 == 0
        m = add_pair(w, ended=None if good else date(2025, 2, 1))
        m.run = run
        m.save(update_fields=["run"])
        Proposal.objects.create(
            run=run, mentor_application=m.mentor_application,
            mentee_application=m.mentee_application, score=0.5,
            breakdown={"skills": 0.9 - 0.02 * (i % 5) if good else 0.2 + 0.02 * (i % 5),
                       "interests": 0.5},
        )  # fmt: skip
        PairHealth.objects.create(
            mentorship=m, state="on_track" if good else "at_risk", since=START_AT,
            computed_at=START_AT,
        )  # fmt: skip
    return w


def test_lessons_say_plainly_when_there_is_too_little_data(manager):
    w = _closed_with_scores(manager, 6)
    result = analysis.lessons(program=w.program)
    assert result.too_little and result.suggested == {}
    assert "Too little data" in analysis.explain_too_little(result)


def test_lessons_suggest_weights_and_apply_them_audited(client, manager):
    w = _closed_with_scores(manager, 20)
    result = analysis.lessons(program=w.program)
    skills = next(e for e in result.effects if e.criterion == "skills" and e.outcome == "completed")
    assert skills.n == 20 and skills.r is not None
    assert skills.low is not None and skills.low > 0
    assert result.suggested == {"skills": round(result.current["skills"] * 1.5, 2)}
    client.force_login(manager)
    page = client.get(reverse("insights:lessons", args=[w.program.pk])).content.decode()
    assert "Apply to the program" in page
    client.post(reverse("insights:lessons_apply", args=[w.program.pk]))
    w.program.refresh_from_db()
    assert w.program.matching_settings["weights"]["skills"] == result.suggested["skills"]
    assert AuditRecord.objects.filter(event="program.lessons_applied").count() == 1


def test_compare_page_puts_cohorts_side_by_side(client, sponsor, manager):
    w = world(manager, pairs=2)
    from turnabout.programs.models import Cohort

    other = Cohort.objects.create(
        program=w.program, name="C0", phase=Phase.CLOSED, starts_on=date(2025, 1, 6),
        ends_on=date(2025, 6, 30),
    )  # fmt: skip
    add_pair(w, cohort=other)
    client.force_login(sponsor)
    page = client.get(reverse("insights:compare", args=[w.program.pk])).content.decode()
    assert "C0" in page and "C1" in page and "Funnel (people)" in page
    assert client.get(reverse("insights:lessons", args=[w.program.pk])).status_code == 403
    assert client.get(reverse("insights:retention", args=[w.cohort.pk])).status_code == 200
