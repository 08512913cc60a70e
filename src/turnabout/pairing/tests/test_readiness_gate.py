"""The readiness gate in a match run: through the adapter and the run's unmatched reasons."""

from __future__ import annotations

from typing import Any

import pytest

from turnabout.learning import services as learning
from turnabout.learning.tests.helpers import complete_training
from turnabout.pairing import adapter, explain
from turnabout.pairing.tests.helpers import run_now

pytestmark = pytest.mark.django_db


def test_gate_leaves_the_untrained_unmatched_with_the_reason(build_cohort: Any) -> None:
    setup = build_cohort(mentors=3, mentees=3)
    program = setup.cohort.program
    for user, _app in setup.mentors[:2]:
        complete_training(user, program, "mentor")
    for user, _app in setup.mentees:
        complete_training(user, program, "mentee")
    late_user, late_app = setup.mentors[2]
    required = complete_training(late_user, program, "mentor", leave=2)

    # Gate off: everybody is in the run, whatever their training.
    open_run = run_now(setup)
    assert not [e for e in open_run.unmatched.all() if e.reason["code"] == adapter.TRAINING]

    learning.readiness_gate_set(program, acting_user=setup.manager, on=True)
    data = adapter.build_input(setup.cohort, config=open_run.config)
    assert late_user.employee.employee_id not in {m.id for m in data.mentors}
    assert [(a.pk, s.done, s.required) for a, s in data.not_ready] == [
        (late_app.pk, required - 2, required)
    ]

    gated = run_now(setup)
    reasons = {e.application_id: e.reason for e in gated.unmatched.all()}
    assert reasons[late_app.pk] == {
        "code": "unmatched.training",
        "params": {"done": required - 2, "required": required},
    }
    assert (
        explain.reason_text(reasons[late_app.pk])
        == f"training not complete ({required - 2} of {required} modules)"
    )
    assert late_app.pk not in {p.mentor_application_id for p in gated.proposals.all()}
    assert gated.proposals.count() == 2  # two trained mentors, one mentee each

    # Completing the training lets the next run consider them.
    complete_training(late_user, program, "mentor")
    assert adapter.build_input(setup.cohort, config=open_run.config).not_ready == []
