"""Domain errors with stable codes. Services raise them; the API maps them to 4xx JSON, pages
to messages or field errors (after Zulip's `JsonableError`).

A client branches on `code`, never on the English `message`. Every code a client may meet is
a member of `ErrorCode` and is listed with its meaning in `docs/api.md`; a code is never
renamed once released. Raise with the most specific code:

    raise Conflict(_("A run is already in progress."), code=ErrorCode.RUN_IN_PROGRESS)

`params` carries the values a client needs to act (ids, limits), JSON-serialisable.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """Every stable error code of the product. Add new ones; never rename or reuse one."""

    # Generic codes: the default of each error class, for refusals no client branches on.
    DOMAIN_ERROR = "domain_error"
    VALIDATION_FAILED = "validation_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    # Request-level codes written by the API layer.
    UNAUTHENTICATED = "unauthenticated"
    INVALID_INPUT = "invalid_input"
    MALFORMED_REQUEST = "malformed_request"
    RATE_LIMITED = "rate_limited"
    # Codes that already existed before the enum.
    OVERRIDE_REQUIRED = "override_required"
    IMPORT_FILE_INVALID = "import_file_invalid"
    # accounts
    EMPLOYEE_TERMINATED = "employee_terminated"
    ACCOUNT_EXISTS = "account_exists"
    # people
    FILE_TOO_LARGE = "file_too_large"
    IMPORT_FAILED = "import_failed"
    # programs
    ACCOUNT_NOT_FOUND = "account_not_found"
    PROGRAM_NAME_TAKEN = "program_name_taken"
    ELIGIBILITY_LEVELS_INVALID = "eligibility_levels_invalid"
    MATCHING_SETTINGS_INVALID = "matching_settings_invalid"
    MANAGER_NOT_ELIGIBLE = "manager_not_eligible"
    MANAGER_ALREADY_ADDED = "manager_already_added"
    MANAGER_NOT_LISTED = "manager_not_listed"
    LAST_MANAGER = "last_manager"
    COHORT_DATES_INVALID = "cohort_dates_invalid"
    COHORT_NAME_TAKEN = "cohort_name_taken"
    PHASE_TRANSITION_NOT_ALLOWED = "phase_transition_not_allowed"
    COHORT_CLOSED = "cohort_closed"
    SURVEY_CLOSED = "survey_closed"
    SURVEY_HAS_ANSWERS = "survey_has_answers"
    SURVEY_ALREADY_ANSWERED = "survey_already_answered"
    # enrollment
    APPLICATIONS_CLOSED = "applications_closed"
    NOT_AN_EMPLOYEE = "not_an_employee"
    NOT_ELIGIBLE = "not_eligible"
    APPLICATION_EXISTS = "application_exists"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    REVIEW_NOT_OPEN = "review_not_open"
    TOO_MANY_SELECTED = "too_many_selected"
    APPLICATION_FORM_FIXED = "application_form_fixed"
    # pairing
    RUN_NOT_ALLOWED_IN_PHASE = "run_not_allowed_in_phase"
    RUN_IN_PROGRESS = "run_in_progress"
    RUN_NO_PARTICIPANTS = "run_no_participants"
    RUN_NOT_FINISHED = "run_not_finished"
    RUN_ALREADY_PUBLISHED = "run_already_published"
    RUN_SUPERSEDED = "run_superseded"
    RUN_NOTHING_TO_PUBLISH = "run_nothing_to_publish"
    COHORT_ALREADY_MATCHED = "cohort_already_matched"
    PAIR_KEPT = "pair_kept"
    MANUAL_PAIR_LOCKED = "manual_pair_locked"
    MENTEE_ALREADY_PAIRED = "mentee_already_paired"
    MENTOR_OVER_CAPACITY = "mentor_over_capacity"
    PAIR_EXCLUDED = "pair_excluded"
    PARTNER_TAKEN = "partner_taken"
    MATCH_NOT_PROPOSED = "match_not_proposed"
    MENTORSHIP_ENDED = "mentorship_ended"
    # engagement
    AGREEMENT_EMPTY = "agreement_empty"
    GOAL_HAS_PROGRESS = "goal_has_progress"
    TOO_MANY_MILESTONES = "too_many_milestones"
    SESSION_TIME_INVALID = "session_time_invalid"
    SESSION_NOT_CHANGEABLE = "session_not_changeable"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_NOT_DUE = "session_not_due"
    # feedback (surveys)
    SURVEY_LOCKED = "survey_locked"
    SURVEY_STATE = "survey_state"
    SURVEY_NOT_OPEN = "survey_not_open"
    SURVEY_EMPTY = "survey_empty"
    SURVEY_ANSWER_INVALID = "survey_answer_invalid"
    SURVEY_DRAFT_NOT_ALLOWED = "survey_draft_not_allowed"
    SURVEY_RESULTS_BELOW_FLOOR = "survey_results_below_floor"
    SURVEY_REMATCH_NOT_OFFERED = "survey_rematch_not_offered"
    # trust (issue 10): tokens, request bodies, the privacy floor.
    TOKEN_FOR_OTHER_PERSON = "token_for_other_person"
    TOKEN_SCOPE = "token_scope"
    # learning
    NOT_A_PARTICIPANT = "not_a_participant"
    MODULE_NOT_FOR_ROLE = "module_not_for_role"
    MODULE_RETIRED = "module_retired"
    CHECK_NOT_PASSED = "check_not_passed"
    CHECK_ANSWERS_INVALID = "check_answers_invalid"
    STEP_INVALID = "step_invalid"
    MODULE_HAS_PROGRESS = "module_has_progress"
    NOT_AN_ACCEPTED_PARTICIPANT = "not_an_accepted_participant"
    # recognition
    CERTIFICATE_NOT_ELIGIBLE = "certificate_not_eligible"
    CERTIFICATE_REVOKED = "certificate_revoked"
    STORY_NOT_ALLOWED_NOW = "story_not_allowed_now"
    STORY_CONSENT_MISSING = "story_consent_missing"
    STORY_LOCKED = "story_locked"
    # accounts: roles and sign-in (enterprise)
    LAST_ORG_ADMIN = "last_org_admin"
    SSO_CONFIG_INVALID = "sso_config_invalid"
    # accounts: notification choices and token scopes (enterprise)
    NOTIFICATION_MANDATORY = "notification_mandatory"
    NOTIFICATION_KIND_UNKNOWN = "notification_kind_unknown"
    TOKEN_SCOPE_INVALID = "token_scope_invalid"
    # integrations: programs as code
    PROGRAM_FILE_INVALID = "program_file_invalid"
    # insights
    KPI_NOT_CUSTOM = "kpi_not_custom"
    KPI_VALUE_IN_FUTURE = "kpi_value_in_future"
    HEALTH_SIGNAL_UNKNOWN = "health_signal_unknown"
    REMATCH_NOT_ACTIVE = "rematch_not_active"
    LESSONS_TOO_LITTLE_DATA = "lessons_too_little_data"
    EXPORT_NOT_ALLOWED = "export_not_allowed"


class DomainError(Exception):
    """A rule of the business was broken by the request. Never a bug."""

    code: ClassVar[ErrorCode] = ErrorCode.DOMAIN_ERROR
    status: ClassVar[int] = 400

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        params: Mapping[str, Any] | None = None,
        details: object | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]  # instance override of the class default
        self.params: dict[str, Any] = dict(params or {})
        self.details = details
        #: The form field the error belongs to, when a page can show it there.
        self.field = field

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": self.message}
        if self.params:
            body["params"] = self.params
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    code = ErrorCode.VALIDATION_FAILED
    status = 422


class PermissionDenied(DomainError):
    code = ErrorCode.PERMISSION_DENIED
    status = 403


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND
    status = 404


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
    status = 409


def require(allowed: bool, message: str, *, code: ErrorCode | None = None) -> None:
    """Raise PermissionDenied with `message` unless `allowed`: the services' permission gate."""
    if not allowed:
        raise PermissionDenied(message, code=code)
