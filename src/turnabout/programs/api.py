"""Program, cohort and interest-survey endpoints. Same selectors and services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.schemas import ERRORS, ErrorOut, text
from turnabout.programs import permissions, selectors, services
from turnabout.programs.hooks import cohort_applications
from turnabout.programs.models import TRANSITIONS, Cohort, Objective, Program
from turnabout.programs.services import ObjectiveData

router = Router(tags=["programs"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}

PhaseName = Literal[
    "draft",
    "interest_survey",
    "applications_open",
    "applications_closed",
    "matching",
    "matched",
    "active",
    "wrapping_up",
    "closed",
]
MetricName = Literal[
    "pairs_meeting_min_sessions",
    "mentee_self_rating_change",
    "mentor_self_rating_change",
    "mentor_retention",
    "pair_completion",
    "satisfaction",
    "applications",
    "custom",
]
FormatName = Literal["in_person", "video", "hybrid"]
Level = Field(None, ge=1, le=99)


class ObjectiveIn(Schema):
    title: text(200)  # type: ignore[valid-type]
    metric: MetricName
    parameter: text(120) = ""  # type: ignore[valid-type]
    comparison: Literal["at_least", "at_most"] = "at_least"
    target: float = Field(..., ge=-9_999_999, le=9_999_999, allow_inf_nan=False)
    unit: Literal["percent", "points", "count", "months"]

    def data(self) -> ObjectiveData:
        return ObjectiveData(**self.model_dump())


class ObjectiveOut(Schema):
    id: int
    title: str
    metric: str
    parameter: str
    comparison: str
    target: float
    unit: str
    label: str

    @staticmethod
    def resolve_label(obj: Objective) -> str:
        return obj.target_label


class ProgramDesign(Schema):
    """The optional parts of a program's design (defaults as documented)."""

    guidelines: text(10000) = ""  # type: ignore[valid-type]
    mentor_responsibilities: text(5000) = ""  # type: ignore[valid-type]
    mentee_responsibilities: text(5000) = ""  # type: ignore[valid-type]
    confidentiality: text(5000) = ""  # type: ignore[valid-type]
    meeting_every_days: int = Field(14, ge=1, le=365)
    session_minutes: int = Field(60, ge=5, le=600)
    format: FormatName = "hybrid"
    duration_months: int = Field(6, ge=1, le=60)
    time_commitment: text(200) = ""  # type: ignore[valid-type]
    mentor_max_level: int | None = Level
    mentee_min_level: int | None = Level
    departments: list[text(120)] = Field(default_factory=list, max_length=50)  # type: ignore[valid-type]
    locations: list[text(120)] = Field(default_factory=list, max_length=50)  # type: ignore[valid-type]
    matching_settings: dict[str, Any] = Field(default_factory=dict)
    welcome_mentor: text(5000) = ""  # type: ignore[valid-type]
    welcome_mentee: text(5000) = ""  # type: ignore[valid-type]


class ProgramIn(ProgramDesign):
    name: text(200)  # type: ignore[valid-type]
    purpose: text(5000)  # type: ignore[valid-type]
    objectives: list[ObjectiveIn] = Field(default_factory=list, max_length=30)


