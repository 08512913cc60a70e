"""The participant profile, described once, and eligibility (pure rules, no writes).

`Profile` is the only description of a profile: the API's request and response schemas
derive from it, the application form builds one from its cleaned data, the services check
and save one, and the pairing adapter reads one. Its fields take their limits and choices
from the models (`SKILL_NAME_MAX`, `Slot`, ...), so no rule is written twice.

Two levels of checks:
- the schema (types, limits, choices), which the API applies to the request body (an
  `invalid_input` answer) and `profile_parse` to a mapping (a `ValidationFailed` with the
  same wording as before);
- `Profile.check`, the rules that need the role, the person or the database (the skills
  catalogue, the resource groups one belongs to, the custom questions), run by the services.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic import ValidationError as SchemaError

from turnabout.common.errors import ValidationFailed
from turnabout.common.schemas import Text
from turnabout.enrollment import models as m
from turnabout.enrollment.models import (
    WORKING_STYLE,
    Communication,
    CustomQuestion,
    MeetingFormat,
    ParticipantRole,
    Priority,
    Slot,
)
from turnabout.people.models import Employee, Skill
from turnabout.programs.models import Program


def _unique(items: list[str]) -> list[str]:
    """Without empty items and without repeats (case-insensitive), in the given order."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _in_order_of(choices: type[Any]) -> Any:
    """Chosen values without repeats, in the order the choices list them."""

    def canonical(items: list[str]) -> list[str]:
        return [value for value in choices if value in items]

    return AfterValidator(canonical)


SkillName = Annotated[Text, Field(max_length=m.SKILL_NAME_MAX)]
ListItem = Annotated[Text, Field(max_length=m.LIST_ITEM_MAX)]
ErgName = Annotated[Text, Field(max_length=m.ERG_MAX)]
Goals = Annotated[Text, Field(max_length=m.GOALS_MAX)]
StyleKey = Annotated[Text, Field(max_length=m.WORKING_STYLE_KEY_MAX)]
QuestionId = Annotated[Text, Field(max_length=20)]
Answer = (
    int
    | Annotated[Text, Field(max_length=m.ANSWER_MAX)]
    | list[Annotated[Text, Field(max_length=m.OPTION_MAX)]]
)
EmployeeId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Items = Annotated[list[ListItem], AfterValidator(_unique)]


