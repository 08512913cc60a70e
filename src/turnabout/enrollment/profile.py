"""Eligibility and the validation of a participant profile (pure rules, no writes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from turnabout.common.errors import ValidationFailed
from turnabout.enrollment import models as m
from turnabout.enrollment.models import (
    MAX_LIST,
    MAX_SKILLS,
    MAX_WANTS,
    SLOTS,
    WORKING_STYLE,
    Communication,
    CustomQuestion,
    MeetingFormat,
    ParticipantRole,
    Priority,
)
from turnabout.people.models import Employee, Skill
from turnabout.programs.models import Program

# The keys of a profile, as accepted by `application_create` and `application_update`.
PROFILE_FIELDS: tuple[str, ...] = (
    "skills",
    "wants",
    "interests",
    "goals",
    "communication",
    "formats",
    "availability",
    "languages",
    "ergs",
    "avoid",
    "capacity",
    "working_style",
    "answers",
    "agreed_to_guidelines",
)


def eligibility_problem(program: Program, person: Employee, role: str) -> str | None:
    """Why `person` cannot join `program` as `role`, or None when they can."""
    if person.status != Employee.Status.ACTIVE:
        return _("Only active employees can take part.")
    if role == ParticipantRole.MENTOR:
        if program.mentor_max_level is not None and person.level > program.mentor_max_level:
            return _(
                "Mentors in %(program)s are at level %(max)d or below; you are at level "
                "%(level)d. You could apply as a mentee instead."
            ) % {"program": program.name, "max": program.mentor_max_level, "level": person.level}
    elif role == ParticipantRole.MENTEE:
        if program.mentee_min_level is not None and person.level < program.mentee_min_level:
            return _(
                "Mentees in %(program)s are at level %(min)d or above; you are at level "
                "%(level)d. You could apply as a mentor instead."
            ) % {"program": program.name, "min": program.mentee_min_level, "level": person.level}
    else:
        return _("The role must be mentor or mentee.")
    if program.departments and person.department not in program.departments:
        return _("%(program)s is open to these departments only: %(list)s.") % {
            "program": program.name,
            "list": ", ".join(program.departments),
        }
    if program.locations and person.location not in program.locations:
        return _("%(program)s is open to these locations only: %(list)s.") % {
            "program": program.name,
            "list": ", ".join(program.locations),
        }
    return None


def _fail(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, details={"field": field})


def _text(value: Any, *, field: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise _fail(_("%(field)s must be text.") % {"field": field}, field)
    if "\x00" in value:
        raise _fail(_("%(field)s must not contain NUL characters.") % {"field": field}, field)
    text: str = value.strip()
    if len(text) > max_length:
        raise _fail(
            _("%(field)s is too long (at most %(n)d characters).")
            % {"field": field, "n": max_length},
            field,
        )
    return text


def _strings(
    value: Any, *, field: str, max_items: int = MAX_LIST, max_length: int = m.LIST_ITEM_MAX
) -> list[str]:
    if not isinstance(value, list | tuple):
        raise _fail(_("%(field)s must be a list.") % {"field": field}, field)
    items: list[str] = []
    for item in value:
        text = _text(item, field=field, max_length=max_length)
        if text and text.casefold() not in {i.casefold() for i in items}:
            items.append(text)
    if len(items) > max_items:
        raise _fail(
            _("%(field)s: at most %(n)d entries.") % {"field": field, "n": max_items}, field
        )
    return items


def _choices(value: Any, *, field: str, allowed: Sequence[str]) -> list[str]:
    items = _strings(value, field=field, max_items=len(allowed))
    wrong = [item for item in items if item not in allowed]
    if wrong:
        raise _fail(
            _("%(field)s: %(wrong)s is not one of %(allowed)s.")
            % {"field": field, "wrong": ", ".join(wrong), "allowed": ", ".join(allowed)},
            field,
        )
    return [item for item in allowed if item in items]  # canonical order


def _catalogue_names(value: Any, *, field: str, max_items: int) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(_("%(field)s must map a skill to a value.") % {"field": field}, field)
    if len(value) > max_items:
        raise _fail(_("%(field)s: at most %(n)d skills.") % {"field": field, "n": max_items}, field)
    names = [_text(key, field=field, max_length=m.SKILL_NAME_MAX) for key in value]
    catalogue = {name.casefold(): name for name in Skill.objects.values_list("name", flat=True)}
    result: dict[str, Any] = {}
    for key, raw_name in zip(value, names, strict=True):
        canonical = catalogue.get(raw_name.casefold())
        if canonical is None:
            raise _fail(
                _("%(name)s is not in the skills catalogue.") % {"name": raw_name or "''"}, field
            )
        result[canonical] = value[key]
    return result


def clean_skills(value: Any) -> dict[str, int]:
    skills = _catalogue_names(value, field="skills", max_items=MAX_SKILLS)
    for name, level in skills.items():
        if (
            isinstance(level, bool)
            or not isinstance(level, int)
            or not m.SKILL_LEVEL_MIN <= level <= m.SKILL_LEVEL_MAX
        ):
            raise _fail(_("The level of %(skill)s must be 1, 2 or 3.") % {"skill": name}, "skills")
    return dict(sorted(skills.items()))


def clean_wants(value: Any) -> dict[str, str]:
    wants = _catalogue_names(value, field="wants", max_items=MAX_WANTS)
    for name, priority in wants.items():
        if priority not in Priority.values:
            raise _fail(
                _("The priority of %(topic)s must be low, medium or high.") % {"topic": name},
                "wants",
            )
    return dict(sorted(wants.items()))


def clean_working_style(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _fail(_("working_style must map a question to an answer."), "working_style")
    result: dict[str, str] = {}
    for key, answer in value.items():
        if key not in WORKING_STYLE:
            raise _fail(
                _("Unknown working-style question %(key)s (questions: %(all)s).")
                % {"key": key, "all": ", ".join(WORKING_STYLE)},
                "working_style",
            )
        options = [option for option, _label in WORKING_STYLE[key][1]]
        if answer not in options:
            raise _fail(
                _("working_style.%(key)s must be one of %(options)s.")
                % {"key": key, "options": ", ".join(options)},
                "working_style",
            )
        result[str(key)] = str(answer)
    return result


def clean_answers(value: Any, *, questions: Sequence[CustomQuestion], role: str) -> dict[str, Any]:
    """Answers to the cohort's custom questions, keyed by question id (as text)."""
    if not isinstance(value, Mapping):
        raise _fail(_("answers must map a question id to an answer."), "answers")
    asked = {str(q.pk): q for q in questions if q.applies_to(role)}
    unknown = [str(key) for key in value if str(key) not in asked]
    if unknown:
        raise _fail(_("No such question: %(ids)s.") % {"ids": ", ".join(unknown)[:200]}, "answers")
    result: dict[str, Any] = {}
    for key, question in asked.items():
        answer = value.get(key, value.get(int(key)) if key.isdigit() else None)
        empty = answer is None or answer == "" or answer == []
        if empty:
            if question.required:
                raise _fail(
                    _("Please answer: %(question)s") % {"question": question.text}, "answers"
                )
            continue
        kind = question.kind
        if kind == CustomQuestion.Kind.TEXT:
            result[key] = _text(answer, field=question.text, max_length=m.ANSWER_MAX)
        elif kind == CustomQuestion.Kind.SINGLE:
            if answer not in question.options:
                raise _fail(
                    _("%(question)s: choose one of %(options)s.")
                    % {"question": question.text, "options": ", ".join(question.options)},
                    "answers",
                )
            result[key] = answer
        elif kind == CustomQuestion.Kind.MULTIPLE:
            result[key] = _choices(answer, field=question.text, allowed=question.options)
        else:
            if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= 5:
                raise _fail(
                    _("%(question)s: answer with a number from 1 to 5.")
                    % {"question": question.text},
                    "answers",
                )
            result[key] = answer
    return result