class ProgramPatch(Schema):
    """Only the fields sent change. `objectives`, when sent, replaces the whole list."""

    name: text(200) | None = None  # type: ignore[valid-type]
    purpose: text(5000) | None = None  # type: ignore[valid-type]
    guidelines: text(10000) | None = None  # type: ignore[valid-type]
    mentor_responsibilities: text(5000) | None = None  # type: ignore[valid-type]
    mentee_responsibilities: text(5000) | None = None  # type: ignore[valid-type]
    confidentiality: text(5000) | None = None  # type: ignore[valid-type]
    meeting_every_days: int | None = Field(None, ge=1, le=365)
    session_minutes: int | None = Field(None, ge=5, le=600)
    format: FormatName | None = None
    duration_months: int | None = Field(None, ge=1, le=60)
    time_commitment: text(200) | None = None  # type: ignore[valid-type]
    mentor_max_level: int | None = Level
    mentee_min_level: int | None = Level
    departments: list[text(120)] | None = Field(None, max_length=50)  # type: ignore[valid-type]
    locations: list[text(120)] | None = Field(None, max_length=50)  # type: ignore[valid-type]
    matching_settings: dict[str, Any] | None = None
    welcome_mentor: text(5000) | None = None  # type: ignore[valid-type]
    welcome_mentee: text(5000) | None = None  # type: ignore[valid-type]
    objectives: list[ObjectiveIn] | None = Field(None, max_length=30)


class ProgramOut(Schema):
    id: int
    name: str
    purpose: str
    guidelines: str
    mentor_responsibilities: str
    mentee_responsibilities: str
    confidentiality: str
    meeting_every_days: int
    session_minutes: int
    format: str
    duration_months: int
    time_commitment: str
    mentor_max_level: int | None
    mentee_min_level: int | None
    departments: list[str]
    locations: list[str]
    matching_settings: dict[str, Any]
    welcome_mentor: str
    welcome_mentee: str
    objectives: list[ObjectiveOut]
    managers: list[str]

    @staticmethod
    def resolve_objectives(obj: Program) -> list[Objective]:
        return list(obj.objectives.all())

    @staticmethod
    def resolve_managers(obj: Program) -> list[str]:
        return sorted(user.get_username() for user in obj.managers.all())


class CohortIn(Schema):
    name: text(120)  # type: ignore[valid-type]
    starts_on: date
    ends_on: date
    applications_open_on: date | None = None
    applications_close_on: date | None = None


class CohortPatch(Schema):
    name: text(120) | None = None  # type: ignore[valid-type]
    starts_on: date | None = None
    ends_on: date | None = None
    applications_open_on: date | None = None
    applications_close_on: date | None = None


class CohortOut(Schema):
    id: int
    program_id: int
    program_name: str
    name: str
    phase: str
    next_phases: list[str]
    starts_on: date
    ends_on: date
    applications_open_on: date | None
    applications_close_on: date | None

    @staticmethod
    def resolve_program_name(obj: Cohort) -> str:
        return obj.program.name

    @staticmethod
    def resolve_next_phases(obj: Cohort) -> list[str]:
        return list(TRANSITIONS[obj.phase])


class PhaseChangeOut(Schema):
    from_phase: str
    to_phase: str
    actor: str
    at: datetime
    note: str

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor_label)


class CohortCountsOut(Schema):
    mentors: int
    mentees: int
    accepted_mentors: int
    accepted_mentees: int
    mentor_capacity: int
    by_role_status: dict[str, dict[str, int]]


class CustomQuestionOut(Schema):
    id: int
    text: str
    kind: str
    options: list[str]
    required: bool
    for_role: str


class CohortDetailOut(CohortOut):
    phase_history: list[PhaseChangeOut]
    questions: list[CustomQuestionOut]
    counts: CohortCountsOut | None = None

    @staticmethod
    def resolve_questions(obj: Any) -> list[Any]:
        return list(obj.questions_list)


class PhaseIn(Schema):
    to: PhaseName
    note: text(2000) = ""  # type: ignore[valid-type]


class SurveyTallyOut(Schema):
    label: str
    count: int
    percent: float


class SurveyResultsOut(Schema):
    intro: str
    topics: list[str]
    is_open: bool
    responses: int
    minimum: int
    shown: bool
    would_mentor: list[SurveyTallyOut]
    would_be_mentored: list[SurveyTallyOut]
    comfort: list[SurveyTallyOut]
    topic_interest: list[SurveyTallyOut]
    comfort_average: float | None


