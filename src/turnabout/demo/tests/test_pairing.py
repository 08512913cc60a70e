"""The demo cohort: a published run with active pairs, a few declined and re-matched."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from turnabout.demo.pairing import pairing_demo_build
from turnabout.demo.people import demo_build
from turnabout.demo.programs import MENTOR_EMAIL, programs_demo_build
from turnabout.pairing.models import MatchRun, Mentorship, PairExclusion, Proposal, UnmatchedEntry
from turnabout.programs.models import Phase

pytestmark = pytest.mark.django_db


def _pairs() -> list[tuple[str, str, str]]:
    return sorted(
        Mentorship.objects.values_list("mentor__employee_id", "mentee__employee_id", "status")
    )


def test_demo_cohort_is_matched_answered_and_rematched() -> None:
    demo_build()
    programs_demo_build()
    summary = pairing_demo_build()
    assert summary is not None
    assert summary.runs == 4 and summary.declined == 3
    assert summary.active >= 30 and summary.seconds < 5
    runs = list(MatchRun.objects.order_by("number"))
    cohort = runs[0].cohort
    assert cohort.phase == Phase.MATCHED
    assert all(r.status == MatchRun.Status.DONE and (r.seconds or 0) < 5 for r in runs)
    assert [r.is_published for r in runs] == [False, False, True, True]
    # every proposal says why; every unmatched person says why not
    assert not Proposal.objects.filter(reasons=[]).exists()
    assert not UnmatchedEntry.objects.filter(reason="").exists()
    # no published pair breaks a hard constraint without an override reason
    assert not Mentorship.objects.exclude(violations=[]).filter(override_reason="").exists()
    declined = Mentorship.objects.filter(status=Mentorship.Status.DECLINED)
    for pair in declined:
        assert pair.reason
        assert PairExclusion.objects.filter(mentor=pair.mentor, mentee=pair.mentee).exists()
        assert Mentorship.objects.filter(
            mentee=pair.mentee, status__in=["proposed", "active"]
        ).exists()  # re-matched
    mentor = get_user_model().objects.get(username=MENTOR_EMAIL)
    assert Mentorship.objects.filter(mentor__user=mentor, status="proposed").exists()
    # the same seed gives the same pairs; a second call does nothing
    first = _pairs()
    assert pairing_demo_build() is None
    assert _pairs() == first
