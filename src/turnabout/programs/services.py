"""Writes on programs, objectives, cohorts and interest surveys.

Every function checks permission through `programs.permissions`, validates, writes in one
transaction and records an audit event. Bad input raises a domain error and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.accounts import permissions as roles
from turnabout.common.audit import Change, audit_record
from turnabout.common.errors import (
    Conflict,
    ErrorCode,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    require,
)
from turnabout.common.types import AnyUser
from turnabout.matching import MatchConfig, MatchConfigError
from turnabout.programs import permissions
from turnabout.programs.audit import ProgramEvent
from turnabout.programs.models import (
    COMFORT_OPTIONS,
    TRANSITIONS,
    Cohort,
    CohortPhaseChange,
    Format,
    InterestSurvey,
    Objective,
    Phase,
    Program,
    SurveyDailyCount,
    SurveyParticipation,
    SurveyQuestion,
    SurveyTally,
    Willingness,
)

DEFAULT_SURVEY_TOPICS = (
    "Generative AI tools",
    "Social media",
    "Hybrid work norms",
    "Gen Z workplace expectations",
    "Data privacy",
    "Inclusive language",
)
MAX_LIST_ITEMS = Program.LIST_MAX

# Fields of the program design that `program_create` and `program_update` accept, with the
# model's limits.
TEXT_FIELDS: dict[str, int] = {
    "name": Program.NAME_MAX,
    "purpose": Program.TEXT_MAX,
    "guidelines": Program.GUIDELINES_MAX,
    "mentor_responsibilities": Program.TEXT_MAX,
    "mentee_responsibilities": Program.TEXT_MAX,
    "confidentiality": Program.TEXT_MAX,
    "time_commitment": Program.TIME_COMMITMENT_MAX,
    "welcome_mentor": Program.TEXT_MAX,
    "welcome_mentee": Program.TEXT_MAX,
}
INT_FIELDS: dict[str, tuple[int, int]] = {
    "meeting_every_days": (Program.MEETING_EVERY_DAYS_MIN, Program.MEETING_EVERY_DAYS_MAX),
    "session_minutes": (Program.SESSION_MINUTES_MIN, Program.SESSION_MINUTES_MAX),
    "duration_months": (Program.DURATION_MONTHS_MIN, Program.DURATION_MONTHS_MAX),
}
LEVEL_FIELDS = ("mentor_max_level", "mentee_min_level")
LIST_FIELDS = ("departments", "locations")
PROGRAM_FIELDS: tuple[str, ...] = (
    *TEXT_FIELDS,
    *INT_FIELDS,
    *LEVEL_FIELDS,
    *LIST_FIELDS,
    "format",
    "matching_settings",
)


def _user_id(user: AnyUser) -> int:
    if not user.is_authenticated or user.pk is None:
        raise PermissionDenied(_("Log in first."))
    return int(user.pk)


def _clean_text(value: Any, *, field: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(_("%(field)s must be text.") % {"field": field})
    if "\x00" in value:
        raise ValidationFailed(_("%(field)s must not contain NUL characters.") % {"field": field})
    text: str = value.strip()
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (at most %(n)d characters).")
            % {"field": field, "n": max_length}
        )
    return text


def _clean_list(value: Any, *, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ValidationFailed(_("%(field)s must be a list.") % {"field": field})
    items: list[str] = []
    for item in value:
        text = _clean_text(item, field=field, max_length=Program.LIST_ITEM_MAX)
        if text and text not in items:
            items.append(text)
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationFailed(_("%(field)s has too many entries.") % {"field": field})
    return items


def validate_matching_settings(value: Any) -> dict[str, Any]:
    """Check the settings with the matching engine's own validator; returns them unchanged."""
    if not isinstance(value, Mapping):
        raise ValidationFailed(_("Matching settings must be an object of keys."))
    try:
        MatchConfig.from_mapping(value)
    except MatchConfigError as exc:
        raise ValidationFailed(
            _("Matching settings: %(error)s") % {"error": exc},
            code=ErrorCode.MATCHING_SETTINGS_INVALID,
            params={"key": exc.key},
            details={"key": exc.key},
        ) from exc
    return dict(value)