class SurveyAnswerIn(Schema):
    would_mentor: Literal["yes", "maybe", "no"]
    would_be_mentored: Literal["yes", "maybe", "no"]
    comfort: int = Field(..., ge=1, le=5)
    topics: list[text(120)] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]


class SurveyThanksOut(Schema):
    message: str


class ManagerOut(Schema):
    user_id: int
    email: str
    name: str

    @staticmethod
    def resolve_user_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.email or obj.get_username())

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class ManagerIn(Schema):
    email: text(254)  # type: ignore[valid-type]


def _cohort_detail(request: HttpRequest, cohort: Cohort) -> Cohort:
    """The cohort with its history, questions and (for managers and sponsors) counts."""
    applications = cohort_applications()
    counts = None
    if permissions.can_view_program_aggregates(request.user, cohort.program):
        counts = applications.counts(user=request.user, cohort=cohort)
    cohort.phase_history = list(selectors.phase_history(cohort=cohort))  # type: ignore[attr-defined]
    cohort.questions_list = applications.questions(cohort=cohort)  # type: ignore[attr-defined]
    cohort.counts = counts  # type: ignore[attr-defined]
    return cohort


@router.get("/programs", response={200: list[ProgramOut], **ERRS}, summary="List programs")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_programs(request: HttpRequest) -> object:
    """Programs you manage (all for org admins and sponsors), and published ones."""
    return selectors.program_list_readable(user=request.user)


@router.post("/programs", response={201: ProgramOut, **ERRS}, summary="Create a program")
def create_program(request: HttpRequest, payload: ProgramIn) -> Status[ProgramOut]:
    """Program managers and org admins; the creator becomes a manager of the program."""
    data = payload.model_dump(exclude={"objectives"})
    program = services.program_create(
        data=data,
        objectives=[objective.data() for objective in payload.objectives],
        acting_user=request.user,
    )
    program = selectors.program_get(user=request.user, program_id=program.pk)
    return Status(201, ProgramOut.from_orm(program))


@router.get("/programs/{program_id}", response={200: ProgramOut, **ERRS}, summary="One program")
def get_program(request: HttpRequest, program_id: int) -> Program:
    return selectors.program_get(user=request.user, program_id=program_id)


@router.patch(
    "/programs/{program_id}", response={200: ProgramOut, **ERRS}, summary="Change a program"
)
def update_program(request: HttpRequest, program_id: int, payload: ProgramPatch) -> Program:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_id)
    data = payload.model_dump(exclude_unset=True, exclude={"objectives"})
    services.program_update(program, data=data, acting_user=request.user)
    if payload.objectives is not None:
        services.program_set_objectives(
            program, objectives=[o.data() for o in payload.objectives], acting_user=request.user
        )
    return selectors.program_get(user=request.user, program_id=program.pk)


