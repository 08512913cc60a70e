"""Database rows -> matching-engine input, and engine results -> rows.

The only module that imports `turnabout.matching`. People are identified in the engine by
their HR `employee_id`, so that the org chart (employee id -> manager's employee id, for the
whole organisation) lines up with them and the reporting-line constraint sees every
manager above a participant, whether or not that manager takes part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.errors import ErrorCode, ValidationFailed
from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.learning.readiness import Readiness, not_ready
from turnabout.matching import (
    CONSTRAINTS,
    CRITERIA,
    LABELS,
    REGISTRY,
    LockedPair,
    MatchConfig,
    MatchConfigError,
    MatchInputError,
    MatchResult,
    Mentee,
    Mentor,
    OrgChart,
    Reason,
    match,
)
from turnabout.pairing.models import Mentorship, PairExclusion
from turnabout.people.models import Employee
from turnabout.people.sensitive import generations_for_matching
from turnabout.programs.models import Cohort

Progress = Callable[[str, float], None]

__all__ = [
    "CONSTRAINTS",
    "CRITERIA",
    "LABELS",
    "REGISTRY",
    "TRAINING",
    "EngineInput",
    "MatchConfigError",
    "MatchInputError",
    "Reason",
    "build_input",
    "config_mapping",
    "pair_violations",
    "run_engine",
]


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def config_mapping(
    program_settings: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The program's settings with this run's changes, validated by the engine.

    Turnabout pairs each mentee with one mentor (the database enforces it), so
    `constraints.mentors_per_mentee` is always 1. Raises ValidationFailed naming the key.
    """
    merged = _merge(program_settings or {}, overrides or {})
    try:
        config = MatchConfig.from_mapping(merged)
    except MatchConfigError as exc:
        raise ValidationFailed(
            _("Matching settings: %(error)s") % {"error": exc},
            code=ErrorCode.MATCHING_SETTINGS_INVALID,
            params={"key": exc.key},
            details={"key": exc.key},
        ) from exc
    mapping = config.to_mapping()
    mapping["constraints"]["mentors_per_mentee"] = 1
    return mapping


@dataclass
class EngineInput:
    """Everything the engine needs for one cohort, plus the way back to the rows."""

    config: dict[str, Any]
    mentors: list[Mentor]
    mentees: list[Mentee]
    org: OrgChart
    locked: list[LockedPair]
    mentor_applications: dict[str, Application]
    mentee_applications: dict[str, Application]
    lock_overrides: dict[tuple[int, int], str] = field(default_factory=dict)
    kept: set[tuple[int, int]] = field(default_factory=set)
    # Accepted applicants the program's readiness gate keeps out of the run.
    not_ready: list[tuple[Application, Readiness]] = field(default_factory=list)

    @property
    def match_config(self) -> MatchConfig:
        return MatchConfig.from_mapping(self.config)


def org_chart() -> OrgChart:
    """The whole organisation's reporting line: employee id -> manager's employee id."""
    rows = Employee.objects.values_list("employee_id", "manager__employee_id")
    return OrgChart({emp: mgr or "" for emp, mgr in rows})


def waiting_days(cohort: Cohort, applications: Sequence[Application]) -> dict[int, int]:
    """Days each applicant has waited: since accepted, or since last freed (decline/end)."""
    freed: dict[int, datetime] = {}
    ended = Mentorship.objects.filter(
        cohort=cohort, status__in=[Mentorship.Status.DECLINED, Mentorship.Status.ENDED]
    )
    for field_name in ("mentor_application", "mentee_application"):
        for app_id, when in ended.values_list(field_name).annotate(last=Max("ended_at")).order_by():
            if when is not None and (app_id not in freed or when > freed[app_id]):
                freed[app_id] = when
    now = timezone.now()
    out: dict[int, int] = {}
    for app in applications:
        since = app.decided_at or app.created_at
        if app.pk in freed and freed[app.pk] > since:
            since = freed[app.pk]
        out[app.pk] = max(0, (now - since).days)
    return out


