"""Reads of programs, cohorts and survey results, each scoped by `programs.permissions`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from turnabout.accounts import permissions as roles
from turnabout.accounts.models import Role, RoleAssignment
from turnabout.common.errors import ErrorCode, NotFound, PermissionDenied, ValidationFailed
from turnabout.common.privacy import meets_floor, min_group_size, suppress_counts, suppress_table
from turnabout.common.types import AnyUser
from turnabout.programs import permissions
from turnabout.programs.models import (
    COMFORT_OPTIONS,
    PUBLIC_PHASES,
    Cohort,
    CohortPhaseChange,
    InterestSurvey,
    Objective,
    Phase,
    Program,
    SurveyParticipation,
    SurveyQuestion,
    SurveyTally,
    Willingness,
)

JOINABLE_PHASES = (Phase.INTEREST_SURVEY, Phase.APPLICATIONS_OPEN)


def _with_counts(qs: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Annotate cohorts with application counts per role (aggregates only)."""
    active = ~Q(applications__status="withdrawn")
    return qs.annotate(
        mentor_count=Count("applications", filter=active & Q(applications__role="mentor")),
        mentee_count=Count("applications", filter=active & Q(applications__role="mentee")),
        accepted_count=Count("applications", filter=Q(applications__status="accepted")),
    )


def program_list(*, user: AnyUser) -> QuerySet[Program]:
    """Programs in the "Programs" area: managed ones (all for admins and sponsors)."""
    if not permissions.can_see_programs_overview(user):
        raise PermissionDenied(_("Only program managers, org admins and sponsors see programs."))
    qs = Program.objects.all()
    if not roles.is_sponsor(user):
        qs = qs.filter(permissions.managed_programs_filter(user))
    return (
        qs.distinct()
        .annotate(cohort_count=Count("cohorts", distinct=True))
        .prefetch_related(
            Prefetch("cohorts", queryset=_with_counts(Cohort.objects.order_by("-starts_on"))),
            "managers",
        )
        .order_by("name")
    )


def program_list_with_counts(*, user: AnyUser) -> list[Program]:
    """The "Programs" area's list, each cohort's counts through the privacy floor for those
    who do not review its applications (sponsors; managers of other programs)."""
    programs = list(program_list(user=user))
    floor_cohort_counts(user=user, cohorts=[c for p in programs for c in p.cohorts.all()])
    return programs


def cohorts_with_counts(*, user: AnyUser, program: Program) -> list[Cohort]:
    """`cohorts_of_program` with the counts floored as in `program_list_with_counts`."""
    cohorts = list(cohorts_of_program(user=user, program=program))
    floor_cohort_counts(user=user, cohorts=cohorts)
    return cohorts


def floor_cohort_counts(*, user: AnyUser, cohorts: Sequence[Cohort]) -> None:
    """Replace the application counts of `_with_counts` by None where the floor hides them.

    The program's managers and org admins see every application anyway and get the raw
    counts. Everybody else gets the cells the cohort page shows them: a role's count when it
    meets the floor, and the accepted count only when the cohort page shows both roles'
    accepted cells (otherwise one could be worked out by subtraction from the other).
    """
    manages = {
        program_id: permissions.can_manage_cohort(user, cohort)
        for program_id, cohort in {c.program_id: c for c in cohorts}.items()
    }
    hidden = [c for c in cohorts if not manages[c.program_id]]
    if not hidden:
        return
    tables: dict[int, dict[str, dict[str, int]]] = {
        c.pk: {"mentor": {}, "mentee": {}} for c in hidden
    }
    rows = (
        Cohort.objects.filter(pk__in=[c.pk for c in hidden], applications__isnull=False)
        .values_list("pk", "applications__role", "applications__status")
        .annotate(n=Count("applications"))
        .order_by()
    )
    for cohort_id, role, status, n in rows:
        tables[cohort_id].setdefault(role, {})[status] = n

    def floored(n: int) -> int | None:
        return n if n == 0 or meets_floor(n) else None

    for cohort in hidden:
        table = tables[cohort.pk]
        safe = suppress_table(table)
        accepted = [safe[role].get("accepted", 0) for role in ("mentor", "mentee")]
        cohort.mentor_count = floored(getattr(cohort, "mentor_count", 0))  # type: ignore[attr-defined]
        cohort.mentee_count = floored(getattr(cohort, "mentee_count", 0))  # type: ignore[attr-defined]
        cohort.accepted_count = (  # type: ignore[attr-defined]
            None if None in accepted else floored(getattr(cohort, "accepted_count", 0))
        )


