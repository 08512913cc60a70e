"""Survey endpoints: managers build, open, close and read results; participants answer.

Same rules as the pages: the selectors scope every read (404 for what one may not see),
the services decide every write, and results pass the privacy floor (an anonymous or
confidential survey with fewer answers than the floor answers 409
`survey_results_below_floor` with no figure in it).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponseBase
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.errors import Conflict, ErrorCode
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.feedback import exports, selectors, services
from turnabout.feedback.models import Question, Survey
from turnabout.feedback.tasks import privacy_sentence

router = Router(tags=["surveys"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
TemplateName = Literal["custom", "pairing_fit", "pulse", "midpoint", "final", "self_assessment"]
ModeName = Literal["anonymous", "confidential", "pair"]
AudienceName = Literal["both", "mentors", "mentees"]
TriggerName = Literal[
    "manual",
    "first_session",
    "phase_active",
    "phase_wrapping_up",
    "pre_post",
    "weeks_after_start",
    "recurring",
]
KindName = Literal[
    "likert", "rating", "nps", "single", "multiple", "short_text", "long_text", "skill_grid"
]
_Label = Annotated[Text, Field(max_length=Question.OPTION_MAX)]
_LongText = Annotated[Text, Field(max_length=Question.LONG_TEXT_MAX)]
Answer = int | _LongText | list[_Label] | dict[_Label, int]


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    help_text: str
    required: bool
    options: list[str]
    key: str


class SurveyOut(Schema):
    id: int
    cohort_id: int
    template: str
    title: str
    intro: str
    mode: str
    audience: str
    status: str
    trigger: str
    weeks: int
    respond_within_days: int
    closes_on: date | None
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: Survey) -> list[Question]:
        return selectors.questions_of(obj)


class SurveyCreateIn(Schema):
    cohort_id: Id
    template: TemplateName = "custom"
    title: Annotated[Text, Field(max_length=Survey.TITLE_MAX)] = ""


class SurveyPatch(Schema):
    title: Annotated[Text, Field(max_length=Survey.TITLE_MAX)] | None = None
    intro: Annotated[Text, Field(max_length=Survey.INTRO_MAX)] | None = None
    mode: ModeName | None = None
    audience: AudienceName | None = None
    trigger: TriggerName | None = None
    weeks: int | None = Field(None, ge=1, le=Survey.WEEKS_MAX)
    respond_within_days: int | None = Field(None, ge=1, le=Survey.RESPOND_WITHIN_MAX)
    closes_on: date | None = None


class QuestionIn(Schema):
    kind: KindName
    text: Annotated[Text, Field(max_length=Question.TEXT_MAX)]
    help_text: Annotated[Text, Field(max_length=Question.HELP_MAX)] = ""
    required: bool = True
    options: list[Annotated[Text, Field(max_length=Question.OPTION_MAX)]] = Field(
        default_factory=list, max_length=Question.OPTIONS_MAX
    )


class OpenSurveyOut(Schema):
    invitation_id: int
    survey_id: int
    title: str
    mode: str
    due_on: date
    partner: str
    has_draft: bool
    url: str


class AnswerIn(Schema):
    answers: dict[Annotated[Text, Field(max_length=20)], Answer] = Field(
        default_factory=dict, max_length=200
    )
    submit: bool = True


class SavedOut(Schema):
    submitted: bool
    flagged: bool


class FormOut(Schema):
    invitation_id: int
    survey: SurveyOut
    privacy: str
    answers: dict[str, Any]


class BarOut(Schema):
    label: str
    count: int
    share: float


class IntervalOut(Schema):
    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


class NpsOut(Schema):
    n: int
    promoters: int
    passives: int
    detractors: int
    score: float | None


class GroupOut(Schema):
    label: str
    count: int | None
    value: float | None


class TopicOut(Schema):
    topic: str
    mean: IntervalOut


class QuestionResultOut(Schema):
    question_id: int
    text: str
    kind: str
    n: int | None
    hidden: bool
    bars: list[BarOut]
    interval: IntervalOut | None
    nps: NpsOut | None
    grid: list[TopicOut]
    by_role: list[GroupOut]
    texts: list[str]


class ChangeOut(Schema):
    topic: str
    n: int | None
    mean: float | None
    low: float | None
    high: float | None
    hidden: bool


class RateOut(Schema):
    role: str
    answered: int | None
    invited: int


class ResultsOut(Schema):
    survey_id: int
    floor: int
    invited: int
    answered: int
    rate_by_role: list[RateOut]
    questions: list[QuestionResultOut]
    changes: list[ChangeOut]


# --- Managers ---------------------------------------------------------------------------


@router.get("/surveys", response={200: list[SurveyOut], **ERRS})
@paginate(BoundedPageNumberPagination, page_size=20)
def survey_list(request: HttpRequest, cohort_id: int | None = None) -> Any:
    """Surveys of the programs the caller manages, newest first (optionally of one cohort)."""
    found = selectors.surveys_manageable(request.user).prefetch_related("questions")
    if cohort_id is not None:  # out of the id range: no such cohort (never a 500)
        found = found.filter(cohort_id=cohort_id) if 0 < cohort_id < 2**31 else found.none()
    return found.order_by("-created_at", "-pk")


@router.post("/surveys", response={201: SurveyOut, **ERRS})
def survey_create(request: HttpRequest, payload: SurveyCreateIn) -> Any:
    """A draft survey from a template (`custom`: empty)."""
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=payload.cohort_id)
    survey = services.survey_create(
        cohort, template=payload.template, title=payload.title, acting_user=request.user
    )
    return Status(201, survey)


@router.get("/surveys/{survey_id}", response={200: SurveyOut, **ERRS})
def survey_get(request: HttpRequest, survey_id: Id) -> Survey:
    return selectors.survey_get(user=request.user, survey_id=survey_id)


@router.patch("/surveys/{survey_id}", response={200: SurveyOut, **ERRS})
def survey_patch(request: HttpRequest, survey_id: Id, payload: SurveyPatch) -> Survey:
    """Change settings (until the first answer; the close date until it closes)."""
    survey = selectors.survey_get(user=request.user, survey_id=survey_id)
    data = payload.dict(exclude_unset=True)
    return services.survey_update(survey, data=data, acting_user=request.user)


@router.post("/surveys/{survey_id}/questions", response={201: QuestionOut, **ERRS})
def question_create(request: HttpRequest, survey_id: Id, payload: QuestionIn) -> Any:
    survey = selectors.survey_get(user=request.user, survey_id=survey_id)
    question = services.question_add(survey, acting_user=request.user, **payload.dict())
    return Status(201, question)


@router.post("/surveys/{survey_id}/open", response={200: SurveyOut, **ERRS})
def survey_open(request: HttpRequest, survey_id: Id) -> Survey:
    survey = selectors.survey_get(user=request.user, survey_id=survey_id)
    return services.survey_open(survey, acting_user=request.user)


@router.post("/surveys/{survey_id}/close", response={200: SurveyOut, **ERRS})
def survey_close(request: HttpRequest, survey_id: Id) -> Survey:
    survey = selectors.survey_get(user=request.user, survey_id=survey_id)
    return services.survey_close(survey, acting_user=request.user)


@router.get("/surveys/{survey_id}/results", response={200: ResultsOut, **ERRS})
def survey_results(request: HttpRequest, survey_id: Id) -> dict[str, Any]:
    """Aggregates above the floor (managers, org admins, sponsors; free text: managers)."""
    survey = selectors.survey_get(user=request.user, survey_id=survey_id, manage=False)
    r = selectors.survey_results(user=request.user, survey=survey)
    if r.hidden:
        raise Conflict(
            "Fewer people have answered than the privacy floor: no result is shown yet.",
            code=ErrorCode.SURVEY_RESULTS_BELOW_FLOOR,
            params={"floor": r.floor},
        )
    return {
        "survey_id": survey.pk,
        "floor": r.floor,
        "invited": r.invited,
        "answered": r.answered,
        "rate_by_role": [
            {"role": role, "answered": answered, "invited": invited}
            for role, answered, invited in r.rate_by_role
        ],
        "questions": [
            {
                "question_id": qr.question.pk,
                "text": qr.question.text,
                "kind": qr.question.kind,
                "n": None if qr.hidden else qr.n,
                "hidden": qr.hidden,
                "bars": qr.bars,
                "interval": qr.interval,
                "nps": None if qr.nps is None else {**qr.nps.__dict__, "score": qr.nps.score},
                "grid": [{"topic": t, "mean": i} for t, i in qr.grid],
                "by_role": qr.by_role,
                "texts": qr.texts,
            }
            for qr in r.questions
        ],
        "changes": r.changes,
    }


@router.get("/surveys/{survey_id}/export", response={200: None, **ERRS})
def survey_export(
    request: HttpRequest, survey_id: Id, format: Literal["csv", "xlsx"] = "csv"
) -> HttpResponseBase:
    """The results as CSV or XLSX (managers and org admins), after the floor."""
    survey = selectors.survey_get(user=request.user, survey_id=survey_id)
    return exports.results_response(
        selectors.survey_results(user=request.user, survey=survey), fmt=format
    )


# --- Participants -----------------------------------------------------------------------


@router.get("/me/surveys", response={200: list[OpenSurveyOut], **ERRS})
def my_open_surveys(request: HttpRequest) -> list[selectors.OpenSurvey]:
    """The caller's surveys waiting for an answer, soonest due first."""
    return selectors.open_surveys_for(request.user)


@router.get("/me/surveys/{invitation_id}", response={200: FormOut, **ERRS})
def my_survey(request: HttpRequest, invitation_id: Id) -> dict[str, Any]:
    """The questions, the privacy promise and the caller's draft (if any)."""
    invitation = selectors.invitation_get(user=request.user, invitation_id=invitation_id)
    return {
        "invitation_id": invitation.pk,
        "survey": invitation.survey,
        "privacy": privacy_sentence(invitation.survey.mode),
        "answers": {} if invitation.survey.is_anonymous else selectors.draft_values(invitation),
    }


@router.post("/me/surveys/{invitation_id}/answers", response={200: SavedOut, **ERRS})
def my_survey_answer(request: HttpRequest, invitation_id: Id, payload: AnswerIn) -> Any:
    """Submit (or, for confidential and pair surveys, save a draft of) the answers, keyed
    by question id: a number, a choice (text), choices (list), text, or {topic: 1-5}."""
    invitation = selectors.invitation_get(user=request.user, invitation_id=invitation_id)
    saved = services.response_save(
        invitation, data=payload.answers, submit=payload.submit, acting_user=request.user
    )
    return {"submitted": saved.submitted, "flagged": saved.flagged}