def _person_fields(app: Application, *, exclude: list[str], generation: str) -> dict[str, Any]:
    person = app.person
    return {
        "id": person.employee_id,
        "name": person.full_name,
        "email": person.email,
        "level": int(person.level),
        "department": person.department,
        "location": person.location,
        "timezone": person.timezone,
        "languages": tuple(app.languages or person.languages or ()),
        "interests": tuple(app.interests),
        "goals": app.goals,
        "formats": tuple(app.formats),
        "availability": tuple(app.availability),
        "ergs": tuple(app.ergs),
        "exclude": tuple(sorted(set(exclude))),
        "generation": generation,
    }


def build_input(
    cohort: Cohort,
    *,
    config: Mapping[str, Any],
    locks: Iterable[Mapping[str, Any]] = (),
    keep_live: bool = False,
    gate: bool = True,
) -> EngineInput:
    """Turn the cohort's accepted applications into engine input (people who left the
    company are left out; with the program's readiness gate on, so are those whose training
    is not complete: they are listed as unmatched with the reason).

    `locks` are {mentor_application, mentee_application, override_reason} application ids to
    keep as they are;
    `keep_live` also keeps every live (proposed or active) mentorship fixed (a re-match).
    """
    held = not_ready(cohort) if gate else {}
    applications = list(
        Application.objects.filter(cohort=cohort, status=Application.Status.ACCEPTED)
        .exclude(person__status=Employee.Status.TERMINATED)  # left the company
        .select_related("person")
        .prefetch_related("avoid")
        .order_by("role", "person__employee_id")
    )
    held_back = [(a, held[a.pk]) for a in applications if a.pk in held]
    applications = [a for a in applications if a.pk not in held]
    use_generation = dict(config.get("diversity", {})).get("generation", "ignore") != "ignore"
    generations: dict[int, str] = {}
    if use_generation:
        generations = generations_for_matching(a.person_id for a in applications)
    excluded: dict[int, set[int]] = {}
    for mentor_id, mentee_id in PairExclusion.objects.filter(cohort=cohort).values_list(
        "mentor_id", "mentee_id"
    ):
        excluded.setdefault(mentee_id, set()).add(mentor_id)
    employee_ids = dict(
        Employee.objects.filter(
            Q(pk__in=[pk for pks in excluded.values() for pk in pks])
        ).values_list("pk", "employee_id")
    )
    waiting = waiting_days(cohort, applications)
    mentors: list[Mentor] = []
    mentees: list[Mentee] = []
    mentor_applications: dict[str, Application] = {}
    mentee_applications: dict[str, Application] = {}
    for app in applications:
        avoid = [p.employee_id for p in app.avoid.all()]
        fields = _person_fields(app, exclude=avoid, generation=generations.get(app.person_id, ""))
        fields["waiting_days"] = waiting.get(app.pk, 0)
        if app.role == ParticipantRole.MENTOR:
            mentors.append(Mentor(**fields, skills=dict(app.skills), capacity=app.capacity))
            mentor_applications[app.person.employee_id] = app
        else:
            fields["exclude"] = tuple(
                sorted(
                    {*fields["exclude"]}
                    | {employee_ids[pk] for pk in excluded.get(app.person_id, set())}
                )
            )
            mentees.append(Mentee(**fields, wants=dict(app.wants)))
            mentee_applications[app.person.employee_id] = app

    by_app_id = {a.pk: a for a in applications}
    lock_list: list[LockedPair] = []
    lock_overrides: dict[tuple[int, int], str] = {}
    kept: set[tuple[int, int]] = set()
    seen: set[int] = set()

    def add_lock(mentor_app_id: int, mentee_app_id: int, override: str) -> None:
        mentor_app, mentee_app = by_app_id.get(mentor_app_id), by_app_id.get(mentee_app_id)
        if mentor_app is None or mentee_app is None or mentee_app_id in seen:
            return
        seen.add(mentee_app_id)
        lock_list.append(LockedPair(mentor_app.person.employee_id, mentee_app.person.employee_id))
        lock_overrides[(mentor_app_id, mentee_app_id)] = override

    if keep_live:
        for mentor_app_id, mentee_app_id, override in Mentorship.objects.filter(
            cohort=cohort, status__in=[Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE]
        ).values_list("mentor_application_id", "mentee_application_id", "override_reason"):
            add_lock(mentor_app_id, mentee_app_id, override)
            kept.add((mentor_app_id, mentee_app_id))
    for lock in locks:
        add_lock(
            int(lock["mentor_application"]),
            int(lock["mentee_application"]),
            str(lock.get("override_reason", "")),
        )
    return EngineInput(
        config=dict(config),
        mentors=mentors,
        mentees=mentees,
        org=org_chart(),
        locked=lock_list,
        mentor_applications=mentor_applications,
        mentee_applications=mentee_applications,
        lock_overrides=lock_overrides,
        kept=kept,
        not_ready=held_back,
    )