def program_list_readable(*, user: AnyUser) -> QuerySet[Program]:
    """Every program `user` may read (the API list): managed, or published for employees."""
    return (
        permissions.programs_readable(user, Program.objects.all())
        .prefetch_related("objectives", "managers")
        .order_by("name", "pk")
    )


def program_get(*, user: AnyUser, program_id: int) -> Program:
    program = (
        Program.objects.prefetch_related("objectives", "managers").filter(pk=program_id).first()
    )
    if program is None or not permissions.can_view_program(user, program):
        raise NotFound(_("No such program."))
    return program


def program_get_for_manager(*, user: AnyUser, program_id: int) -> Program:
    """A program `user` manages: 404 when they cannot see it, 403 when they only see it."""
    program = program_get(user=user, program_id=program_id)
    if not permissions.can_manage_program(user, program):
        raise PermissionDenied(_("Only this program's managers can do that."))
    return program


# --- Managers ---------------------------------------------------------------------------

MAX_MANAGER_CANDIDATES = 200


def program_managers(*, user: AnyUser, program: Program) -> QuerySet[User]:
    """The managers of a program, for those who see its design: managers, admins, sponsors."""
    if not permissions.can_view_program_aggregates(user, program):
        raise PermissionDenied(_("Only this program's managers and sponsors see its managers."))
    return program.managers.all().order_by("first_name", "last_name", "username")


def objective_get(*, program: Program, objective_id: int) -> Objective:
    """One objective of a program the caller has looked up for its manager."""
    objective = program.objectives.filter(pk=objective_id).first()
    if objective is None:
        raise NotFound(_("No such objective."))
    return objective


def program_manager_get(*, program: Program, user_id: int) -> User:
    """One manager of the program (the caller has looked the program up for its manager)."""
    manager = program.managers.filter(pk=user_id).first()
    if manager is None:
        raise NotFound(
            _("This person does not manage the program."), code=ErrorCode.MANAGER_NOT_LISTED
        )
    return manager


def manager_account_by_email(*, email: str) -> User:
    """The active account with this email, to add as a manager (the service checks its role)."""
    found = User.objects.filter(
        Q(username__iexact=email) | Q(email__iexact=email), is_active=True
    ).first()
    if found is None:
        raise ValidationFailed(
            _("No active account has the email %(email)s.") % {"email": email},
            code=ErrorCode.ACCOUNT_NOT_FOUND,
            details={"field": "email"},
            field="email",
        )
    return found


def manager_candidates(*, program: Program) -> list[User]:
    """Accounts that could be added as managers: active program managers and org admins who
    do not manage the program yet (the add form suggests their emails)."""
    eligible = RoleAssignment.objects.filter(
        role__in=[Role.PROGRAM_MANAGER, Role.ORG_ADMIN]
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=eligible, is_active=True)
        .exclude(pk__in=program.managers.values("pk"))
        .order_by("first_name", "last_name", "username")[:MAX_MANAGER_CANDIDATES]
    )


def cohorts_of_program(*, user: AnyUser, program: Program) -> QuerySet[Cohort]:
    qs = Cohort.objects.filter(program=program).select_related("program")
    if permissions.can_view_program_aggregates(user, program):
        return _with_counts(qs).order_by("-starts_on", "pk")
    return qs.filter(phase__in=PUBLIC_PHASES).order_by("-starts_on", "pk")


def cohort_get(*, user: AnyUser, cohort_id: int) -> Cohort:
    """A cohort's public view: published cohorts for employees; managers see drafts too."""
    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None or not permissions.can_view_cohort(user, cohort):
        raise NotFound(_("No such cohort."))
    return cohort


def cohort_get_for_manager(*, user: AnyUser, cohort_id: int) -> Cohort:
    cohort = cohort_get(user=user, cohort_id=cohort_id)
    if not permissions.can_manage_cohort(user, cohort):
        raise PermissionDenied(_("Only this program's managers can do that."))
    return cohort


