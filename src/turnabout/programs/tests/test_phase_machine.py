from __future__ import annotations

import itertools

import pytest

from turnabout.accounts.models import Role
from turnabout.common.errors import PermissionDenied, ValidationFailed
from turnabout.common.models import AuditRecord
from turnabout.programs.models import TRANSITIONS, CohortPhaseChange, Phase
from turnabout.programs.services import cohort_change_phase
from turnabout.programs.tests.factories import make_cohort, make_program

pytestmark = pytest.mark.django_db

LEGAL = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
ILLEGAL = [
    (a, b) for a, b in itertools.product(Phase.values, Phase.values) if b not in TRANSITIONS[a]
]


def test_the_machine_is_the_documented_one():
    assert set(LEGAL) == {
        ("draft", "interest_survey"),
        ("draft", "applications_open"),
        ("interest_survey", "applications_open"),
        ("applications_open", "applications_closed"),
        ("applications_closed", "matching"),
        ("applications_closed", "applications_open"),
        ("matching", "matched"),
        ("matched", "active"),
        ("active", "wrapping_up"),
        ("wrapping_up", "closed"),
    }
    assert len(ILLEGAL) == 81 - 10


@pytest.mark.parametrize(("start", "target"), LEGAL)
def test_every_legal_transition_moves_and_is_recorded(program_manager, start, target):
    cohort = make_cohort(make_program(program_manager), program_manager, phase=start)
    history_before = cohort.phase_changes.count()
    cohort_change_phase(cohort, to_phase=target, note="why not", acting_user=program_manager)
    cohort.refresh_from_db()
    assert cohort.phase == target
    last = cohort.phase_changes.order_by("-at", "-pk")[0]
    assert (last.from_phase, last.to_phase, last.note) == (start, target, "why not")
    assert last.actor == program_manager
    assert last.actor_label == program_manager.username
    assert cohort.phase_changes.count() == history_before + 1


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused_and_changes_nothing(program_manager, start, target):
    cohort = make_cohort(make_program(program_manager), program_manager, phase=start)
    history_before = CohortPhaseChange.objects.count()
    audit_before = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        cohort_change_phase(cohort, to_phase=target, acting_user=program_manager)
    message = refused.value.message
    assert str(Phase(start).label) in message and str(Phase(target).label) in message
    for allowed in TRANSITIONS[start]:
        assert str(Phase(allowed).label) in message
    if not TRANSITIONS[start]:
        assert "closed" in message
    assert refused.value.details == {
        "from": start,
        "to": target,
        "allowed": list(TRANSITIONS[start]),
    }
    cohort.refresh_from_db()
    assert cohort.phase == start
    assert CohortPhaseChange.objects.count() == history_before
    assert AuditRecord.objects.count() == audit_before


def test_refusal_message_reads_well(program_manager):
    cohort = make_cohort(make_program(program_manager), program_manager)
    with pytest.raises(ValidationFailed) as refused:
        cohort_change_phase(cohort, to_phase="matching", acting_user=program_manager)
    assert refused.value.message == (
        "A cohort cannot move from Draft to Matching. From Draft it can move to: "
        "Interest survey, Applications open."
    )


def test_unknown_phase_is_refused(program_manager):
    cohort = make_cohort(make_program(program_manager), program_manager)
    with pytest.raises(ValidationFailed, match="Unknown phase"):
        cohort_change_phase(cohort, to_phase="launched", acting_user=program_manager)


def test_history_keeps_who_and_when_from_creation(program_manager):
    cohort = make_cohort(make_program(program_manager), program_manager, phase="matching")
    rows = list(cohort.phase_changes.order_by("at", "pk").values_list("from_phase", "to_phase"))
    assert rows == [
        ("", "draft"),
        ("draft", "applications_open"),
        ("applications_open", "applications_closed"),
        ("applications_closed", "matching"),
    ]
    assert AuditRecord.objects.filter(event="cohort.phase_changed").count() == 3


def test_only_the_programs_managers_move_a_cohort(program_manager, make_user, sponsor, participant):
    cohort = make_cohort(make_program(program_manager), program_manager)
    other_manager = make_user(Role.PROGRAM_MANAGER)
    for user in (other_manager, sponsor, participant):
        with pytest.raises(PermissionDenied):
            cohort_change_phase(cohort, to_phase="interest_survey", acting_user=user)
    cohort.refresh_from_db()
    assert cohort.phase == "draft"


def test_org_admin_moves_any_cohort(program_manager, org_admin):
    cohort = make_cohort(make_program(program_manager), program_manager)
    cohort_change_phase(cohort, to_phase="applications_open", acting_user=org_admin)
    assert cohort.phase == "applications_open"