@dataclass(frozen=True)
class ProposalRow:
    mentor_application: Application
    mentee_application: Application
    score: float
    breakdown: dict[str, float]
    reasons: list[dict[str, Any]]
    locked: bool
    kept: bool
    violations: list[str]
    override_reason: str


@dataclass(frozen=True)
class UnmatchedRow:
    application: Application
    reason: dict[str, Any]


TRAINING = "unmatched.training"  # rendered by explain.py: "training not complete (2 of 3 …)"


def training_reason(state: Readiness) -> dict[str, Any]:
    """The readiness gate's reason, stored as a code with its parameters."""
    return Reason(TRAINING, {"done": state.done, "required": state.required}).as_dict()


@dataclass(frozen=True)
class EngineOutput:
    proposals: list[ProposalRow]
    unmatched: list[UnmatchedRow]
    result: MatchResult


def run_engine(data: EngineInput, progress: Progress | None = None) -> EngineOutput:
    """Call the engine and map its pairs and unmatched people back to applications."""
    result = match(
        data.mentors,
        data.mentees,
        data.match_config,
        data.org,
        data.locked,
        progress=progress,
    )
    proposals: list[ProposalRow] = []
    for pair in result.pairs:
        mentor_application = data.mentor_applications[pair.mentor_id]
        mentee_application = data.mentee_applications[pair.mentee_id]
        key = (mentor_application.pk, mentee_application.pk)
        proposals.append(
            ProposalRow(
                mentor_application=mentor_application,
                mentee_application=mentee_application,
                score=float(pair.score),
                breakdown={k: float(v) for k, v in pair.breakdown.items()},
                reasons=[r.as_dict() for r in pair.reasons],
                locked=pair.locked,
                kept=key in data.kept,
                violations=list(pair.violations),
                override_reason=data.lock_overrides.get(key, "") if pair.locked else "",
            )
        )
    unmatched: list[UnmatchedRow] = []
    for entry in result.unmatched:
        apps = data.mentor_applications if entry.role == "mentor" else data.mentee_applications
        unmatched.append(UnmatchedRow(application=apps[entry.id], reason=entry.reason.as_dict()))
    for app, state in data.not_ready:
        unmatched.append(UnmatchedRow(application=app, reason=training_reason(state)))
    return EngineOutput(proposals=proposals, unmatched=unmatched, result=result)


@dataclass(frozen=True)
class PairCheck:
    """The engine's view of one hand-made pair."""

    score: float
    breakdown: dict[str, float]
    reasons: list[dict[str, Any]]
    violations: list[str]


def pair_violations(
    cohort: Cohort,
    *,
    config: Mapping[str, Any],
    mentor_application: Application,
    mentee_application: Application,
    data: EngineInput | None = None,
) -> PairCheck:
    """Score one pair and list the hard constraints it breaks (the engine's codes).

    Uses the engine on just these two people with the pair locked, with the whole org chart
    and the cohort's exclusions, so that the check is the one a run would make. Pass `data`
    (from `build_input`) to check many pairs of one cohort without rebuilding it.
    """
    data = data or build_input(cohort, config=config, gate=False)  # a manager's own pair
    mentor_id = mentor_application.person.employee_id
    mentee_id = mentee_application.person.employee_id
    mentor_person = next((p for p in data.mentors if p.id == mentor_id), None)
    mentee_person = next((p for p in data.mentees if p.id == mentee_id), None)
    if mentor_person is None or mentee_person is None:
        raise ValidationFailed(_("Both people must be accepted participants of this cohort."))
    result = match(
        [mentor_person],
        [mentee_person],
        data.match_config,
        data.org,
        [LockedPair(mentor_person.id, mentee_person.id)],
    )
    pair = result.pairs[0]
    return PairCheck(
        score=float(pair.score),
        breakdown={k: float(v) for k, v in pair.breakdown.items()},
        reasons=[r.as_dict() for r in pair.reasons],
        violations=list(pair.violations),
    )
