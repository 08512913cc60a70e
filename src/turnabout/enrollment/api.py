"""Application endpoints: apply, list, read, update, withdraw, decide. Same rules as pages."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.enrollment import models as m
from turnabout.enrollment import permissions, selectors, services
from turnabout.enrollment.models import Application, ParticipantRole
from turnabout.enrollment.profile import Goals, Profile
from turnabout.people.models import Employee
from turnabout.programs import selectors as program_selectors

router = Router(tags=["applications"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}

Decision = Literal[
    Application.Status.ACCEPTED, Application.Status.WAITLISTED, Application.Status.DECLINED
]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Level = Annotated[int, Field(ge=Employee.LEVEL_MIN, le=Employee.LEVEL_MAX)]


class ApplicationIn(Profile):
    """A new application: the role and the whole profile (see `Profile`)."""

    role: ParticipantRole
    goals: Goals
    agreed_to_guidelines: bool


class ApplicationPersonOut(Schema):
    id: int
    name: str
    department: str
    location: str
    level: int


class ApplicationOut(Profile):
    """An application: its profile (see `Profile`), the person and the review."""

    id: int
    cohort_id: int
    role: str
    status: str
    person: ApplicationPersonOut
    agreed_to_guidelines_at: datetime
    decided_at: datetime | None
    decision_message: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_person(obj: Application) -> dict[str, Any]:
        person = obj.person
        return {
            "id": person.pk,
            "name": person.full_name,
            "department": person.department,
            "location": person.location,
            "level": person.level,
        }

    @staticmethod
    def resolve_agreed_to_guidelines(obj: Application) -> bool:
        return obj.agreed_to_guidelines_at is not None

    @staticmethod
    def resolve_avoid(obj: Application) -> list[int]:
        return sorted(person.pk for person in obj.avoid.all())

    @staticmethod
    def resolve_ergs(obj: Application, context: dict[str, Any] | None = None) -> list[str]:
        """The resource groups an applicant asked matching to consider: theirs alone."""
        request = (context or {}).get("request")
        if request is None or not permissions.is_applicant(request.user, obj):
            return []
        return list(obj.ergs)


class ApplicationQuery(Schema):
    role: ParticipantRole | Literal[""] = ""
    status: Application.Status | Literal[""] = ""
    department: Annotated[Text, Field(max_length=Employee.DEPARTMENT_MAX)] = ""
    level_min: Level | None = None
    level_max: Level | None = None
    q: Annotated[Text, Field(max_length=100)] = ""


class ApplicationDecisionIn(Schema):
    decision: Decision
    message: Annotated[Text, Field(max_length=m.DECISION_MESSAGE_MAX)] = ""


class ApplicationsDecisionIn(ApplicationDecisionIn):
    application_ids: list[Id] = Field(..., min_length=1, max_length=m.BULK_MAX)


class ApplicationsDecisionOut(Schema):
    decided: int
    applications: list[ApplicationOut]


def _fresh(request: HttpRequest, application: Application) -> Application:
    return selectors.application_get(user=request.user, application_id=application.pk)


@router.get(
    "/cohorts/{cohort_id}/applications",
    response={200: list[ApplicationOut], **ERRS},
    summary="A cohort's applications",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_applications(
    request: HttpRequest, cohort_id: int, filters: Query[ApplicationQuery]
) -> object:
    """Managers of the program see every application (filtered); an applicant their own."""
    cohort = program_selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    data = {k: v for k, v in filters.model_dump().items() if v not in ("", None)}
    qs = selectors.applications_visible(user=request.user, cohort=cohort, filters=data)
    return qs.prefetch_related("avoid")


@router.post(
    "/cohorts/{cohort_id}/applications",
    response={201: ApplicationOut, **ERRS},
    summary="Apply to a cohort as mentor or mentee",
)
def create_application(
    request: HttpRequest, cohort_id: int, payload: ApplicationIn
) -> Status[ApplicationOut]:
    cohort = program_selectors.cohort_get(user=request.user, cohort_id=cohort_id)
    application = services.application_create(
        cohort, role=payload.role, profile=payload, acting_user=request.user
    )
    return Status(
        201,
        ApplicationOut.from_orm(_fresh(request, application), context={"request": request}),
    )


@router.post(
    "/cohorts/{cohort_id}/applications/decisions",
    response={200: ApplicationsDecisionOut, **ERRS},
    summary="Accept, waitlist or decline several applications",
)
def decide_many(
    request: HttpRequest, cohort_id: int, payload: ApplicationsDecisionIn
) -> dict[str, Any]:
    cohort = program_selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_id)
    decided = services.applications_decide(
        cohort,
        application_ids=payload.application_ids,
        decision=payload.decision,
        message=payload.message,
        acting_user=request.user,
    )
    return {"decided": len(decided), "applications": decided}


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **ERRS},
    summary="One application (its applicant or the program's managers)",
)
def get_application(request: HttpRequest, application_id: int) -> Application:
    return selectors.application_get(user=request.user, application_id=application_id)


@router.patch(
    "/applications/{application_id}",
    response={200: ApplicationOut, **ERRS},
    summary="Change your application while applications are open",
)
def update_application(request: HttpRequest, application_id: int, payload: Profile) -> Application:
    application = selectors.application_get(user=request.user, application_id=application_id)
    services.application_update(application, changes=payload, acting_user=request.user)
    return _fresh(request, application)


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **ERRS},
    summary="Withdraw your application while applications are open",
)
def withdraw_application(request: HttpRequest, application_id: int) -> Application:
    application = selectors.application_get(user=request.user, application_id=application_id)
    services.application_withdraw(application, acting_user=request.user)
    return _fresh(request, application)


@router.post(
    "/applications/{application_id}/decision",
    response={200: ApplicationOut, **ERRS},
    summary="Accept, waitlist or decline an application (the program's managers)",
)
def decide_application(
    request: HttpRequest, application_id: int, payload: ApplicationDecisionIn
) -> Application:
    application = selectors.application_get(user=request.user, application_id=application_id)
    services.application_decide(
        application, decision=payload.decision, message=payload.message, acting_user=request.user
    )
    return _fresh(request, application)