def clean_profile(
    data: Mapping[str, Any],
    *,
    role: str,
    person: Employee,
    questions: Sequence[CustomQuestion],
) -> dict[str, Any]:
    """Validate a whole profile for `role`; returns model field values (and `avoid` ids)."""
    unknown = sorted(set(data) - set(PROFILE_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown profile fields: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    is_mentor = role == ParticipantRole.MENTOR
    cleaned: dict[str, Any] = {}
    if is_mentor:
        cleaned["skills"] = clean_skills(data.get("skills", {}))
        if not cleaned["skills"]:
            raise _fail(
                _("Mentors: name at least one skill you can share, with your level."), "skills"
            )
        cleaned["wants"] = {}
    else:
        cleaned["wants"] = clean_wants(data.get("wants", {}))
        if not cleaned["wants"]:
            raise _fail(_("Mentees: name at least one topic you want to learn about."), "wants")
        cleaned["skills"] = {}
    cleaned["interests"] = _strings(data.get("interests", []), field="interests")
    cleaned["goals"] = _text(data.get("goals", ""), field="goals", max_length=m.GOALS_MAX)
    if not cleaned["goals"]:
        raise _fail(
            _("Tell us your goals: what you want to teach.")
            if is_mentor
            else _("Tell us your goals: what you want to learn."),
            "goals",
        )
    cleaned["communication"] = _choices(
        data.get("communication", []), field="communication", allowed=Communication.values
    )
    cleaned["formats"] = _choices(
        data.get("formats", []), field="formats", allowed=MeetingFormat.values
    )
    if not cleaned["formats"]:
        raise _fail(_("Choose at least one meeting format."), "formats")
    cleaned["availability"] = _choices(
        data.get("availability", []), field="availability", allowed=SLOTS
    )
    if not cleaned["availability"]:
        raise _fail(_("Choose at least one half-day when you are usually free."), "availability")
    cleaned["languages"] = _strings(
        data.get("languages", list(person.languages)), field="languages", max_items=10
    )
    own_groups = [group.name for group in person.resource_groups.all()]
    ergs = _strings(data.get("ergs", []), field="ergs")
    not_member = [name for name in ergs if name not in own_groups]
    if not_member:
        raise _fail(
            _("You can only share resource groups you belong to: %(names)s.")
            % {"names": ", ".join(not_member)},
            "ergs",
        )
    cleaned["ergs"] = ergs
    avoid = data.get("avoid", [])
    if not isinstance(avoid, list | tuple) or not all(
        isinstance(pk, int) and not isinstance(pk, bool) for pk in avoid
    ):
        raise _fail(_("avoid must be a list of employee ids."), "avoid")
    avoid_ids = sorted(set(avoid) - {person.pk})
    if len(avoid_ids) > m.AVOID_MAX:
        raise _fail(_("Name at most %(n)d people to avoid.") % {"n": m.AVOID_MAX}, "avoid")
    found = set(Employee.objects.filter(pk__in=avoid_ids).values_list("pk", flat=True))
    if len(found) != len(avoid_ids):
        raise _fail(_("Some people to avoid do not exist."), "avoid")
    cleaned["avoid"] = avoid_ids
    capacity = data.get("capacity", 1)
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise _fail(_("Capacity must be a whole number."), "capacity")
    if is_mentor and not m.CAPACITY_MIN <= capacity <= m.CAPACITY_MAX:
        raise _fail(_("Mentors can take 1 to 3 mentees."), "capacity")
    if not is_mentor and capacity != 1:
        raise _fail(_("A mentee has one mentor: capacity must be 1."), "capacity")
    cleaned["capacity"] = capacity
    cleaned["working_style"] = clean_working_style(data.get("working_style", {}))
    cleaned["answers"] = clean_answers(data.get("answers", {}), questions=questions, role=role)
    if data.get("agreed_to_guidelines") is not True:
        raise _fail(_("Please read and agree to the program's guidelines."), "agreed_to_guidelines")
    return cleaned


def profile_of(application: Any) -> dict[str, Any]:
    """The stored profile of an application, in the shape `clean_profile` accepts."""
    return {
        "skills": dict(application.skills),
        "wants": dict(application.wants),
        "interests": list(application.interests),
        "goals": application.goals,
        "communication": list(application.communication),
        "formats": list(application.formats),
        "availability": list(application.availability),
        "languages": list(application.languages),
        "ergs": list(application.ergs),
        "avoid": [person.pk for person in application.avoid.all()],
        "capacity": application.capacity,
        "working_style": dict(application.working_style),
        "answers": dict(application.answers),
        "agreed_to_guidelines": True,
    }
