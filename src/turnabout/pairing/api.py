"""Pairing endpoints: match runs, review, publish, and mentorships. Same rules as the pages."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, Field, WithJsonSchema

from turnabout.common.api_pagination import BoundedPageNumberPagination
from turnabout.common.schemas import ERRORS, ErrorOut, Text
from turnabout.pairing import explain, permissions, selectors, services
from turnabout.pairing.adapter import CRITERIA
from turnabout.pairing.models import MatchRun, Mentorship, Proposal, UnmatchedEntry

router = Router(tags=["pairing"])

ERRS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}


def _known_criterion(name: str) -> str:
    if name not in CRITERIA:
        raise ValueError(f"unknown criterion {name!r} (known: {', '.join(CRITERIA)})")
    return name


Criterion = Annotated[
    str,
    AfterValidator(_known_criterion),
    WithJsonSchema({"type": "string", "enum": list(CRITERIA)}),
]
"""A criterion's name: the engine's registry (``matching/criteria.py``) lists them."""
Rule = Literal["prefer_different", "prefer_same", "ignore"]
Weight = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Reason = Annotated[Text, Field(max_length=Mentorship.REASON_MAX)]


class ConstraintsIn(Schema):
    min_level_gap: int | None = Field(None, ge=-20, le=20)
    reporting_line: bool | None = None
    same_manager: bool | None = None
    max_tz_hours: float | None = Field(None, ge=0, le=24, allow_inf_nan=False)
    require_language: bool | None = None


class MatchRunIn(Schema):
    """Changes to the program's matching settings for this run only (all optional)."""

    objective: Literal["max_matched", "max_score"] | None = None
    fairness: bool | None = None
    target_level_gap: int | None = Field(None, ge=0, le=20)
    weights: dict[Criterion, Weight] | None = Field(
        None, description='Criterion weights (0 turns one off), e.g. {"skills": 3}.'
    )
    constraints: ConstraintsIn | None = None
    diversity: dict[Literal["department", "location", "generation"], Rule] | None = None
    rerun_of: int | None = Field(
        None, description="Re-run this earlier run of the cohort, keeping its locked pairs."
    )

    def overrides(self) -> dict[str, Any]:
        data = self.model_dump(exclude_none=True, exclude={"rerun_of"})
        if "weights" in data:
            data["weights"] = {
                k: min(max(float(v), 0.0), 100.0) for k, v in data["weights"].items()
            }
        return data


class QualityOut(Schema):
    mentors: int
    mentees: int
    matched: int
    mean_score: float | None
    min_score: float | None
    total_score: float | None
    blocking_pairs: int | None
    seconds: float | None
    mode: str = Field(description='"dense" or "sparse" (empty before the run finishes).')
    certified: bool | None = Field(
        description="Sparse runs: the certificate proved the result optimal for every pair."
    )
    gap_bound: float | None = Field(
        description="Sparse runs: a certified upper bound on how much the total could "
        "still improve (0 when certified)."
    )
    verdict: str = Field(
        description='"optimal", "optimal (certified)" or the certified bound, in words.'
    )


class MatchRunOut(Schema):
    id: int
    cohort_id: int
    number: int
    kind: str
    status: str
    progress: int
    stage: str
    objective: str
    settings: dict[str, Any]
    quality: QualityOut
    error: str
    based_on_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_settings(obj: MatchRun) -> dict[str, Any]:
        return dict(obj.config)

    @staticmethod
    def resolve_quality(obj: MatchRun) -> dict[str, Any]:
        return {
            "mentors": obj.mentors,
            "mentees": obj.mentees,
            "matched": obj.matched,
            "mean_score": obj.mean_score,
            "min_score": obj.min_score,
            "total_score": obj.total_score,
            "blocking_pairs": obj.blocking_pairs,
            "seconds": obj.seconds,
            "mode": obj.mode,
            "certified": obj.certified,
            "gap_bound": obj.gap_bound,
            "verdict": obj.verdict,
        }