@router.get(
    "/programs/{program_id}/managers",
    response={200: list[ManagerOut], **ERRS},
    summary="A program's managers",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_managers(request: HttpRequest, program_id: int) -> object:
    """The program's managers: for its managers, org admins and sponsors."""
    program = selectors.program_get(user=request.user, program_id=program_id)
    return selectors.program_managers(user=request.user, program=program)


@router.post(
    "/programs/{program_id}/managers",
    response={201: ManagerOut, **ERRS},
    summary="Add a manager to a program",
)
def add_manager(request: HttpRequest, program_id: int, payload: ManagerIn) -> Status[ManagerOut]:
    """By the program's managers and org admins. The account (found by its email) must be a
    program manager or an org admin: 422 for an unknown email or another role, 409 when it
    manages the program already."""
    program = selectors.program_get_for_manager(user=request.user, program_id=program_id)
    account = selectors.manager_account_by_email(email=payload.email)
    services.program_manager_add(program, user=account, acting_user=request.user)
    return Status(201, ManagerOut.from_orm(account))


@router.delete(
    "/programs/{program_id}/managers/{user_id}",
    response={204: None, **ERRS},
    summary="Remove a manager from a program",
)
def remove_manager(request: HttpRequest, program_id: int, user_id: int) -> Status[None]:
    """By the program's managers and org admins; 404 when the person does not manage the
    program, 409 for its last manager."""
    program = selectors.program_get_for_manager(user=request.user, program_id=program_id)
    manager = selectors.program_manager_get(program=program, user_id=user_id)
    services.program_manager_remove(program, user=manager, acting_user=request.user)
    return Status(204, None)


@router.get(
    "/programs/{program_id}/cohorts",
    response={200: list[CohortOut], **ERRS},
    summary="A program's cohorts",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_cohorts(request: HttpRequest, program_id: int) -> object:
    program = selectors.program_get(user=request.user, program_id=program_id)
    return selectors.cohorts_of_program(user=request.user, program=program)


@router.post(
    "/programs/{program_id}/cohorts",
    response={201: CohortOut, **ERRS},
    summary="Add a cohort (in the draft phase)",
)
def create_cohort(request: HttpRequest, program_id: int, payload: CohortIn) -> Status[CohortOut]:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_id)
    cohort = services.cohort_create(program, acting_user=request.user, **payload.model_dump())
    return Status(201, CohortOut.from_orm(cohort))


@router.get(
    "/cohorts/{cohort_id}",
    response={200: CohortDetailOut, **ERRS},
    summary="One cohort, with its phase history",
)
def get_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    return _cohort_detail(request, cohort)


@router.patch(
    "/cohorts/{cohort_id}", response={200: CohortDetailOut, **ERRS}, summary="Change a cohort"
)
def update_cohort(request: HttpRequest, cohort_id: int, payload: CohortPatch) -> Cohort:
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_id)
    services.cohort_update(
        cohort, data=payload.model_dump(exclude_unset=True), acting_user=request.user
    )
    return _cohort_detail(request, cohort)


@router.post(
    "/cohorts/{cohort_id}/phase",
    response={200: CohortDetailOut, **ERRS},
    summary="Move a cohort to another phase",
)
def change_phase(request: HttpRequest, cohort_id: int, payload: PhaseIn) -> Cohort:
    """Allowed moves: each phase to the next; draft straight to applications open (no
    survey); applications closed back to applications open (reopen). Others get a 422
    naming both phases and the allowed next phases."""
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_id)
    services.cohort_change_phase(
        cohort, to_phase=payload.to, note=payload.note, acting_user=request.user
    )
    return _cohort_detail(request, cohort)


@router.get(
    "/cohorts/{cohort_id}/survey",
    response={200: SurveyResultsOut, **ERRS},
    summary="Interest survey results (counts only, at least 5 answers)",
)
def get_survey(request: HttpRequest, cohort_id: int) -> dict[str, Any]:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    survey = selectors.survey_of(cohort=cohort)
    results = selectors.survey_results(user=request.user, survey=survey)
    return {
        "intro": survey.intro,
        "topics": survey.topics,
        "is_open": survey.is_open,
        "responses": results.responses,
        "minimum": results.minimum,
        "shown": results.shown,
        "would_mentor": results.would_mentor,
        "would_be_mentored": results.would_be_mentored,
        "comfort": results.comfort,
        "topic_interest": results.topics,
        "comfort_average": results.comfort_average,
    }


@router.post(
    "/cohorts/{cohort_id}/survey/responses",
    response={201: SurveyThanksOut, **ERRS},
    summary="Answer the interest survey (anonymously, once)",
)
def answer_survey(
    request: HttpRequest, cohort_id: int, payload: SurveyAnswerIn
) -> Status[SurveyThanksOut]:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    survey = selectors.survey_of(cohort=cohort)
    services.survey_respond(survey, acting_user=request.user, **payload.model_dump())
    return Status(201, SurveyThanksOut(message="Thank you! Your answer was recorded anonymously."))
