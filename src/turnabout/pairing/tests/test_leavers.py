"""People who left the company: their pairs end, their partners are re-matched, they are not."""

from __future__ import annotations

from typing import Any

import pytest

from turnabout.common.errors import PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.pairing import services
from turnabout.pairing.models import Mentorship, PairExclusion
from turnabout.pairing.tests.helpers import published, run_now
from turnabout.people.models import Employee

pytestmark = pytest.mark.django_db


def _terminate(*people: Employee) -> None:
    Employee.objects.filter(pk__in=[p.pk for p in people]).update(
        status="terminated", termination_date="2026-01-31"
    )


def test_the_pairs_of_a_leaver_end_with_the_confidential_reason_and_the_partner_is_told(
    build_cohort: Any, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    pair, other = published(setup)
    assert services.mentorships_of_leavers_count([pair.mentee_id]) == 1

    with django_capture_on_commit_callbacks() as callbacks:
        ended = services.mentorships_end_for_leavers([pair.mentee_id], acting_user=org_admin)

    assert ended == 1 and len(callbacks) == 1
    pair.refresh_from_db()
    assert (pair.status, pair.reason, pair.ended_by_role) == (
        "ended",
        "left the company",
        "HR import",
    )
    assert pair.ended_at is not None
    assert Mentorship.objects.get(pk=other.pk).status == Mentorship.Status.PROPOSED
    exclusion = PairExclusion.objects.get(mentor=pair.mentor, mentee=pair.mentee)
    assert exclusion.created_by == org_admin
    record = AuditRecord.objects.get(event="mentorship.ended")
    assert record.actor == org_admin and "left the company" not in record.message
    assert services.mentorships_of_leavers_count([pair.mentee_id]) == 0
    assert services.mentorships_end_for_leavers([pair.mentee_id], acting_user=None) == 0


def test_the_system_may_end_the_pairs_of_leavers_and_only_org_admins_otherwise(
    build_cohort: Any,
) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (pair,) = published(setup)
    for actor in (setup.manager, setup.user_of(pair.mentor_application)):
        with pytest.raises(PermissionDenied):
            services.mentorships_end_for_leavers([pair.mentee_id], acting_user=actor)
    assert services.mentorships_end_for_leavers([pair.mentee_id], acting_user=None) == 1
    exclusion = PairExclusion.objects.get(mentor=pair.mentor, mentee=pair.mentee)
    assert exclusion.created_by is None


def test_a_re_match_pairs_the_partner_again_but_never_the_leaver(build_cohort: Any) -> None:
    setup = build_cohort(mentors=3, mentees=2)
    pair, _other = published(setup)
    leaver = pair.mentor
    _terminate(leaver)
    services.mentorships_end_for_leavers([leaver.pk], acting_user=None)

    rematch = run_now(setup)

    new = rematch.proposals.get(mentee_application=pair.mentee_application, kept=False)
    assert new.mentor_application.person_id != leaver.pk
    assert not rematch.proposals.filter(mentor_application__person=leaver).exists()
    assert not rematch.unmatched.filter(application__person=leaver).exists()


def test_a_run_needs_a_mentor_who_still_works_here(build_cohort: Any) -> None:
    setup = build_cohort(mentors=1, mentees=1)
    (_user, application) = setup.mentors[0]
    _terminate(application.person)

    with pytest.raises(ValidationFailed, match="still work here"):
        services.match_run_start(setup.cohort, acting_user=setup.manager, enqueue=False)