class PersonOut(Schema):
    application_id: int
    employee_id: int
    name: str
    department: str
    level: int


def _person(application: Any) -> dict[str, Any]:
    person = application.person
    return {
        "application_id": application.pk,
        "employee_id": person.pk,
        "name": person.full_name,
        "department": person.department,
        "level": person.level,
    }


class ReasonOut(Schema):
    """A reason as the engine gave it: a stable code and its parameters."""

    code: str
    params: dict[str, Any]


class ProposalOut(Schema):
    id: int
    mentor: PersonOut
    mentee: PersonOut
    score: float
    breakdown: dict[str, float]
    reasons: list[str] = Field(description="The reasons in words, in the reader's language.")
    reason_codes: list[ReasonOut] = Field(description="The same reasons as codes.")
    locked: bool
    manual: bool
    kept: bool
    violations: list[str]
    override_reason: str

    @staticmethod
    def resolve_reasons(obj: Proposal) -> list[str]:
        return explain.reason_texts(obj.reasons)

    @staticmethod
    def resolve_reason_codes(obj: Proposal) -> list[dict[str, Any]]:
        return list(obj.reasons)

    @staticmethod
    def resolve_mentor(obj: Proposal) -> dict[str, Any]:
        return _person(obj.mentor_application)

    @staticmethod
    def resolve_mentee(obj: Proposal) -> dict[str, Any]:
        return _person(obj.mentee_application)


class UnmatchedOut(Schema):
    role: str
    person: PersonOut
    reason: str
    reason_code: ReasonOut

    @staticmethod
    def resolve_reason(obj: UnmatchedEntry) -> str:
        return explain.reason_text(obj.reason) or ""

    @staticmethod
    def resolve_reason_code(obj: UnmatchedEntry) -> dict[str, Any]:
        return dict(obj.reason)

    @staticmethod
    def resolve_role(obj: UnmatchedEntry) -> str:
        return obj.application.role

    @staticmethod
    def resolve_person(obj: UnmatchedEntry) -> dict[str, Any]:
        return _person(obj.application)


class MatchRunDetailOut(MatchRunOut):
    """The run's summary figures; its proposals and unmatched people are paginated under
    `/match-runs/{id}/proposals` and `/match-runs/{id}/unmatched`."""

    proposal_count: int
    unmatched_count: int

    @staticmethod
    def resolve_proposal_count(obj: MatchRun) -> int:
        return int(getattr(obj, "proposal_count", 0))

    @staticmethod
    def resolve_unmatched_count(obj: MatchRun) -> int:
        return int(getattr(obj, "unmatched_count", 0))


class ManualPairIn(Schema):
    mentor_application_id: int
    mentee_application_id: int
    override_reason: Reason = ""


class LockIn(Schema):
    locked: bool


class ReasonIn(Schema):
    reason: Reason = ""


class ComparisonChangeOut(Schema):
    mentee: PersonOut
    mentor_a: PersonOut | None
    mentor_b: PersonOut | None
    score_a: float | None
    score_b: float | None


class ComparisonOut(Schema):
    a: MatchRunOut
    b: MatchRunOut
    same: int
    changes: list[ComparisonChangeOut]


class PartnerOut(Schema):
    name: str
    title: str
    department: str
    location: str
    timezone: str
    role: str
    topics: list[str]
    interests: list[str]
    goals: str
    formats: list[str]
    availability: list[str]
    languages: list[str]
    email: str


class MentorshipOut(Schema):
    """A participant sees their partner and why they were matched; scores and decline or
    end reasons are for the program's managers only (null otherwise)."""

    id: int
    cohort_id: int
    status: str
    my_role: str | None
    mentor_name: str
    mentee_name: str
    partner: PartnerOut | None
    reasons: list[str]
    mentor_accepted: bool
    mentee_accepted: bool
    activated_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    score: float | None
    reason: str | None
    ended_by: str | None
    override_reason: str | None