def cohort_get_aggregates(*, user: AnyUser, cohort_id: int) -> Cohort:
    """A cohort with its counts, for managers, admins and sponsors."""
    cohort = cohort_get(user=user, cohort_id=cohort_id)
    if not permissions.can_view_program_aggregates(user, cohort.program):
        raise PermissionDenied(_("Only this program's managers and sponsors see this."))
    annotated = _with_counts(Cohort.objects.select_related("program")).get(pk=cohort.pk)
    return annotated


def cohorts_joinable(*, user: AnyUser) -> QuerySet[Cohort]:
    """Cohorts an employee can act on now: survey running or applications open."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return (
        Cohort.objects.filter(phase__in=JOINABLE_PHASES)
        .select_related("program")
        .order_by("applications_close_on", "starts_on", "pk")
    )


def phase_history(*, cohort: Cohort) -> QuerySet[CohortPhaseChange]:
    return cohort.phase_changes.select_related("actor").order_by("at", "pk")


def survey_of(*, cohort: Cohort) -> InterestSurvey:
    survey = InterestSurvey.objects.filter(cohort=cohort).first()
    if survey is None:
        raise NotFound(_("This cohort has no interest survey."))
    survey.cohort = cohort
    return survey


def survey_answered(*, survey: InterestSurvey, user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and SurveyParticipation.objects.filter(survey=survey, user_id=user.pk).exists()
    )


def percent(part: int, whole: int) -> float:
    return 0.0 if whole == 0 else round(100.0 * part / whole, 1)


@dataclass(frozen=True)
class Tally:
    """One option's count; `count` and `percent` are None when the privacy floor hides it."""

    label: str
    count: int | None
    percent: float | None

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class SurveyResults:
    """Counts and percentages, or `shown=False` below the minimum group size."""

    responses: int
    minimum: int
    shown: bool
    would_mentor: list[Tally]
    would_be_mentored: list[Tally]
    comfort: list[Tally]
    topics: list[Tally]
    comfort_average: float | None


def survey_results(*, user: AnyUser, survey: InterestSurvey) -> SurveyResults:
    """Aggregates of an interest survey, through the privacy floor (`common.privacy`).

    Nothing is shown below the floor of answers. Above it, a single-choice question hides
    the options fewer than the floor chose, and enough others that none can be worked out
    from the total; a topic (several may be chosen, no total) hides small counts only.
    """
    if not permissions.can_view_program_aggregates(user, survey.cohort.program):
        raise PermissionDenied(_("Only this program's managers and sponsors see the results."))
    minimum = min_group_size()
    total = SurveyParticipation.objects.filter(survey=survey).count()
    if not meets_floor(total):
        return SurveyResults(total, minimum, False, [], [], [], [], None)
    counts: dict[tuple[str, str], int] = {
        (question, option): n
        for question, option, n in SurveyTally.objects.filter(survey=survey).values_list(
            "question", "option", "count"
        )
    }

    def tally(question: str, labels: list[tuple[str, str]], *, single: bool) -> list[Tally]:
        raw = {key: counts.get((question, key), 0) for key, _label in labels}
        safe = suppress_counts(raw, total_shown=single)
        return [
            Tally(
                label,
                safe[key],
                None if safe[key] is None else percent(safe[key] or 0, total),
            )
            for key, label in labels
        ]

    willingness = [(str(key), str(label)) for key, label in Willingness.choices]
    comfort_counts = {int(o): counts.get((SurveyQuestion.COMFORT, o), 0) for o in COMFORT_OPTIONS}
    return SurveyResults(
        responses=total,
        minimum=minimum,
        shown=True,
        would_mentor=tally(SurveyQuestion.WOULD_MENTOR, willingness, single=True),
        would_be_mentored=tally(SurveyQuestion.WOULD_BE_MENTORED, willingness, single=True),
        comfort=tally(SurveyQuestion.COMFORT, [(o, o) for o in COMFORT_OPTIONS], single=True),
        topics=sorted(
            tally(SurveyQuestion.TOPIC, [(t, t) for t in survey.topics], single=False),
            key=lambda t: (-(t.count or 0), t.label),
        ),
        comfort_average=round(sum(k * n for k, n in comfort_counts.items()) / total, 2),
    )