class Profile(Schema):
    """A participant profile; see docs/programs.md for what each field means.

    Every field has a default, so a partial profile (an API PATCH) is a `Profile` whose
    unset fields `model_dump(exclude_unset=True)` leaves out."""

    skills: dict[SkillName, int] = Field(
        default_factory=dict, description="Mentors: {skill from the catalogue: level 1-3}."
    )
    wants: dict[SkillName, Priority] = Field(
        default_factory=dict,
        description="Mentees: {topic from the catalogue: low | medium | high}.",
    )
    interests: Items = Field(default_factory=list, max_length=m.MAX_LIST)
    goals: Goals = ""
    communication: Annotated[list[Communication], _in_order_of(Communication)] = Field(
        default_factory=list, max_length=len(Communication)
    )
    formats: Annotated[list[MeetingFormat], _in_order_of(MeetingFormat)] = Field(
        default_factory=list, max_length=len(MeetingFormat)
    )
    availability: Annotated[list[Slot], _in_order_of(Slot)] = Field(
        default_factory=list, max_length=len(Slot)
    )
    languages: Items | None = Field(
        None, max_length=m.LANGUAGES_MAX, description="Default: the person's own languages."
    )
    ergs: Annotated[list[ErgName], AfterValidator(_unique)] = Field(
        default_factory=list,
        max_length=m.MAX_LIST,
        description="Opt-in: names of your own resource groups.",
    )
    avoid: list[EmployeeId] = Field(
        default_factory=list, max_length=m.AVOID_MAX, description="Employee ids."
    )
    capacity: int = Field(
        1, ge=m.CAPACITY_MIN, le=m.CAPACITY_MAX, description="Mentors: 1-3 mentees."
    )
    working_style: dict[StyleKey, StyleKey] = Field(default_factory=dict)
    answers: dict[QuestionId, Answer] = Field(
        default_factory=dict, description="Custom questions: {question id: answer}."
    )
    agreed_to_guidelines: bool = False

    #: The fields an `Application` stores as they are (`avoid` is a relation, the
    #: agreement a date).
    STORED: ClassVar[tuple[str, ...]] = ()  # set below the class

    @classmethod
    def of(cls, application: Any) -> Profile:
        """The stored profile of an application (not validated again)."""
        return cls.model_construct(
            **{name: getattr(application, name) for name in cls.STORED},
            avoid=[person.pk for person in application.avoid.all()],
            agreed_to_guidelines=True,
        )

    def stored(self) -> dict[str, Any]:
        """The values the `Application` model fields take."""
        return {name: getattr(self, name) for name in self.STORED}

    def check(self, *, role: str, person: Employee, questions: Sequence[CustomQuestion]) -> Profile:
        """The rules that need the role, the person or the database; returns the profile
        as it is stored (canonical skill names, the person's languages by default, ...)."""
        is_mentor = role == ParticipantRole.MENTOR
        if is_mentor:
            skills, wants = _check_skills(self.skills), {}
            if not skills:
                raise _fail(
                    _("Mentors: name at least one skill you can share, with your level."),
                    "skills",
                )
        else:
            skills, wants = {}, _catalogue_names(self.wants, field="wants")
            if not wants:
                raise _fail(_("Mentees: name at least one topic you want to learn about."), "wants")
        if not self.goals:
            raise _fail(
                _("Tell us your goals: what you want to teach.")
                if is_mentor
                else _("Tell us your goals: what you want to learn."),
                "goals",
            )
        if not self.formats:
            raise _fail(_("Choose at least one meeting format."), "formats")
        if not self.availability:
            raise _fail(
                _("Choose at least one half-day when you are usually free."), "availability"
            )
        own_groups = [group.name for group in person.resource_groups.all()]
        not_member = [name for name in self.ergs if name not in own_groups]
        if not_member:
            raise _fail(
                _("You can only share resource groups you belong to: %(names)s.")
                % {"names": ", ".join(not_member)},
                "ergs",
            )
        if not is_mentor and self.capacity != 1:
            raise _fail(_("A mentee has one mentor: capacity must be 1."), "capacity")
        checked = self.model_copy(
            update={
                "skills": dict(sorted(skills.items())),
                "wants": dict(sorted(wants.items())),
                "languages": list(person.languages if self.languages is None else self.languages),
                "avoid": _check_avoid(self.avoid, person=person),
                "working_style": _check_working_style(self.working_style),
                "answers": _check_answers(self.answers, questions=questions, role=role),
            }
        )
        if not self.agreed_to_guidelines:
            raise _fail(
                _("Please read and agree to the program's guidelines."), "agreed_to_guidelines"
            )
        return checked


Profile.STORED = tuple(
    name for name in Profile.model_fields if name not in ("avoid", "agreed_to_guidelines")
)


# --- A mapping (the form's data, a test's dict) through the schema ------------------------


def profile_parse(data: Profile | Mapping[str, Any], *, role: str | None = None) -> Profile:
    """`data` as a `Profile`, or `ValidationFailed` naming the field and what is wrong."""
    if isinstance(data, Profile):
        return data
    unknown = sorted(set(data) - set(Profile.model_fields))
    if unknown:
        raise ValidationFailed(
            _("Unknown profile fields: %(keys)s.") % {"keys": ", ".join(map(str, unknown))}
        )
    try:
        return Profile.model_validate(dict(data))
    except SchemaError as exc:
        error = exc.errors()[0]
        raise _schema_failure(error, role=role) from None


def _schema_failure(error: Any, *, role: str | None) -> ValidationFailed:
    """One schema error in the words the services have always used."""
    loc = [str(part) for part in error["loc"]]
    field, kind, ctx = loc[0], error["type"], error.get("ctx") or {}
    if field == "capacity":
        if role == ParticipantRole.MENTEE:
            return _fail(_("A mentee has one mentor: capacity must be 1."), field)
        if kind in ("int_type", "int_parsing", "int_from_float"):
            return _fail(_("Capacity must be a whole number."), field)
        return _fail(_("Mentors can take 1 to 3 mentees."), field)
    if field == "wants" and kind == "enum" and len(loc) > 1:
        return _fail(
            _("The priority of %(topic)s must be low, medium or high.") % {"topic": loc[1]},
            field,
        )
    if field == "skills" and len(loc) > 1 and kind.startswith("int"):
        return _fail(_("The level of %(skill)s must be 1, 2 or 3.") % {"skill": loc[1]}, field)
    if field == "avoid":
        if kind == "too_long":
            return _fail(_("Name at most %(n)d people to avoid.") % {"n": m.AVOID_MAX}, field)
        return _fail(_("avoid must be a list of employee ids."), field)
    if kind == "enum":
        return _fail(
            _("%(field)s: %(wrong)s is not one of %(allowed)s.")
            % {"field": field, "wrong": error["input"], "allowed": ctx.get("expected", "")},
            field,
        )
    if kind == "string_too_long":
        return _fail(
            _("%(field)s is too long (at most %(n)d characters).")
            % {"field": field, "n": ctx.get("max_length", 0)},
            field,
        )
    if kind == "too_long":
        return _fail(
            _("%(field)s: at most %(n)d entries.")
            % {"field": field, "n": ctx.get("max_length", 0)},
            field,
        )
    if kind == "string_type":
        return _fail(_("%(field)s must be text.") % {"field": field}, field)
    if kind in ("list_type", "dict_type"):
        return _fail(_("%(field)s has the wrong shape.") % {"field": field}, field)
    if kind == "value_error" and "NUL" in str(ctx.get("error", "")):
        return _fail(_("%(field)s must not contain NUL characters.") % {"field": field}, field)
    return _fail(f"{'.'.join(loc)}: {error['msg']}", field)


