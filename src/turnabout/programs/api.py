"""Program, cohort and interest-survey endpoints. Same selectors and services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.schemas import ERRORS, Email, ErrorOut, Text
from turnabout.programs import permissions, selectors, services
from turnabout.programs.hooks import cohort_applications
from turnabout.programs.models import (
    TRANSITIONS,
    Cohort,
    Format,
    InterestSurvey,
    Objective,
    Phase,
    Program,
    Willingness,
)
from turnabout.programs.services import ObjectiveData

router = Router(tags=["programs"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}

# The API's types, each with the model's own limit (one rule, written on the model).
ProgramName = Annotated[Text, Field(max_length=Program.NAME_MAX)]
ProgramText = Annotated[Text, Field(max_length=Program.TEXT_MAX)]
Guidelines = Annotated[Text, Field(max_length=Program.GUIDELINES_MAX)]
TimeCommitment = Annotated[Text, Field(max_length=Program.TIME_COMMITMENT_MAX)]
ListItem = Annotated[Text, Field(max_length=Program.LIST_ITEM_MAX)]
MeetingEveryDays = Annotated[
    int, Field(ge=Program.MEETING_EVERY_DAYS_MIN, le=Program.MEETING_EVERY_DAYS_MAX)
]
SessionMinutes = Annotated[
    int, Field(ge=Program.SESSION_MINUTES_MIN, le=Program.SESSION_MINUTES_MAX)
]
DurationMonths = Annotated[
    int, Field(ge=Program.DURATION_MONTHS_MIN, le=Program.DURATION_MONTHS_MAX)
]
Level = Annotated[int, Field(ge=Program.LEVEL_MIN, le=Program.LEVEL_MAX)]
ObjectiveTitle = Annotated[Text, Field(max_length=Objective.TITLE_MAX)]
ObjectiveParameter = Annotated[Text, Field(max_length=Objective.PARAMETER_MAX)]
CohortName = Annotated[Text, Field(max_length=Cohort.NAME_MAX)]
PhaseNote = Annotated[Text, Field(max_length=Cohort.NOTE_MAX)]
SurveyTopic = Annotated[Text, Field(max_length=InterestSurvey.TOPIC_MAX)]


class ObjectiveIn(Schema):
    title: ObjectiveTitle
    metric: Objective.Metric
    parameter: ObjectiveParameter = ""
    comparison: Objective.Comparison = Objective.Comparison.AT_LEAST
    target: float = Field(
        ..., ge=-Objective.TARGET_LIMIT, le=Objective.TARGET_LIMIT, allow_inf_nan=False
    )
    unit: Objective.Unit

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

    guidelines: Guidelines = ""
    mentor_responsibilities: ProgramText = ""
    mentee_responsibilities: ProgramText = ""
    confidentiality: ProgramText = ""
    meeting_every_days: MeetingEveryDays = 14
    session_minutes: SessionMinutes = 60
    format: Format = Format.HYBRID
    duration_months: DurationMonths = 6
    time_commitment: TimeCommitment = ""
    mentor_max_level: Level | None = None
    mentee_min_level: Level | None = None
    departments: list[ListItem] = Field(default_factory=list, max_length=Program.LIST_MAX)
    locations: list[ListItem] = Field(default_factory=list, max_length=Program.LIST_MAX)
    matching_settings: dict[str, Any] = Field(default_factory=dict)
    welcome_mentor: ProgramText = ""
    welcome_mentee: ProgramText = ""


class ProgramIn(ProgramDesign):
    name: ProgramName
    purpose: ProgramText
    objectives: list[ObjectiveIn] = Field(default_factory=list, max_length=Program.OBJECTIVES_MAX)


class ProgramPatch(Schema):
    """Only the fields sent change. `objectives`, when sent, replaces the whole list."""

    name: ProgramName | None = None
    purpose: ProgramText | None = None
    guidelines: Guidelines | None = None
    mentor_responsibilities: ProgramText | None = None
    mentee_responsibilities: ProgramText | None = None
    confidentiality: ProgramText | None = None
    meeting_every_days: MeetingEveryDays | None = None
    session_minutes: SessionMinutes | None = None
    format: Format | None = None
    duration_months: DurationMonths | None = None
    time_commitment: TimeCommitment | None = None
    mentor_max_level: Level | None = None
    mentee_min_level: Level | None = None
    departments: list[ListItem] | None = Field(None, max_length=Program.LIST_MAX)
    locations: list[ListItem] | None = Field(None, max_length=Program.LIST_MAX)
    matching_settings: dict[str, Any] | None = None
    welcome_mentor: ProgramText | None = None
    welcome_mentee: ProgramText | None = None
    objectives: list[ObjectiveIn] | None = Field(None, max_length=Program.OBJECTIVES_MAX)


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
    name: CohortName
    starts_on: date
    ends_on: date
    applications_open_on: date | None = None
    applications_close_on: date | None = None


class CohortPatch(Schema):
    name: CohortName | None = None
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
    """For viewers who cannot see the applications (sponsors) the privacy floor applies:
    `floored` is true and a hidden figure is null."""

    mentors: int | None
    mentees: int | None
    accepted_mentors: int | None
    accepted_mentees: int | None
    mentor_capacity: int | None
    by_role_status: dict[str, dict[str, int | None]]
    floored: bool


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
    to: Phase
    note: PhaseNote = ""


class SurveyTallyOut(Schema):
    """`count` and `percent` are null when the privacy floor hides the option."""

    label: str
    count: int | None
    percent: float | None
    hidden: bool


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
    would_mentor: Willingness
    would_be_mentored: Willingness
    comfort: Annotated[int, Field(ge=InterestSurvey.COMFORT_MIN, le=InterestSurvey.COMFORT_MAX)]
    topics: list[SurveyTopic] = Field(default_factory=list, max_length=InterestSurvey.TOPICS_MAX)


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
    email: Email


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