class MentorshipQuery(Schema):
    cohort_id: int | None = Field(None, description="Managers: every pair of this cohort.")
    status: Mentorship.Status | Literal[""] = ""


class CountsOut(Schema):
    """Pairs by status; null where the privacy floor hides a group (`floored`: for sponsors)."""

    runs: int
    published_runs: int
    proposed: int | None
    active: int | None
    declined: int | None
    ended: int | None
    floored: bool


def mentorship_out(
    request: HttpRequest, mentorship: Mentorship, managed: dict[int, bool] | None = None
) -> dict[str, Any]:
    """The API view of a mentorship for this user (`managed` caches the manager check)."""
    managed = {} if managed is None else managed
    side = permissions.side_of(request.user, mentorship)
    if mentorship.cohort_id not in managed:
        managed[mentorship.cohort_id] = permissions.can_manage_pairing(
            request.user, mentorship.cohort
        )
    manager = managed[mentorship.cohort_id]
    partner = selectors.partner_summary(mentorship, side=side) if side else None
    return {
        "id": mentorship.pk,
        "cohort_id": mentorship.cohort_id,
        "status": mentorship.status,
        "my_role": side,
        "mentor_name": mentorship.mentor.full_name,
        "mentee_name": mentorship.mentee.full_name,
        "partner": partner.__dict__ if partner else None,
        "reasons": explain.reason_texts(
            mentorship.reasons, audience="manager" if manager and side is None else "participant"
        ),
        "mentor_accepted": mentorship.mentor_accepted_at is not None,
        "mentee_accepted": mentorship.mentee_accepted_at is not None,
        "activated_at": mentorship.activated_at,
        "ended_at": mentorship.ended_at,
        "created_at": mentorship.created_at,
        "score": mentorship.score if manager else None,
        "reason": mentorship.reason if manager else None,
        "ended_by": mentorship.ended_by_role if manager else None,
        "override_reason": mentorship.override_reason if manager else None,
    }


def _run_detail(request: HttpRequest, run: MatchRun) -> MatchRun:
    unmatched = selectors.unmatched_of_run(user=request.user, run=run)  # checks the right
    setattr(run, "unmatched_count", unmatched.count())  # noqa: B010
    setattr(run, "proposal_count", run.proposals.count())  # noqa: B010
    return run


@router.post(
    "/cohorts/{cohort_id}/match-runs",
    response={201: MatchRunOut, **ERRS},
    summary="Start a match run (executes in the background)",
)
def start_run(request: HttpRequest, cohort_id: int, payload: MatchRunIn) -> Status[MatchRunOut]:
    """Queue a run with the program's settings, changed by the given keys for this run.
    Poll `GET /match-runs/{id}` for its progress."""
    cohort = selectors.cohort_for_pairing(user=request.user, cohort_id=cohort_id)
    based_on = None
    if payload.rerun_of is not None:
        based_on = selectors.run_get(user=request.user, run_id=payload.rerun_of)
    run = services.match_run_start(
        cohort, settings=payload.overrides(), based_on=based_on, acting_user=request.user
    )
    return Status(201, MatchRunOut.from_orm(run))


@router.get(
    "/cohorts/{cohort_id}/match-runs",
    response={200: list[MatchRunOut], **ERRS},
    summary="A cohort's match runs, newest first",
)
def list_runs(request: HttpRequest, cohort_id: int) -> list[MatchRun]:
    cohort = selectors.cohort_for_pairing(user=request.user, cohort_id=cohort_id)
    return list(selectors.runs_of_cohort(user=request.user, cohort=cohort)[:200])


@router.get(
    "/cohorts/{cohort_id}/pairing-counts",
    response={200: CountsOut, **ERRS},
    summary="Counts of runs and pairs (managers and sponsors)",
)
def counts(request: HttpRequest, cohort_id: int) -> selectors.PairingCounts:
    cohort = selectors.cohort_for_counts(user=request.user, cohort_id=cohort_id)
    return selectors.pairing_counts(user=request.user, cohort=cohort)


