"""Writes on applications and custom questions.

Applicants create, edit and withdraw their own application while applications are open;
program managers accept, waitlist or decline (one by one or in bulk). Every write checks
`enrollment.permissions`, validates the whole profile and records an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from turnabout.common.audit import AuditEntry, Change, audit_record, audit_record_many
from turnabout.common.errors import (
    Conflict,
    ErrorCode,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    require,
)
from turnabout.common.types import AnyUser
from turnabout.enrollment import permissions
from turnabout.enrollment.audit import EnrollmentEvent
from turnabout.enrollment.models import (
    BULK_MAX,
    DECISION_MESSAGE_MAX,
    OPTION_MAX,
    Application,
    CustomQuestion,
    ParticipantRole,
)
from turnabout.enrollment.profile import clean_profile, eligibility_problem, profile_of
from turnabout.enrollment.tasks import send_decision_email as send_decision_email_task
from turnabout.people.models import Employee
from turnabout.programs.models import REVIEW_PHASES, Cohort, Phase

DECISIONS = (
    Application.Status.ACCEPTED,
    Application.Status.WAITLISTED,
    Application.Status.DECLINED,
)
PROFILE_MODEL_FIELDS = (
    "skills",
    "wants",
    "interests",
    "goals",
    "communication",
    "formats",
    "availability",
    "languages",
    "ergs",
    "capacity",
    "working_style",
    "answers",
)
MAX_BULK = BULK_MAX


def _require_open(cohort: Cohort) -> None:
    if cohort.phase != Phase.APPLICATIONS_OPEN:
        raise ValidationFailed(
            _("Applications to %(cohort)s are not open (the cohort is in the %(phase)s phase).")
            % {"cohort": cohort, "phase": cohort.get_phase_display()},
            code=ErrorCode.APPLICATIONS_CLOSED,
            params={"phase": cohort.phase},
        )


def _applicant(user: AnyUser) -> Employee:
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to apply."))
    person = Employee.objects.prefetch_related("resource_groups").filter(user_id=user.pk).first()
    if person is None:
        raise PermissionDenied(
            _("Only employees with an account can apply."), code=ErrorCode.NOT_AN_EMPLOYEE
        )
    return person


def _questions(cohort: Cohort) -> list[CustomQuestion]:
    return list(cohort.questions.all())


def _save_profile(application: Application, cleaned: Mapping[str, Any]) -> dict[str, Change]:
    changes: dict[str, Change] = {}
    for field in PROFILE_MODEL_FIELDS:
        old = getattr(application, field)
        if old != cleaned[field]:
            changes[field] = (old, cleaned[field])
            setattr(application, field, cleaned[field])
    return changes


@transaction.atomic
def application_create(
    cohort: Cohort, *, role: str, profile: Mapping[str, Any], acting_user: AnyUser
) -> Application:
    """Apply to `cohort` as mentor or mentee, with a full profile.

    One application per person and role per cohort: applying again after withdrawing
    reuses (and resubmits) the withdrawn application.
    """
    require(
        permissions.can_apply(acting_user),
        _("Only employees with an account can apply."),
        code=ErrorCode.NOT_AN_EMPLOYEE,
    )
    person = _applicant(acting_user)
    _require_open(cohort)
    if role not in ParticipantRole.values:
        raise ValidationFailed(_("The role must be mentor or mentee."))
    problem = eligibility_problem(cohort.program, person, role)
    if problem:
        raise ValidationFailed(
            problem, code=ErrorCode.NOT_ELIGIBLE, details={"reason": "not_eligible"}
        )
    cleaned = clean_profile(profile, role=role, person=person, questions=_questions(cohort))
    existing = Application.objects.filter(person=person, cohort=cohort, role=role).first()
    role_label = ParticipantRole(role).label
    if existing is not None and existing.status != Application.Status.WITHDRAWN:
        raise Conflict(
            _("You have applied to %(cohort)s as %(role)s already: edit that application.")
            % {"cohort": cohort, "role": str(role_label).lower()},
            code=ErrorCode.APPLICATION_EXISTS,
            params={"application": existing.pk},
        )
    now = timezone.now()
    if existing is not None:
        application = existing
        _save_profile(application, cleaned)
        application.status = Application.Status.SUBMITTED
        application.withdrawn_at = None
        application.decided_at = None
        application.decided_by = None
        application.decision_message = ""
        application.agreed_to_guidelines_at = now
        application.save()
        event = EnrollmentEvent.APPLICATION_RESUBMITTED
    else:
        application = Application(
            cohort=cohort,
            person=person,
            role=role,
            agreed_to_guidelines_at=now,
            **{field: cleaned[field] for field in PROFILE_MODEL_FIELDS},
        )
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise Conflict(
                _("You have applied to %(cohort)s as %(role)s already.")
                % {"cohort": cohort, "role": str(role_label).lower()},
                code=ErrorCode.APPLICATION_EXISTS,
            ) from None
        event = EnrollmentEvent.APPLICATION_SUBMITTED
    application.avoid.set(cleaned["avoid"])
    audit_record(
        actor=acting_user,
        event=event,
        target=application,
        changes={"status": (None, Application.Status.SUBMITTED)},
    )
    return application


@transaction.atomic
def application_update(
    application: Application, *, changes: Mapping[str, Any], acting_user: AnyUser
) -> Application:
    """Change some profile fields; the whole profile is checked again."""
    require(
        permissions.can_edit_application(acting_user, application),
        _("Only the applicant can edit an application."),
    )
    _require_open(application.cohort)
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationFailed(
            _("This application was withdrawn: apply again instead."),
            code=ErrorCode.APPLICATION_WITHDRAWN,
        )
    person = Employee.objects.prefetch_related("resource_groups").get(pk=application.person_id)
    questions = _questions(application.cohort)
    stored = profile_of(application)
    asked = {str(question.pk) for question in questions}
    stored["answers"] = {k: v for k, v in stored["answers"].items() if k in asked}
    cleaned = clean_profile(
        {**stored, **changes}, role=application.role, person=person, questions=questions
    )
    diff = _save_profile(application, cleaned)
    old_avoid = sorted(p.pk for p in application.avoid.all())
    if old_avoid != cleaned["avoid"]:
        diff["avoid"] = (old_avoid, cleaned["avoid"])
        application.avoid.set(cleaned["avoid"])
    if diff:
        application.save(update_fields=[*(f for f in diff if f != "avoid"), "updated_at"])
        audit_record(
            actor=acting_user,
            event=EnrollmentEvent.APPLICATION_UPDATED,
            target=application,
            changes=diff,
        )
    return application


@transaction.atomic
def application_withdraw(application: Application, *, acting_user: AnyUser) -> Application:
    require(
        permissions.can_edit_application(acting_user, application),
        _("Only the applicant can withdraw an application."),
    )
    _require_open(application.cohort)
    if application.status == Application.Status.WITHDRAWN:
        return application
    old = application.status
    application.status = Application.Status.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(
        actor=acting_user,
        event=EnrollmentEvent.APPLICATION_WITHDRAWN,
        target=application,
        changes={"status": (old, application.status)},
    )
    return application


def _check_decision(cohort: Cohort, decision: str, message: str) -> str:
    if decision not in DECISIONS:
        raise ValidationFailed(
            _("The decision must be one of %(options)s.") % {"options": ", ".join(DECISIONS)}
        )
    if cohort.phase not in REVIEW_PHASES:
        raise ValidationFailed(
            _(
                "Applications are reviewed while they are open, closed or being matched; "
                "%(cohort)s is in the %(phase)s phase."
            )
            % {"cohort": cohort, "phase": cohort.get_phase_display()},
            code=ErrorCode.REVIEW_NOT_OPEN,
            params={"phase": cohort.phase},
        )
    if not isinstance(message, str) or "\x00" in message:
        raise ValidationFailed(_("The message must be text without NUL characters."))
    message = message.strip()
    if len(message) > DECISION_MESSAGE_MAX:
        raise ValidationFailed(
            _("The message is too long (at most %(n)d characters).") % {"n": DECISION_MESSAGE_MAX}
        )
    return message


def _notify(application_ids: Iterable[int]) -> None:
    for application_id in application_ids:
        transaction.on_commit(partial(send_decision_email_task.enqueue, application_id))


@transaction.atomic
def application_decide(
    application: Application, *, decision: str, message: str = "", acting_user: AnyUser
) -> Application:
    """Accept, waitlist or decline one application, telling the applicant by email."""
    decided = applications_decide(
        application.cohort,
        application_ids=[application.pk],
        decision=decision,
        message=message,
        acting_user=acting_user,
    )
    return decided[0]


@transaction.atomic
def applications_decide(
    cohort: Cohort,
    *,
    application_ids: Sequence[int],
    decision: str,
    message: str = "",
    acting_user: AnyUser,
) -> list[Application]:
    """Accept, waitlist or decline several applications of one cohort at once."""
    require(
        permissions.can_review(acting_user, cohort),
        _("Only this program's managers can review applications."),
    )
    message = _check_decision(cohort, decision, message)
    ids = sorted(set(application_ids))
    if not ids:
        raise ValidationFailed(_("Select at least one application."))
    if len(ids) > MAX_BULK:
        raise ValidationFailed(
            _("Decide at most %(n)d applications at once.") % {"n": MAX_BULK},
            code=ErrorCode.TOO_MANY_SELECTED,
            params={"max": MAX_BULK},
        )
    applications = list(
        Application.objects.select_for_update()
        .filter(cohort=cohort, pk__in=ids)
        .select_related("person")
        .order_by("pk")
    )
    if len(applications) != len(ids):
        raise NotFound(_("Some of these applications are not in %(cohort)s.") % {"cohort": cohort})
    withdrawn = [a for a in applications if a.status == Application.Status.WITHDRAWN]
    if withdrawn:
        raise ValidationFailed(
            _("%(names)s withdrew: a withdrawn application cannot be decided.")
            % {"names": ", ".join(a.person.full_name for a in withdrawn)},
            code=ErrorCode.APPLICATION_WITHDRAWN,
            params={"applications": [a.pk for a in withdrawn]},
        )
    now = timezone.now()
    entries = []
    changed = []
    for application in applications:
        old = application.status
        if old == decision and application.decision_message == message:
            continue
        application.status = decision
        application.decided_at = now
        application.decided_by_id = acting_user.pk
        application.decision_message = message
        changed.append(application)
        entries.append(
            AuditEntry(
                event=EnrollmentEvent.APPLICATION_DECIDED,
                target=application,
                changes={"status": (old, decision)},
                message=message,
            )
        )
    Application.objects.bulk_update(
        changed, ["status", "decided_at", "decided_by", "decision_message", "updated_at"]
    )
    audit_record_many(actor=acting_user, entries=entries)
    _notify(a.pk for a in changed)
    return applications


# --- Custom questions -------------------------------------------------------------------


@transaction.atomic
def question_add(
    cohort: Cohort,
    *,
    text: str,
    kind: str,
    options: Sequence[str] = (),
    required: bool = False,
    for_role: str = "",
    acting_user: AnyUser,
) -> CustomQuestion:
    """Add a question to the cohort's application form (until applications close)."""
    require(
        permissions.can_manage_questions(acting_user, cohort),
        _("Only this program's managers can change the application form."),
    )
    if cohort.phase not in (Phase.DRAFT, Phase.INTEREST_SURVEY, Phase.APPLICATIONS_OPEN):
        raise ValidationFailed(
            _("The application form is fixed once applications close."),
            code=ErrorCode.APPLICATION_FORM_FIXED,
        )
    if not isinstance(text, str) or "\x00" in text or not text.strip():
        raise ValidationFailed(_("Write the question."), field="text")
    text = text.strip()
    if len(text) > 300:
        raise ValidationFailed(
            _("The question is too long (at most 300 characters)."), field="text"
        )
    if kind not in CustomQuestion.Kind.values:
        raise ValidationFailed(
            _("The kind must be one of %(kinds)s.")
            % {"kinds": ", ".join(CustomQuestion.Kind.values)},
            field="kind",
        )
    if for_role not in ("", *ParticipantRole.values):
        raise ValidationFailed(_("Ask the question of mentors, mentees or both."), field="for_role")
    cleaned_options: list[str] = []
    for option in options:
        if not isinstance(option, str) or "\x00" in option:
            raise ValidationFailed(_("Options must be text."), field="options")
        option = option.strip()
        if option and option not in cleaned_options:
            cleaned_options.append(option[:OPTION_MAX])
    if kind in (CustomQuestion.Kind.SINGLE, CustomQuestion.Kind.MULTIPLE):
        if len(cleaned_options) < 2:
            raise ValidationFailed(
                _("A choice question needs at least two options."), field="options"
            )
        if len(cleaned_options) > 20:
            raise ValidationFailed(_("A choice question has at most 20 options."), field="options")
    else:
        cleaned_options = []
    position = cohort.questions.count()
    question = CustomQuestion.objects.create(
        cohort=cohort,
        text=text,
        kind=kind,
        options=cleaned_options,
        required=bool(required),
        for_role=for_role,
        position=position,
    )
    audit_record(
        actor=acting_user,
        event=EnrollmentEvent.QUESTION_ADDED,
        target=cohort,
        changes={"question": (None, text)},
    )
    return question


@transaction.atomic
def question_remove(question: CustomQuestion, *, acting_user: AnyUser) -> None:
    cohort = question.cohort
    require(
        permissions.can_manage_questions(acting_user, cohort),
        _("Only this program's managers can change the application form."),
    )
    if cohort.phase not in (Phase.DRAFT, Phase.INTEREST_SURVEY, Phase.APPLICATIONS_OPEN):
        raise ValidationFailed(
            _("The application form is fixed once applications close."),
            code=ErrorCode.APPLICATION_FORM_FIXED,
        )
    text = question.text
    question.delete()
    audit_record(
        actor=acting_user,
        event=EnrollmentEvent.QUESTION_REMOVED,
        target=cohort,
        changes={"question": (text, None)},
    )
