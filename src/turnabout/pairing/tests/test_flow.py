"""End to end through the services: run -> review -> lock -> re-run -> publish -> accept ->
decline -> re-match."""

from __future__ import annotations

from typing import Any

import pytest

from turnabout.common.errors import Conflict, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.pairing import services
from turnabout.pairing.models import MatchRun, Mentorship, PairExclusion, Proposal
from turnabout.programs.models import Phase

pytestmark = pytest.mark.django_db


def _run(setup: Any, **kwargs: Any) -> MatchRun:
    run = services.match_run_start(setup.cohort, acting_user=setup.manager, enqueue=False, **kwargs)
    done = services.match_run_execute(run.pk)
    assert done is not None
    return done


def test_run_proposes_explained_pairs_and_explains_the_unmatched(build_cohort: Any) -> None:
    setup = build_cohort(mentors=4, mentees=3)
    run = _run(setup)
    assert run.status == MatchRun.Status.DONE
    assert run.progress == 100
    assert run.matched == 3
    proposals = list(run.proposals.all())
    assert len(proposals) == 3
    assert all(p.reasons for p in proposals)
    assert all(0 <= p.score <= 1 and p.breakdown for p in proposals)
    unmatched = list(run.unmatched.all())
    assert len(unmatched) == 1
    assert unmatched[0].application.role == "mentor"
    assert unmatched[0].reason
    assert run.mean_score is not None and run.min_score is not None
    assert run.blocking_pairs is not None


def test_whole_cycle_through_the_services(
    build_cohort: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    setup = build_cohort(mentors=5, mentees=4)
    manager = setup.manager
    run = _run(setup)
    first = run.proposals.order_by("pk").first()
    assert first is not None
    services.proposal_set_locked(first, locked=True, acting_user=manager)
    rerun = _run(setup, based_on=run)
    kept = rerun.proposals.get(mentee_application=first.mentee_application)
    assert kept.mentor_application_id == first.mentor_application_id and kept.locked

    with django_capture_on_commit_callbacks() as callbacks:
        mentorships = services.match_run_publish(rerun, acting_user=manager)
    assert len(mentorships) == 4
    assert len(callbacks) == 8  # one email per person
    setup.cohort.refresh_from_db()
    assert setup.cohort.phase == Phase.MATCHED
    with pytest.raises(Conflict):
        services.match_run_publish(rerun, acting_user=manager)

    accepted, declined = mentorships[0], mentorships[1]
    services.mentorship_accept(accepted, acting_user=setup.user_of(accepted.mentor_application))
    accepted.refresh_from_db()
    assert accepted.status == Mentorship.Status.PROPOSED
    services.mentorship_accept(accepted, acting_user=setup.user_of(accepted.mentee_application))
    accepted.refresh_from_db()
    assert accepted.status == Mentorship.Status.ACTIVE

    services.mentorship_decline(
        declined,
        reason="We work together already.",
        acting_user=setup.user_of(declined.mentee_application),
    )
    declined.refresh_from_db()
    assert declined.status == Mentorship.Status.DECLINED
    assert PairExclusion.objects.filter(
        cohort=setup.cohort, mentor=declined.mentor, mentee=declined.mentee
    ).exists()

    rematch = _run(setup)
    assert rematch.kind == MatchRun.Kind.REMATCH
    # every live pair is kept as it is; the declined pair is never proposed again
    for m in Mentorship.objects.filter(status__in=["proposed", "active"]):
        p = rematch.proposals.get(mentee_application=m.mentee_application)
        assert p.kept and p.locked and p.mentor_application_id == m.mentor_application_id
    again = rematch.proposals.get(mentee_application=declined.mentee_application)
    assert not again.kept
    assert again.mentor_application_id != declined.mentor_application_id
    new = services.match_run_publish(rematch, acting_user=manager)
    assert len(new) == 1
    assert Mentorship.objects.filter(status__in=["proposed", "active"]).count() == 4
    assert AuditRecord.objects.filter(event="match_run.published").count() == 2


def test_manual_pair_that_breaks_a_constraint_needs_an_override(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    run = _run(setup)
    proposal = run.proposals.order_by("pk").first()
    assert proposal is not None
    mentor_id, mentee_id = proposal.mentor_application_id, proposal.mentee_application_id
    services.pair_exclude(proposal, reason="Same team", acting_user=setup.manager)
    with pytest.raises(services.OverrideRequired) as info:
        services.proposal_create_manual(
            run,
            mentor_application_id=mentor_id,
            mentee_application_id=mentee_id,
            acting_user=setup.manager,
        )
    assert info.value.details == {
        "violations": ["excluded"],
        "explanations": [info.value.details["explanations"][0]],  # type: ignore[index]
    }
    made = services.proposal_create_manual(
        run,
        mentor_application_id=mentor_id,
        mentee_application_id=mentee_id,
        override_reason="They asked for it",
        acting_user=setup.manager,
    )
    assert made.manual and made.locked and made.violations == ["excluded"]
    assert AuditRecord.objects.filter(event="proposal.override").exists()
    # publishing is refused without an override reason
    Proposal.objects.filter(pk=made.pk).update(override_reason="")
    with pytest.raises(ValidationFailed):
        services.match_run_publish(run, acting_user=setup.manager)


def test_a_run_in_progress_blocks_a_second_until_abandoned(build_cohort: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    setup = build_cohort(mentors=1, mentees=1)
    first = services.match_run_start(setup.cohort, acting_user=setup.manager, enqueue=False)
    with pytest.raises(Conflict):
        services.match_run_start(setup.cohort, acting_user=setup.manager, enqueue=False)
    MatchRun.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=2))
    second = services.match_run_start(setup.cohort, acting_user=setup.manager, enqueue=False)
    first.refresh_from_db()
    assert first.status == MatchRun.Status.FAILED and "Abandoned" in first.error
    assert second.number == 2
    # a run picked up twice is executed once
    assert services.match_run_execute(second.pk) is not None
    assert services.match_run_execute(second.pk).proposals.count() == 1  # type: ignore[union-attr]


def test_the_database_refuses_a_second_live_pair_and_an_unexplained_override(
    build_cohort: Any,
) -> None:
    from django.db import IntegrityError, transaction

    setup = build_cohort(mentors=2, mentees=1)
    (pair,) = services.match_run_publish(_run(setup), acting_user=setup.manager, notify=False)
    other_mentor = next(a for _u, a in setup.mentors if a.pk != pair.mentor_application_id)
    fields = {
        "cohort": setup.cohort,
        "mentee": pair.mentee,
        "mentee_application": pair.mentee_application,
        "mentor": other_mentor.person,
        "mentor_application": other_mentor,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(**fields)  # the mentee has a live pair already
    Mentorship.objects.filter(pk=pair.pk).update(status=Mentorship.Status.DECLINED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(**fields, violations=["level"])  # no override reason
    assert Mentorship.objects.create(**fields, violations=["level"], override_reason="ok")
