"""Pages: apply, see and edit one's applications, review a cohort's applications."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from turnabout.common import errors
from turnabout.common.htmx import is_htmx
from turnabout.common.pages import act, attempt
from turnabout.common.pagination import paginate, query_without_page
from turnabout.enrollment import permissions, selectors, services
from turnabout.enrollment.forms import (
    ApplicationForm,
    BulkDecisionForm,
    DecisionForm,
    QuestionForm,
)
from turnabout.enrollment.models import WORKING_STYLE, Application, ParticipantRole
from turnabout.enrollment.profile import eligibility_problem
from turnabout.people.models import Employee
from turnabout.programs import selectors as program_selectors
from turnabout.programs import views as program_views
from turnabout.programs.models import Cohort

REVIEW_PAGE_SIZE = 50


def _me(request: HttpRequest) -> Employee:
    return selectors.applicant_of(user=request.user)


def _form(
    request: HttpRequest,
    *,
    role: str,
    person: Employee,
    cohort: Cohort,
    application: Application | None,
) -> ApplicationForm:
    return ApplicationForm(
        request.POST or None,
        role=role,
        person=person,
        skills=selectors.skill_catalogue(),
        questions=selectors.questions_for(cohort=cohort),
        avoid_choices=list(selectors.people_to_avoid_choices(user=request.user)),
        application=application,
    )


# The profile's field names that the application form names differently.
FORM_FIELDS = {"agreed_to_guidelines": "agreed"}


def apply(request: HttpRequest, cohort_pk: int, role: str) -> HttpResponse:
    cohort = program_selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    if role not in ParticipantRole.values:
        raise errors.NotFound(_("No such role."))
    person = _me(request)
    existing = selectors.own_applications_in(user=request.user, cohort=cohort).get(role)
    if existing is not None and existing.is_active:
        return redirect(existing)
    problem = eligibility_problem(cohort.program, person, role)
    if not cohort.applications_are_open:
        problem = _("Applications to %(cohort)s are not open.") % {"cohort": cohort}
    form = _form(request, role=role, person=person, cohort=cohort, application=None)
    if request.method == "POST" and form.is_valid() and not problem:
        created = attempt(
            request,
            lambda: services.application_create(
                cohort, role=role, profile=form.to_profile(), acting_user=request.user
            ),
            form=form,
            fields=FORM_FIELDS,
            success=_("Thank you! Your application is in. You will hear from the program team."),
        )
        if created.ok:
            return redirect(created.value)
    return render(
        request,
        "enrollment/application_form.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "role": role,
            "role_label": ParticipantRole(role).label,
            "form": form,
            "problem": problem,
            "application": None,
        },
    )


def application_edit(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, application_id=application_pk)
    if not permissions.can_edit_application(request.user, application):
        raise errors.PermissionDenied(_("Only the applicant can edit an application."))
    if not application.cohort.applications_are_open or not application.is_active:
        messages.error(request, _("Applications are closed: this one can no longer be changed."))
        return redirect(application)
    person = _me(request)
    form = _form(
        request,
        role=application.role,
        person=person,
        cohort=application.cohort,
        application=application,
    )
    if request.method == "POST" and form.is_valid():
        updated = attempt(
            request,
            lambda: services.application_update(
                application, changes=form.to_profile(), acting_user=request.user
            ),
            form=form,
            fields=FORM_FIELDS,
            success=_("Your application is updated."),
        )
        if updated.ok:
            return redirect(application)
    return render(
        request,
        "enrollment/application_form.html",
        {
            "cohort": application.cohort,
            "program": application.cohort.program,
            "role": application.role,
            "role_label": application.get_role_display(),
            "form": form,
            "problem": None,
            "application": application,
        },
    )


def application_detail(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, application_id=application_pk)
    is_applicant = permissions.is_applicant(request.user, application)
    can_review = permissions.can_review(request.user, application.cohort)
    questions = {str(q.pk): q for q in selectors.questions_for(cohort=application.cohort)}
    style = [
        (question, dict(options).get(application.working_style.get(key, ""), "—"))
        for key, (question, options) in WORKING_STYLE.items()
    ]
    return render(
        request,
        "enrollment/application_detail.html",
        {
            "application": application,
            "cohort": application.cohort,
            "is_applicant": is_applicant,
            "can_change": is_applicant
            and application.cohort.applications_are_open
            and application.is_active,
            "can_review": can_review,
            "decision_form": DecisionForm() if can_review else None,
            "answers": [
                (questions[key].text, ", ".join(value) if isinstance(value, list) else str(value))
                for key, value in application.answers.items()
                if key in questions
            ],
            "working_style": style,
        },
    )


@require_POST
def application_withdraw(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, application_id=application_pk)
    return act(
        request,
        lambda: services.application_withdraw(application, acting_user=request.user),
        success=_("Your application is withdrawn."),
        then=application,
    )


@require_POST
def application_decide(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, application_id=application_pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.application_decide(
                application, acting_user=request.user, **form.cleaned_data
            ),
            success=lambda decided: (
                _("%(name)s: %(status)s.")
                % {"name": decided.person.full_name, "status": decided.get_status_display()}
            ),
        )
    else:
        messages.error(request, _("Choose a decision."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(application)


def join(request: HttpRequest) -> HttpResponse:
    """ "Join a program": cohorts whose survey or applications are open."""
    return render(
        request,
        "programs/join.html",
        {"cohorts": program_selectors.cohorts_joinable(user=request.user)},
    )


def review(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    """The manager's list of a cohort's applications, with filters and bulk decisions."""
    cohort = program_selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    applications = selectors.application_filter(
        user=request.user, cohort=cohort, filters=request.GET, page=True
    )
    form = applications.form
    page = paginate(
        request, applications.filtered, per_page=REVIEW_PAGE_SIZE, keys=selectors.APPLICATION_ORDER
    )
    template = "_filtered_list.html#results" if is_htmx(request) else "enrollment/review.html"
    return render(
        request,
        template,
        {
            "cohort": cohort,
            "program": cohort.program,
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "decision_form": DecisionForm(),
            "counts": selectors.cohort_counts(user=request.user, cohort=cohort),
            "table": "enrollment/_review_table.html",
        },
    )


@require_POST
def review_bulk(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = program_selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    raw_ids = [value for value in request.POST.getlist("applications") if value.isdigit()]
    form = BulkDecisionForm(request.POST, ids=[int(value) for value in raw_ids])
    back = reverse("enrollment:review", args=[cohort.pk])
    query = request.POST.get("query", "")
    if query and "\n" not in query:
        back = f"{back}?{query}"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    label = dict(Application.Status.choices)[form.cleaned_data["decision"]]
    return act(
        request,
        lambda: services.applications_decide(
            cohort,
            application_ids=form.cleaned_data["applications"],
            decision=form.cleaned_data["decision"],
            message=form.cleaned_data["message"],
            acting_user=request.user,
        ),
        success=lambda decided: (
            ngettext(
                "%(n)d application: %(status)s.", "%(n)d applications: %(status)s.", len(decided)
            )
            % {"n": len(decided), "status": label}
        ),
        then=back,
    )


@require_POST
def question_add(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = program_selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        added = attempt(
            request,
            lambda: services.question_add(cohort, acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("Question added to the application form."),
        )
        if added.ok:
            return redirect(cohort)
    return program_views.cohort_page(request, cohort, question_form=form)


@require_POST
def question_remove(request: HttpRequest, cohort_pk: int, question_pk: int) -> HttpResponse:
    cohort = program_selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    question = selectors.question_get(cohort=cohort, question_id=question_pk)
    return act(
        request,
        lambda: services.question_remove(question, acting_user=request.user),
        success=_("Question removed."),
        then=cohort,
    )