# --- The rules that need the database or the cohort ---------------------------------------


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


def _catalogue_names(value: Mapping[str, Any], *, field: str) -> dict[str, Any]:
    catalogue = {name.casefold(): name for name in Skill.objects.values_list("name", flat=True)}
    result: dict[str, Any] = {}
    for raw_name, item in value.items():
        canonical = catalogue.get(raw_name.casefold())
        if canonical is None:
            raise _fail(
                _("%(name)s is not in the skills catalogue.") % {"name": raw_name or "''"}, field
            )
        result[canonical] = item
    limit = m.MAX_SKILLS if field == "skills" else m.MAX_WANTS
    if len(result) > limit:
        raise _fail(_("%(field)s: at most %(n)d skills.") % {"field": field, "n": limit}, field)
    return result


def _check_skills(value: Mapping[str, int]) -> dict[str, int]:
    skills = _catalogue_names(value, field="skills")
    for name, level in skills.items():
        if not m.SKILL_LEVEL_MIN <= level <= m.SKILL_LEVEL_MAX:
            raise _fail(_("The level of %(skill)s must be 1, 2 or 3.") % {"skill": name}, "skills")
    return skills


def _check_avoid(avoid: Sequence[int], *, person: Employee) -> list[int]:
    avoid_ids = sorted(set(avoid) - {person.pk})
    found = set(Employee.objects.filter(pk__in=avoid_ids).values_list("pk", flat=True))
    if len(found) != len(avoid_ids):
        raise _fail(_("Some people to avoid do not exist."), "avoid")
    return avoid_ids


def _check_working_style(value: Mapping[str, str]) -> dict[str, str]:
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
    return dict(value)


def _check_answers(
    value: Mapping[str, Any], *, questions: Sequence[CustomQuestion], role: str
) -> dict[str, Any]:
    """Answers to the cohort's custom questions, keyed by question id (as text)."""
    asked = {str(q.pk): q for q in questions if q.applies_to(role)}
    unknown = [key for key in value if key not in asked]
    if unknown:
        raise _fail(_("No such question: %(ids)s.") % {"ids": ", ".join(unknown)[:200]}, "answers")
    result: dict[str, Any] = {}
    for key, question in asked.items():
        answer = value.get(key)
        if answer is None or answer == "" or answer == []:
            if question.required:
                raise _fail(
                    _("Please answer: %(question)s") % {"question": question.text}, "answers"
                )
            continue
        result[key] = _check_answer(question, answer)
    return result


def _check_answer(question: CustomQuestion, answer: Any) -> Any:
    kind = question.kind
    if kind == CustomQuestion.Kind.TEXT:
        if not isinstance(answer, str):
            raise _fail(_("%(field)s must be text.") % {"field": question.text}, "answers")
        return answer
    if kind == CustomQuestion.Kind.SINGLE:
        if answer not in question.options:
            raise _fail(
                _("%(question)s: choose one of %(options)s.")
                % {"question": question.text, "options": ", ".join(question.options)},
                "answers",
            )
        return answer
    if kind == CustomQuestion.Kind.MULTIPLE:
        items = _unique(answer if isinstance(answer, list) else [answer])
        wrong = [item for item in items if item not in question.options]
        if wrong:
            raise _fail(
                _("%(field)s: %(wrong)s is not one of %(allowed)s.")
                % {
                    "field": question.text,
                    "wrong": ", ".join(map(str, wrong)),
                    "allowed": ", ".join(question.options),
                },
                "answers",
            )
        return [option for option in question.options if option in items]  # canonical order
    if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= 5:
        raise _fail(
            _("%(question)s: answer with a number from 1 to 5.") % {"question": question.text},
            "answers",
        )
    return answer
