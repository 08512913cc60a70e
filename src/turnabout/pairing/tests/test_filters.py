"""The run review's filters, applied inside the selector."""

from __future__ import annotations

from typing import Any

import pytest

from turnabout.pairing import selectors
from turnabout.pairing.tests.helpers import run_now


@pytest.mark.django_db
def test_proposals_filter_by_level_floor_a_criterion_and_sort_by_it(build_cohort: Any) -> None:
    setup = build_cohort(mentors=4, mentees=4)
    run = run_now(setup)
    everything = list(selectors.proposals_for_review(user=setup.manager, run=run))
    assert [p.score for p in everything] == sorted((p.score for p in everything), reverse=True)
    level = everything[0].mentee_application.person.level
    by_level = selectors.proposals_for_review(
        user=setup.manager, run=run, filters={"level": str(level)}
    )
    assert by_level and all(
        level in (p.mentor_application.person.level, p.mentee_application.person.level)
        for p in by_level
    )
    floor = sorted(p.breakdown["skills"] for p in everything)[len(everything) // 2]
    sorted_by = list(
        selectors.proposals_for_review(
            user=setup.manager,
            run=run,
            filters={"criterion": "skills", "min_value": str(floor), "sort": "criterion"},
        )
    )
    values = [getattr(p, "criterion_value") for p in sorted_by]  # noqa: B009 (an annotation)
    assert values == sorted(values, reverse=True) and min(values) >= floor - 1e-9
    assert {p.pk for p in sorted_by} == {
        p.pk for p in everything if p.breakdown["skills"] >= floor - 1e-9
    }
    weakest = selectors.proposals_for_review(user=setup.manager, run=run, filters={"sort": "score"})
    assert [p.score for p in weakest] == sorted(p.score for p in everything)


@pytest.mark.django_db
def test_an_invalid_filter_filters_nothing_and_shows_its_error(build_cohort: Any) -> None:
    setup = build_cohort(mentors=2, mentees=2)
    run = run_now(setup)
    filtered = selectors.proposal_filter(user=setup.manager, run=run, filters={"min_value": "7"})
    assert filtered.filtered.count() == run.proposals.count()
    assert "min_value" in filtered.form.errors
