"""Terminated employees lose access: the import deactivates their account, revokes their API
tokens and ends their live mentorships (the partner is emailed), all in its one transaction,
counted, previewed by a dry run, audited, and never twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError

from turnabout.accounts.models import ApiToken
from turnabout.accounts.services import token_create
from turnabout.common.audit import AuditEvent
from turnabout.common.errors import Conflict
from turnabout.common.models import AuditRecord
from turnabout.common.testing import api_error
from turnabout.pairing import selectors as pairing_selectors
from turnabout.pairing import services as pairing_services
from turnabout.pairing.audit import PairingEvent
from turnabout.pairing.models import Mentorship
from turnabout.pairing.tests.helpers import bearer, published
from turnabout.people.importing import people_import
from turnabout.people.models import Employee
from turnabout.people.services import user_invite
from turnabout.people.tests.test_importing import to_csv

COLUMNS = ("employee_id", "first_name", "last_name", "email", "level", "status", "termination_date")
LEFT_ON = "2026-01-31"


def row(employee: Employee, **overrides: Any) -> dict[str, Any]:
    """The employee as the HR export has them, with `overrides`."""
    values: dict[str, Any] = {
        "employee_id": employee.employee_id,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email,
        "level": employee.level,
        "status": employee.status,
        "termination_date": employee.termination_date.isoformat()
        if employee.termination_date
        else "",
    }
    values.update(overrides)
    return values


def leaving(employee: Employee) -> dict[str, Any]:
    return row(employee, status="terminated", termination_date=LEFT_ON)


def run(rows: list[dict[str, Any]], *, acting_user: Any = None, dry_run: bool = False) -> Any:
    return people_import(
        content=to_csv(rows, columns=COLUMNS),
        filename="hr.csv",
        acting_user=acting_user,
        dry_run=dry_run,
    )


def audit_count() -> int:
    return AuditRecord.objects.count()


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# --------------------------------------------------------------------------------------
# Terminating somebody


@pytest.mark.django_db(transaction=True)
def test_terminating_an_employee_takes_away_access_ends_their_pair_and_tells_the_partner(
    build_cohort: Any, org_admin: Any, client: Any
) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair, other = published(setup)
    for app in (pair.mentor_application, pair.mentee_application):
        pairing_services.mentorship_accept(pair, acting_user=setup.user_of(app))
    leaver_user = setup.user_of(pair.mentee_application)
    leaver = Employee.objects.get(user=leaver_user)
    headers = bearer(leaver_user)
    assert client.get("/api/v1/mentorships", **headers).status_code == 200
    client.force_login(leaver_user)
    work()
    mail.outbox.clear()

    report = run([leaving(leaver)], acting_user=org_admin)

    assert (report.updated, report.accounts_deactivated, report.tokens_revoked) == (1, 1, 1)
    assert report.mentorships_ended == 1
    assert report.summary() == (
        "Imported 1 row: 0 created, 1 updated, 0 unchanged. Terminated employees: 1 login "
        "accounts deactivated, 1 API tokens revoked, 1 mentorships ended (their partners are "
        "emailed and wait for a re-match)."
    )
    leaver_user.refresh_from_db()
    assert not leaver_user.is_active
    assert ApiToken.objects.get(user=leaver_user).revoked_at is not None
    pair.refresh_from_db()
    assert (pair.status, pair.reason, pair.ended_by_role) == (
        "ended",
        "left the company",
        "HR import",
    )
    other.refresh_from_db()
    assert other.status == Mentorship.Status.PROPOSED

    # The partner waits for a re-match; the leaver is never proposed again.
    waiting = pairing_selectors.waiting_for_partner(user=setup.manager, cohort=setup.cohort)
    assert pair.mentor_application in waiting
    assert pair.mentee_application not in waiting

    # Access is gone: the token and the session.
    assert api_error(client.get("/api/v1/mentorships", **headers)) == (401, "unauthenticated")
    assert client.get("/pairing/me/").status_code == 302

    audit = AuditRecord.objects
    deactivated = audit.get(event=AuditEvent.USER_DEACTIVATED)
    assert (deactivated.target_id, deactivated.actor) == (str(leaver_user.pk), org_admin)
    assert deactivated.changes == {"is_active": [True, False]}
    assert audit.filter(event=AuditEvent.TOKEN_REVOKED).count() == 1
    ended = audit.get(event=PairingEvent.MENTORSHIP_ENDED)
    assert ended.target_id == str(pair.pk) and "left the company" not in ended.message
    summary = audit.get(event=AuditEvent.PEOPLE_IMPORTED)
    assert summary.changes["accounts_deactivated"] == [None, 1]
    assert summary.changes["tokens_revoked"] == [None, 1]
    assert summary.changes["mentorships_ended"] == [None, 1]

    work()
    (message,) = mail.outbox
    assert message.to == [pair.mentor.email]
    assert "has ended" in message.subject
    assert "flagged for re-matching" in message.body and "/pairing/me/" in message.body
    assert "left the company" not in message.body and "terminated" not in message.body


@pytest.mark.django_db
def test_a_dry_run_previews_the_leavers_and_writes_nothing(
    build_cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=3, mentees=1, capacity=1)
    (pair,) = published(setup)
    mentor_user = setup.user_of(pair.mentor_application)
    token_create(user=mentor_user, name="a", acting_user=None)
    token_create(user=mentor_user, name="b", acting_user=None)
    mentor = Employee.objects.get(user=mentor_user)
    before = audit_count()

    with django_capture_on_commit_callbacks() as callbacks:
        report = run([leaving(mentor)], dry_run=True)

    assert (report.accounts_deactivated, report.tokens_revoked, report.mentorships_ended) == (
        1,
        2,
        1,
    )
    assert report.summary() == (
        "Dry run: checked 1 row without errors; importing would create 0, update 1 and leave 0 "
        "unchanged. For terminated employees it would deactivate 1 login accounts, revoke 2 "
        "API tokens and end 1 mentorships."
    )
    assert callbacks == []
    assert audit_count() == before
    mentor_user.refresh_from_db()
    assert mentor_user.is_active
    assert ApiToken.objects.filter(user=mentor_user, revoked_at__isnull=True).count() == 2
    assert Mentorship.objects.get(pk=pair.pk).status == Mentorship.Status.PROPOSED
    assert Employee.objects.get(pk=mentor.pk).status == Employee.Status.ACTIVE


@pytest.mark.django_db
def test_re_importing_the_same_file_deactivates_nothing_new_and_writes_no_audit_rows(
    build_cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair, _other = published(setup)
    leaver = pair.mentee
    token_create(user=setup.user_of(pair.mentee_application), name="t", acting_user=None)
    rows = [leaving(leaver), row(pair.mentor)]
    with django_capture_on_commit_callbacks() as callbacks:
        first = run(rows)
    assert (first.accounts_deactivated, first.tokens_revoked, first.mentorships_ended) == (1, 1, 1)
    assert len(callbacks) == 1  # the partner's email
    before = audit_count()

    with django_capture_on_commit_callbacks() as callbacks:
        second = run(rows)

    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert (second.accounts_deactivated, second.tokens_revoked, second.mentorships_ended) == (
        0,
        0,
        0,
    )
    assert second.summary() == "Imported 2 rows: 0 created, 0 updated, 2 unchanged."
    assert audit_count() == before
    assert callbacks == []
    assert run(rows, dry_run=True).accounts_deactivated == 0


@pytest.mark.django_db
def test_both_partners_leaving_together_end_the_pair_once_and_email_nobody(
    build_cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (pair,) = published(setup)

    with django_capture_on_commit_callbacks() as callbacks:
        report = run([leaving(pair.mentor), leaving(pair.mentee)])

    assert (report.accounts_deactivated, report.mentorships_ended) == (2, 1)
    assert callbacks == []
    assert AuditRecord.objects.filter(event=PairingEvent.MENTORSHIP_ENDED).count() == 1


@pytest.mark.django_db
def test_a_mentor_leaving_ends_each_of_their_pairs_and_each_mentee_is_told(
    build_cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=1, mentees=2, capacity=2)
    pairs = published(setup)
    assert len(pairs) == 2 and len({p.mentor_id for p in pairs}) == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = run([leaving(pairs[0].mentor)])
    assert report.mentorships_ended == 2
    assert len(callbacks) == 2  # one email task per mentee
    assert set(Mentorship.objects.values_list("status", flat=True)) == {"ended"}


# --------------------------------------------------------------------------------------
# Other cases of the rule


@pytest.mark.django_db
def test_an_already_terminated_employee_whose_account_is_still_active_loses_it(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    employee = Employee.objects.get(user=user)
    Employee.objects.filter(pk=employee.pk).update(
        status="terminated", termination_date=date(2025, 12, 31)
    )
    employee.refresh_from_db()

    report = run([row(employee)])

    assert (report.updated, report.unchanged, report.accounts_deactivated) == (0, 1, 1)
    user.refresh_from_db()
    assert not user.is_active
    assert AuditRecord.objects.filter(event=AuditEvent.USER_DEACTIVATED).count() == 1
    assert AuditRecord.objects.filter(event=AuditEvent.PEOPLE_IMPORTED).count() == 1


@pytest.mark.django_db
def test_a_new_terminated_employee_is_created_without_an_account(make_user: Any) -> None:
    newcomer = {
        "employee_id": "N1",
        "first_name": "Nora",
        "last_name": "New",
        "email": "nora@example.com",
        "level": 3,
        "status": "terminated",
        "termination_date": LEFT_ON,
    }
    report = run([newcomer])
    assert (report.created, report.accounts_deactivated, report.mentorships_ended) == (1, 0, 0)
    assert Employee.objects.get(employee_id="N1").user is None


@pytest.mark.django_db
def test_leave_is_not_terminated(make_user: Callable[..., Any]) -> None:
    user = make_user()
    employee = Employee.objects.get(user=user)
    report = run([row(employee, status="leave")])
    assert (report.updated, report.accounts_deactivated) == (1, 0)
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.django_db
def test_coming_back_to_active_does_not_reactivate_the_account_until_re_invited(
    make_user: Callable[..., Any], org_admin: Any
) -> None:
    user = make_user()
    employee = Employee.objects.get(user=user)
    token_create(user=user, name="t", acting_user=None)
    run([leaving(employee)])
    employee.refresh_from_db()

    back = [row(employee, status="active", termination_date="")]
    preview = run(back, dry_run=True)
    assert preview.reinvite_needed == 1
    assert "re-invites them" in preview.summary()
    report = run(back)

    assert (report.updated, report.accounts_deactivated, report.reinvite_needed) == (1, 0, 1)
    assert report.summary() == (
        "Imported 1 row: 0 created, 1 updated, 0 unchanged. 1 employees are back from "
        "terminated: their accounts stay deactivated until an org admin re-invites them from "
        "their profile page."
    )
    user.refresh_from_db()
    assert not user.is_active
    assert run(back).reinvite_needed == 0  # said once, when the status changes

    employee.refresh_from_db()
    user.set_password("old-password-1")
    user.save()
    again = user_invite(employee, acting_user=org_admin, send_email=False)
    assert again.pk == user.pk
    again.refresh_from_db()
    assert again.is_active and not again.has_usable_password()
    assert ApiToken.objects.get(user=user).revoked_at is not None  # tokens stay revoked
    assert AuditRecord.objects.filter(event=AuditEvent.USER_REINVITED).count() == 1


# --------------------------------------------------------------------------------------
# All or nothing


@pytest.mark.django_db
def test_a_failing_import_deactivates_nothing_ends_nothing_and_emails_nobody(
    build_cohort: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (pair,) = published(setup)
    leaver_user = setup.user_of(pair.mentee_application)
    token_create(user=leaver_user, name="t", acting_user=None)
    before = audit_count()
    real_end = pairing_services.mentorships_end_for_leavers

    def end_then_fail(*args: Any, **kwargs: Any) -> int:
        real_end(*args, **kwargs)  # accounts are deactivated and the pair ended by now
        raise IntegrityError("somebody else wrote meanwhile")

    monkeypatch.setattr(pairing_services, "mentorships_end_for_leavers", end_then_fail)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Conflict):
        run([leaving(pair.mentee)])

    assert callbacks == []
    assert audit_count() == before
    leaver_user.refresh_from_db()
    assert leaver_user.is_active
    assert ApiToken.objects.get(user=leaver_user).revoked_at is None
    assert Mentorship.objects.get(pk=pair.pk).status == Mentorship.Status.PROPOSED
    assert Employee.objects.get(pk=pair.mentee_id).status == Employee.Status.ACTIVE


@pytest.mark.django_db
def test_query_count_of_a_leavers_re_import_does_not_grow_with_the_leavers(
    make_user: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    users = [make_user() for _ in range(30)]
    rows = [leaving(Employee.objects.get(user=user)) for user in users]
    assert run(rows).accounts_deactivated == 30
    assert not get_user_model().objects.filter(pk__in=[u.pk for u in users], is_active=True)
    with django_assert_max_num_queries(11):
        assert run(rows).changed == 0