@router.get(
    "/match-runs/{run_id}",
    response={200: MatchRunDetailOut, **ERRS},
    summary="A run: status, progress, quality and counts",
)
def get_run(request: HttpRequest, run_id: int) -> MatchRun:
    """Summary figures only: the proposals and the unmatched people are paginated under
    `/match-runs/{run_id}/proposals` and `/match-runs/{run_id}/unmatched`."""
    run = selectors.run_get(user=request.user, run_id=run_id)
    return _run_detail(request, run)


@router.get(
    "/match-runs/{run_id}/proposals",
    response={200: list[ProposalOut], **ERRS},
    summary="A run's proposed pairs, best score first (paginated)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_proposals(request: HttpRequest, run_id: int) -> Any:
    run = selectors.run_get(user=request.user, run_id=run_id)
    return selectors.proposals_for_review(user=request.user, run=run)


@router.get(
    "/match-runs/{run_id}/unmatched",
    response={200: list[UnmatchedOut], **ERRS},
    summary="The people a run left unmatched, with the reason (paginated)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_unmatched(request: HttpRequest, run_id: int) -> Any:
    run = selectors.run_get(user=request.user, run_id=run_id)
    return selectors.unmatched_of_run(user=request.user, run=run)


@router.get(
    "/match-runs/{run_id}/compare/{other_id}",
    response={200: ComparisonOut, **ERRS},
    summary="Two runs of a cohort side by side",
)
def compare(request: HttpRequest, run_id: int, other_id: int) -> dict[str, Any]:
    a = selectors.run_get(user=request.user, run_id=run_id)
    b = selectors.run_get(user=request.user, run_id=other_id)
    comparison = selectors.run_compare(user=request.user, a=a, b=b)
    return {
        "a": a,
        "b": b,
        "same": comparison.same,
        "changes": [
            {
                "mentee": _person(c.mentee_application),
                "mentor_a": _person(c.mentor_application_a) if c.mentor_application_a else None,
                "mentor_b": _person(c.mentor_application_b) if c.mentor_application_b else None,
                "score_a": c.score_a,
                "score_b": c.score_b,
            }
            for c in comparison.changes
        ],
    }


@router.post(
    "/match-runs/{run_id}/publish",
    response={200: MatchRunOut, **ERRS},
    summary="Publish a run: create the mentorships and notify people",
)
def publish(request: HttpRequest, run_id: int) -> MatchRun:
    run = selectors.run_get(user=request.user, run_id=run_id)
    services.match_run_publish(run, acting_user=request.user)
    return selectors.run_get(user=request.user, run_id=run_id)


@router.post(
    "/match-runs/{run_id}/proposals",
    response={201: ProposalOut, **ERRS},
    summary="Pair two people by hand",
)
def create_manual(request: HttpRequest, run_id: int, payload: ManualPairIn) -> Status[ProposalOut]:
    """A pair that breaks a hard constraint is refused (422, code `override_required`, the
    broken constraints in `details`) unless `override_reason` is given."""
    run = selectors.run_get(user=request.user, run_id=run_id)
    proposal = services.proposal_create_manual(
        run,
        mentor_application_id=payload.mentor_application_id,
        mentee_application_id=payload.mentee_application_id,
        override_reason=payload.override_reason,
        acting_user=request.user,
    )
    fresh = selectors.proposal_get(user=request.user, proposal_id=proposal.pk)
    return Status(201, ProposalOut.from_orm(fresh))


@router.post(
    "/proposals/{proposal_id}/lock",
    response={200: ProposalOut, **ERRS},
    summary="Lock or unlock a proposed pair",
)
def lock(request: HttpRequest, proposal_id: int, payload: LockIn) -> Proposal:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    return services.proposal_set_locked(proposal, locked=payload.locked, acting_user=request.user)


@router.post(
    "/proposals/{proposal_id}/remove",
    response={204: None, **ERRS},
    summary="Remove a proposed pair",
)
def remove(request: HttpRequest, proposal_id: int) -> Status[None]:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    services.proposal_remove(proposal, acting_user=request.user)
    return Status(204, None)


@router.post(
    "/proposals/{proposal_id}/exclude",
    response={204: None, **ERRS},
    summary="Remove a pair and never propose it again in this cohort",
)
def exclude(request: HttpRequest, proposal_id: int, payload: ReasonIn) -> Status[None]:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    services.pair_exclude(proposal, reason=payload.reason, acting_user=request.user)
    return Status(204, None)


@router.get(
    "/mentorships",
    response={200: list[MentorshipOut], **ERRS},
    summary="Mentorships: your own, or a cohort's for its managers",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_mentorships(request: HttpRequest, filters: Query[MentorshipQuery]) -> list[dict[str, Any]]:
    if filters.cohort_id is not None:
        cohort = selectors.cohort_for_pairing(user=request.user, cohort_id=filters.cohort_id)
        qs = selectors.mentorships_of_cohort(
            user=request.user, cohort=cohort, status=filters.status
        )
    else:
        qs = selectors.mentorships_of_user(user=request.user)
        if filters.status:
            qs = qs.filter(status=filters.status)
    return _LazyOut(request, qs)  # type: ignore[return-value]


class _LazyOut:
    """Serialise only the requested page (the paginator slices this like a queryset)."""

    def __init__(self, request: HttpRequest, qs: Any) -> None:
        self.request, self.qs = request, qs
        self.managed: dict[int, bool] = {}

    def __len__(self) -> int:
        return int(self.qs.count())

    def count(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        rows = self.qs.select_related("mentor_application", "mentee_application")[index]
        return [mentorship_out(self.request, m, self.managed) for m in rows]


@router.get(
    "/mentorships/{mentorship_id}",
    response={200: MentorshipOut, **ERRS},
    summary="One mentorship (its partners or the program's managers)",
)
def get_mentorship(request: HttpRequest, mentorship_id: int) -> dict[str, Any]:
    mentorship = selectors.mentorship_get(user=request.user, mentorship_id=mentorship_id)
    return mentorship_out(request, mentorship)


def _to_answer(request: HttpRequest, mentorship_id: int) -> Mentorship:
    return selectors.mentorship_get_to_answer(user=request.user, mentorship_id=mentorship_id)


@router.post(
    "/mentorships/{mentorship_id}/accept",
    response={200: MentorshipOut, **ERRS},
    summary="Accept your match",
)
def accept(request: HttpRequest, mentorship_id: int) -> dict[str, Any]:
    mentorship = services.mentorship_accept(
        _to_answer(request, mentorship_id),
        acting_user=request.user,
    )
    return get_mentorship(request, mentorship.pk)


@router.post(
    "/mentorships/{mentorship_id}/decline",
    response={200: MentorshipOut, **ERRS},
    summary="Decline your match (the reason goes to the program managers only)",
)
def decline(request: HttpRequest, mentorship_id: int, payload: ReasonIn) -> dict[str, Any]:
    mentorship = services.mentorship_decline(
        _to_answer(request, mentorship_id),
        reason=payload.reason,
        acting_user=request.user,
    )
    return get_mentorship(request, mentorship.pk)


@router.post(
    "/mentorships/{mentorship_id}/end",
    response={200: MentorshipOut, **ERRS},
    summary="End a mentorship early (a partner or a manager; reason confidential)",
)
def end(request: HttpRequest, mentorship_id: int, payload: ReasonIn) -> dict[str, Any]:
    mentorship = services.mentorship_end(
        _to_answer(request, mentorship_id),
        reason=payload.reason,
        acting_user=request.user,
    )
    return get_mentorship(request, mentorship.pk)