def _clean_program_data(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = sorted(set(data) - set(PROGRAM_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown program fields: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key in TEXT_FIELDS:
            cleaned[key] = _clean_text(value, field=key, max_length=TEXT_FIELDS[key])
        elif key in INT_FIELDS:
            low, high = INT_FIELDS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValidationFailed(
                    _("%(field)s must be a whole number from %(low)d to %(high)d.")
                    % {"field": key, "low": low, "high": high}
                )
            cleaned[key] = value
        elif key in LEVEL_FIELDS:
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not Program.LEVEL_MIN <= value <= Program.LEVEL_MAX
            ):
                raise ValidationFailed(
                    _("%(field)s must be a level from %(low)d to %(high)d, or empty.")
                    % {"field": key, "low": Program.LEVEL_MIN, "high": Program.LEVEL_MAX}
                )
            cleaned[key] = value
        elif key in LIST_FIELDS:
            cleaned[key] = _clean_list(value, field=key)
        elif key == "format":
            if value not in Format.values:
                raise ValidationFailed(
                    _("format must be one of %(options)s.") % {"options": ", ".join(Format.values)}
                )
            cleaned[key] = value
        elif key == "matching_settings":
            cleaned[key] = validate_matching_settings(value)
    for required in ("name", "purpose"):
        if (creating or required in cleaned) and not cleaned.get(required):
            raise ValidationFailed(_("Give the program a %(field)s.") % {"field": required})
    return cleaned


def _check_eligibility_levels(program: Program) -> None:
    low, high = program.mentee_min_level, program.mentor_max_level
    if low is not None and high is not None and high >= low:
        raise ValidationFailed(
            _(
                "Mentors must be junior to mentees: the mentors' maximum level (%(high)d) must "
                "be below the mentees' minimum level (%(low)d)."
            )
            % {"high": high, "low": low},
            code=ErrorCode.ELIGIBILITY_LEVELS_INVALID,
            params={"mentor_max_level": high, "mentee_min_level": low},
        )


@dataclass(frozen=True)
class ObjectiveData:
    """A KPI to set on a program: what to measure, against which target, in which unit."""

    title: str
    metric: str
    target: Decimal | float | int | str | None
    unit: str
    comparison: str = Objective.Comparison.AT_LEAST
    parameter: str = ""


def _clean_objective(data: ObjectiveData) -> dict[str, Any]:
    title = _clean_text(data.title, field="title", max_length=Objective.TITLE_MAX)
    if not title:
        raise ValidationFailed(_("Give the objective a title."), field="title")
    if data.metric not in Objective.Metric.values:
        raise ValidationFailed(
            _("Objective %(title)s: choose a metric from the list.") % {"title": title},
            field="metric",
        )
    if data.target is None or (isinstance(data.target, str) and not data.target.strip()):
        raise ValidationFailed(
            _("Objective %(title)s has no target: every KPI needs a target.") % {"title": title},
            field="target",
        )
    try:
        target = Decimal(str(data.target).strip())
    except InvalidOperation:
        raise ValidationFailed(
            _("Objective %(title)s: the target must be a number.") % {"title": title},
            field="target",
        ) from None
    if not target.is_finite() or abs(target) > Objective.TARGET_LIMIT:
        raise ValidationFailed(
            _("Objective %(title)s: the target is out of range.") % {"title": title},
            field="target",
        )
    target = target.quantize(Decimal("0.01"))
    if data.unit not in Objective.Unit.values:
        raise ValidationFailed(
            _("Objective %(title)s: the unit must be one of %(units)s.")
            % {"title": title, "units": ", ".join(Objective.Unit.values)},
            field="unit",
        )
    if data.unit == Objective.Unit.PERCENT and not Decimal(0) <= target <= Decimal(100):
        raise ValidationFailed(
            _("Objective %(title)s: a percentage target must be from 0 to 100.") % {"title": title},
            field="target",
        )
    if data.comparison not in Objective.Comparison.values:
        raise ValidationFailed(_("The comparison must be at_least or at_most."), field="comparison")
    return {
        "title": title,
        "metric": data.metric,
        "target": target,
        "unit": data.unit,
        "comparison": data.comparison,
        "parameter": _clean_text(
            data.parameter, field="parameter", max_length=Objective.PARAMETER_MAX
        ),
    }


def _objective_labels(program: Program) -> list[str]:
    return [f"{o.title} {o.target_label}" for o in program.objectives.all()]


@transaction.atomic
def program_create(
    *, data: Mapping[str, Any], objectives: Sequence[ObjectiveData] = (), acting_user: AnyUser
) -> Program:
    """Create a program; a program manager who creates it becomes its manager."""
    require(
        permissions.can_create_program(acting_user),
        _("Only program managers and org admins can create programs."),
    )
    cleaned = _clean_program_data(data, creating=True)
    if Program.objects.filter(name__iexact=cleaned["name"]).exists():
        raise Conflict(
            _("A program named %(name)s exists already.") % {"name": cleaned["name"]},
            code=ErrorCode.PROGRAM_NAME_TAKEN,
            field="name",
        )
    cleaned_objectives = [_clean_objective(objective) for objective in objectives]
    program = Program(**cleaned)
    _check_eligibility_levels(program)
    program.save()
    program.managers.add(_user_id(acting_user))
    Objective.objects.bulk_create(Objective(program=program, **o) for o in cleaned_objectives)
    audit_record(
        actor=acting_user,
        event=ProgramEvent.PROGRAM_CREATED,
        target=program,
        changes={"objectives": (None, _objective_labels(program))},
    )
    return program


@transaction.atomic
def program_update(program: Program, *, data: Mapping[str, Any], acting_user: AnyUser) -> Program:
    """Change some fields of a program's design; only the given keys change."""
    require(
        permissions.can_manage_program(acting_user, program),
        _("Only this program's managers can change it."),
    )
    cleaned = _clean_program_data(data, creating=False)
    if (
        "name" in cleaned
        and Program.objects.filter(name__iexact=cleaned["name"]).exclude(pk=program.pk).exists()
    ):
        raise Conflict(
            _("A program named %(name)s exists already.") % {"name": cleaned["name"]},
            code=ErrorCode.PROGRAM_NAME_TAKEN,
            field="name",
        )
    changes: dict[str, Change] = {}
    for key, value in cleaned.items():
        old = getattr(program, key)
        if old != value:
            changes[key] = (old, value)
            setattr(program, key, value)
    _check_eligibility_levels(program)
    if changes:
        program.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=acting_user, event=ProgramEvent.PROGRAM_UPDATED, target=program, changes=changes
        )
    return program


@transaction.atomic
def program_set_objectives(
    program: Program, *, objectives: Sequence[ObjectiveData], acting_user: AnyUser
) -> list[Objective]:
    """Replace the program's objectives (KPIs) with the given ones."""
    require(
        permissions.can_manage_program(acting_user, program),
        _("Only this program's managers can change its objectives."),
    )
    cleaned = [_clean_objective(objective) for objective in objectives]
    before = _objective_labels(program)
    program.objectives.all().delete()
    created = Objective.objects.bulk_create(Objective(program=program, **o) for o in cleaned)
    after = _objective_labels(program)
    if before != after:
        audit_record(
            actor=acting_user,
            event=ProgramEvent.OBJECTIVES_CHANGED,
            target=program,
            changes={"objectives": (before, after)},
        )
    return created


@transaction.atomic
def objective_add(program: Program, *, objective: ObjectiveData, acting_user: AnyUser) -> Objective:
    require(
        permissions.can_manage_program(acting_user, program),
        _("Only this program's managers can change its objectives."),
    )
    before = _objective_labels(program)
    created = Objective.objects.create(program=program, **_clean_objective(objective))
    audit_record(
        actor=acting_user,
        event=ProgramEvent.OBJECTIVES_CHANGED,
        target=program,
        changes={"objectives": (before, _objective_labels(program))},
    )
    return created


@transaction.atomic
def objective_remove(objective: Objective, *, acting_user: AnyUser) -> None:
    program = objective.program
    require(
        permissions.can_manage_program(acting_user, program),
        _("Only this program's managers can change its objectives."),
    )
    before = _objective_labels(program)
    objective.delete()
    audit_record(
        actor=acting_user,
        event=ProgramEvent.OBJECTIVES_CHANGED,
        target=program,
        changes={"objectives": (before, _objective_labels(program))},
    )


def can_be_program_manager(user: AbstractBaseUser) -> bool:
    """Who may be listed as a program's manager: active program managers and org admins."""
    return user.is_active and (roles.is_program_manager(user) or roles.is_org_admin(user))


@transaction.atomic
def program_manager_add(program: Program, *, user: AbstractBaseUser, acting_user: AnyUser) -> None:
    """Make another program manager (the role), or an org admin, a manager of this program."""
    require(
        permissions.can_manage_program(acting_user, program),
        _("Only this program's managers can add managers."),
    )
    if not can_be_program_manager(user):
        raise ValidationFailed(
            _("%(user)s is not a program manager or org admin.") % {"user": user.get_username()},
            code=ErrorCode.MANAGER_NOT_ELIGIBLE,
            details={"field": "email"},
            field="email",
        )
    # Lock the program row so that concurrent adds and removes see each other.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    if program.managers.filter(pk=user.pk).exists():
        raise Conflict(
            _("%(user)s already manages this program.") % {"user": user.get_username()},
            code=ErrorCode.MANAGER_ALREADY_ADDED,
            details={"field": "email"},
            field="email",
        )
    program.managers.add(_user_id(user))
    audit_record(
        actor=acting_user,
        event=ProgramEvent.PROGRAM_MANAGER_ADDED,
        target=program,
        changes={"manager": (None, user.get_username())},
    )


@transaction.atomic
def program_manager_remove(
    program: Program, *, user: AbstractBaseUser, acting_user: AnyUser
) -> None:
    """Take a manager off this program. A program always keeps at least one manager."""
    require(
        permissions.can_manage_program(acting_user, program),
        _("Only this program's managers can remove managers."),
    )
    Program.objects.select_for_update().filter(pk=program.pk).first()
    managers = list(program.managers.all())
    if user.pk not in {manager.pk for manager in managers}:
        raise NotFound(
            _("%(user)s does not manage this program.") % {"user": user.get_username()},
            code=ErrorCode.MANAGER_NOT_LISTED,
        )
    # Listed managers who lost the role or left cannot run the program: they do not count.
    if not any(m.pk != user.pk and can_be_program_manager(m) for m in managers):
        raise Conflict(
            _("%(user)s is the program's last manager: add another manager first.")
            % {"user": user.get_username()},
            code=ErrorCode.LAST_MANAGER,
        )
    program.managers.remove(user.pk)
    audit_record(
        actor=acting_user,
        event=ProgramEvent.PROGRAM_MANAGER_REMOVED,
        target=program,
        changes={"manager": (user.get_username(), None)},
    )


# --- Cohorts ----------------------------------------------------------------------------


def _check_cohort_dates(
    *,
    starts_on: date,
    ends_on: date,
    applications_open_on: date | None,
    applications_close_on: date | None,
) -> None:
    if ends_on <= starts_on:
        raise ValidationFailed(
            _("The cohort must end after it starts."),
            code=ErrorCode.COHORT_DATES_INVALID,
            field="ends_on",
        )
    if (
        applications_open_on
        and applications_close_on
        and applications_close_on < applications_open_on
    ):
        raise ValidationFailed(
            _("Applications must close on or after the day they open."),
            code=ErrorCode.COHORT_DATES_INVALID,
            field="applications_close_on",
        )
    if applications_close_on and applications_close_on > starts_on:
        raise ValidationFailed(
            _("Applications must close before the cohort starts."),
            code=ErrorCode.COHORT_DATES_INVALID,
            field="applications_close_on",
        )


@transaction.atomic
def cohort_create(
    program: Program,
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    applications_open_on: date | None = None,
    applications_close_on: date | None = None,
    acting_user: AnyUser,
) -> Cohort:
    """Start a new run of the program, in the draft phase, with an interest survey."""
    require(
        permissions.can_manage_program(acting_user, program),
        _("Only this program's managers can add cohorts."),
    )
    name = _clean_text(name, field="name", max_length=Cohort.NAME_MAX)
    if not name:
        raise ValidationFailed(_("Give the cohort a name, e.g. Autumn 2026."))
    _check_cohort_dates(
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open_on=applications_open_on,
        applications_close_on=applications_close_on,
    )
    if program.cohorts.filter(name__iexact=name).exists():
        raise Conflict(
            _("This program has a cohort named %(name)s already.") % {"name": name},
            code=ErrorCode.COHORT_NAME_TAKEN,
            field="name",
        )
    cohort = Cohort.objects.create(
        program=program,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        applications_open_on=applications_open_on,
        applications_close_on=applications_close_on,
    )
    CohortPhaseChange.objects.create(
        cohort=cohort,
        from_phase="",
        to_phase=Phase.DRAFT,
        actor_id=_user_id(acting_user) if acting_user.is_authenticated else None,
        actor_label=acting_user.get_username() if acting_user.is_authenticated else "system",
        note=_("Cohort created."),
    )
    InterestSurvey.objects.create(
        cohort=cohort,
        intro=_(
            "We are thinking of running %(program)s, where junior colleagues mentor senior "
            "leaders. Tell us, anonymously, whether you would take part."
        )
        % {"program": program.name},
        topics=list(DEFAULT_SURVEY_TOPICS),
    )
    audit_record(actor=acting_user, event=ProgramEvent.COHORT_CREATED, target=cohort)
    return cohort


COHORT_FIELDS = ("name", "starts_on", "ends_on", "applications_open_on", "applications_close_on")


@transaction.atomic
def cohort_update(cohort: Cohort, *, data: Mapping[str, Any], acting_user: AnyUser) -> Cohort:
    """Rename a cohort or move its dates (not its phase: see `cohort_change_phase`)."""
    require(
        permissions.can_manage_cohort(acting_user, cohort),
        _("Only this program's managers can change its cohorts."),
    )
    if cohort.phase == Phase.CLOSED:
        raise Conflict(
            _("This cohort is closed: it is a record and can no longer change."),
            code=ErrorCode.COHORT_CLOSED,
        )
    unknown = sorted(set(data) - set(COHORT_FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown cohort fields: %(keys)s.") % {"keys": ", ".join(unknown)})
    values = {key: getattr(cohort, key) for key in COHORT_FIELDS}
    values.update(data)
    name = _clean_text(values["name"], field="name", max_length=Cohort.NAME_MAX)
    if not name:
        raise ValidationFailed(_("Give the cohort a name, e.g. Autumn 2026."))
    values["name"] = name
    if values["starts_on"] is None or values["ends_on"] is None:
        raise ValidationFailed(_("A cohort needs a start and an end date."))
    _check_cohort_dates(
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        applications_open_on=values["applications_open_on"],
        applications_close_on=values["applications_close_on"],
    )
    if (
        name != cohort.name
        and Cohort.objects.filter(program_id=cohort.program_id, name__iexact=name)
        .exclude(pk=cohort.pk)
        .exists()
    ):
        raise Conflict(
            _("This program has a cohort named %(name)s already.") % {"name": name},
            code=ErrorCode.COHORT_NAME_TAKEN,
            field="name",
        )
    changes: dict[str, Change] = {}
    for key in COHORT_FIELDS:
        if getattr(cohort, key) != values[key]:
            changes[key] = (getattr(cohort, key), values[key])
            setattr(cohort, key, values[key])
    if changes:
        cohort.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=acting_user, event=ProgramEvent.COHORT_UPDATED, target=cohort, changes=changes
        )
    return cohort


def phase_label(phase: str) -> str:
    return str(Phase(phase).label) if phase in Phase.values else phase


def transition_error(from_phase: str, to_phase: str) -> str:
    """The message for a refused phase change: both phases and what is allowed instead."""
    allowed = TRANSITIONS.get(from_phase, ())
    allowed_text = (
        ", ".join(phase_label(p) for p in allowed) if allowed else _("none: the cohort is closed")
    )
    return _(
        "A cohort cannot move from %(from)s to %(to)s. From %(from)s it can move to: %(allowed)s."
    ) % {"from": phase_label(from_phase), "to": phase_label(to_phase), "allowed": allowed_text}


@transaction.atomic
def cohort_change_phase(
    cohort: Cohort, *, to_phase: str, note: str = "", acting_user: AnyUser
) -> Cohort:
    """Move the cohort along the phase machine (see `TRANSITIONS`), keeping the history."""
    require(
        permissions.can_manage_cohort(acting_user, cohort),
        _("Only this program's managers can change a cohort's phase."),
    )
    if to_phase not in Phase.values:
        raise ValidationFailed(
            _("Unknown phase %(phase)s. Phases: %(all)s.")
            % {"phase": to_phase, "all": ", ".join(Phase.values)}
        )
    note = _clean_text(note, field="note", max_length=Cohort.NOTE_MAX)
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    from_phase = locked.phase
    if to_phase not in TRANSITIONS[from_phase]:
        raise ValidationFailed(
            transition_error(from_phase, to_phase),
            code=ErrorCode.PHASE_TRANSITION_NOT_ALLOWED,
            params={"from": from_phase, "to": to_phase, "allowed": list(TRANSITIONS[from_phase])},
            details={"from": from_phase, "to": to_phase, "allowed": list(TRANSITIONS[from_phase])},
        )
    cohort.phase = to_phase
    cohort.save(update_fields=["phase", "updated_at"])
    CohortPhaseChange.objects.create(
        cohort=cohort,
        from_phase=from_phase,
        to_phase=to_phase,
        actor_id=_user_id(acting_user) if acting_user.is_authenticated else None,
        actor_label=acting_user.get_username() if acting_user.is_authenticated else "system",
        note=note,
    )
    audit_record(
        actor=acting_user,
        event=ProgramEvent.COHORT_PHASE_CHANGED,
        target=cohort,
        changes={"phase": (from_phase, to_phase)},
        message=note,
    )
    return cohort


@transaction.atomic
def cohort_activate_on_first_session(cohort: Cohort) -> bool:
    """A system action: a matched cohort becomes Active when its first pair holds a session,
    so the phase shown everywhere matches what people are doing. Returns True if it moved."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if locked.phase != Phase.MATCHED:
        return False
    note = _("The first session of a pair was held.")
    Cohort.objects.filter(pk=locked.pk).update(phase=Phase.ACTIVE, updated_at=timezone.now())
    CohortPhaseChange.objects.create(
        cohort=locked,
        from_phase=Phase.MATCHED,
        to_phase=Phase.ACTIVE,
        actor_id=None,
        actor_label="system",
        note=note,
    )
    audit_record(
        actor=None,
        event=ProgramEvent.COHORT_PHASE_CHANGED,
        target=locked,
        changes={"phase": (Phase.MATCHED, Phase.ACTIVE)},
        message=note,
    )
    cohort.phase = Phase.ACTIVE
    return True


# --- Interest survey --------------------------------------------------------------------


@transaction.atomic
def survey_update(
    survey: InterestSurvey, *, intro: str, topics: Iterable[str], acting_user: AnyUser
) -> InterestSurvey:
    require(
        permissions.can_manage_cohort(acting_user, survey.cohort),
        _("Only this program's managers can change its survey."),
    )
    if survey.participations.exists():
        raise Conflict(
            _("People have answered this survey already: its questions are fixed."),
            code=ErrorCode.SURVEY_HAS_ANSWERS,
        )
    new_intro = _clean_text(intro, field="intro", max_length=InterestSurvey.INTRO_MAX)
    new_topics = _clean_list(list(topics), field="topics")
    if len(new_topics) > InterestSurvey.TOPICS_MAX:
        raise ValidationFailed(
            _("Ask about at most %(n)d topics.") % {"n": InterestSurvey.TOPICS_MAX}
        )
    changes: dict[str, Change] = {}
    if new_intro != survey.intro:
        changes["intro"] = (survey.intro, new_intro)
    if new_topics != survey.topics:
        changes["topics"] = (survey.topics, new_topics)
    if changes:
        survey.intro, survey.topics = new_intro, new_topics
        survey.save(update_fields=["intro", "topics", "updated_at"])
        audit_record(
            actor=acting_user, event=ProgramEvent.SURVEY_UPDATED, target=survey, changes=changes
        )
    return survey


@transaction.atomic
def survey_respond(
    survey: InterestSurvey,
    *,
    would_mentor: str,
    would_be_mentored: str,
    comfort: int,
    topics: Iterable[str],
    acting_user: AnyUser,
) -> None:
    """Count an anonymous answer and record, separately, that `acting_user` answered.

    The answer itself is never stored: it adds one to the survey's per-option tallies
    (`SurveyTally`) and to today's count of answers (`SurveyDailyCount`, instead of an
    audit record per answer). Only the participation row names the person.
    """
    require(
        permissions.can_answer_survey(acting_user),
        _("Only employees with an account can answer the survey."),
    )
    if not survey.is_open:
        raise ValidationFailed(
            _("This survey is not open for answers."), code=ErrorCode.SURVEY_CLOSED
        )
    for field, value in (("would_mentor", would_mentor), ("would_be_mentored", would_be_mentored)):
        if value not in Willingness.values:
            raise ValidationFailed(_("%(field)s must be yes, maybe or no.") % {"field": field})
    low, high = InterestSurvey.COMFORT_MIN, InterestSurvey.COMFORT_MAX
    if isinstance(comfort, bool) or not isinstance(comfort, int) or not low <= comfort <= high:
        raise ValidationFailed(
            _("Comfort must be a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    chosen = _clean_list(list(topics), field="topics")
    unknown = [topic for topic in chosen if topic not in survey.topics]
    if unknown:
        raise ValidationFailed(_("Unknown topics: %(topics)s.") % {"topics": ", ".join(unknown)})
    # Serialise answers to one survey: the tallies are created once, counts never race.
    InterestSurvey.objects.select_for_update().filter(pk=survey.pk).first()
    if SurveyParticipation.objects.filter(survey=survey, user_id=_user_id(acting_user)).exists():
        raise Conflict(
            _("You have answered this survey already. Thank you!"),
            code=ErrorCode.SURVEY_ALREADY_ANSWERED,
        )
    try:
        with transaction.atomic():
            SurveyParticipation.objects.create(survey=survey, user_id=_user_id(acting_user))
    except IntegrityError:
        raise Conflict(
            _("You have answered this survey already. Thank you!"),
            code=ErrorCode.SURVEY_ALREADY_ANSWERED,
        ) from None
    chosen_options = [
        (SurveyQuestion.WOULD_MENTOR, would_mentor),
        (SurveyQuestion.WOULD_BE_MENTORED, would_be_mentored),
        (SurveyQuestion.COMFORT, str(comfort)),
        *((SurveyQuestion.TOPIC, topic) for topic in chosen),
    ]
    _survey_count(survey, chosen_options)


def _survey_tally_keys(survey: InterestSurvey) -> list[tuple[str, str]]:
    """Every (question, option) of a survey, in a fixed order that owes nothing to answers."""
    return [
        *((SurveyQuestion.WOULD_MENTOR, str(v)) for v in Willingness.values),
        *((SurveyQuestion.WOULD_BE_MENTORED, str(v)) for v in Willingness.values),
        *((SurveyQuestion.COMFORT, v) for v in COMFORT_OPTIONS),
        *((SurveyQuestion.TOPIC, str(t)) for t in survey.topics),
    ]


def _survey_count(survey: InterestSurvey, chosen: Sequence[tuple[str, str]]) -> None:
    """Add one answer to the tallies and to today's count, leaving no trace of its own.

    All tallies of the survey are written by one UPDATE (+1 for the chosen options, +0 for
    the rest), so every row gets a new version at once and in the table's own order.
    """
    if not SurveyTally.objects.filter(survey=survey).exists():
        SurveyTally.objects.bulk_create(
            [
                SurveyTally(survey=survey, question=question, option=option)
                for question, option in _survey_tally_keys(survey)
            ]
        )
    picked = Q(pk__in=[])
    for question, option in chosen:
        picked |= Q(question=question, option=option)
    SurveyTally.objects.filter(survey=survey).update(
        count=F("count") + Case(When(picked, then=Value(1)), default=Value(0))
    )
    day = timezone.localdate()
    daily, _created = SurveyDailyCount.objects.get_or_create(survey=survey, day=day)
    SurveyDailyCount.objects.filter(pk=daily.pk).update(count=F("count") + 1)
