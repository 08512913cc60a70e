"""Pages for programs, cohorts and interest surveys. Thin: parse, look up, call, redirect."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.common import hooks
from turnabout.common.errors import PermissionDenied
from turnabout.common.pages import act, attempt
from turnabout.people import selectors as people_selectors
from turnabout.people.selectors import person_for_user
from turnabout.programs import permissions, selectors, services
from turnabout.programs.forms import (
    CohortForm,
    ManagerAddForm,
    ObjectiveForm,
    PhaseForm,
    ProgramForm,
    SurveyAnswerForm,
    SurveySetupForm,
)
from turnabout.programs.hooks import cohort_applications
from turnabout.programs.models import Cohort, Phase, Program
from turnabout.programs.services import ObjectiveData


def _org_choices(request: HttpRequest) -> dict[str, list[str]]:
    """The organisation's departments and locations, to choose who a program is open to."""
    return people_selectors.filter_choices(user=request.user)


def program_list(request: HttpRequest) -> HttpResponse:
    programs = selectors.program_list_with_counts(user=request.user)
    return render(
        request,
        "programs/program_list.html",
        {
            "programs": programs,
            "can_create": permissions.can_create_program(request.user),
        },
    )


def program_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_program(request.user):
        raise PermissionDenied(_("Only program managers and org admins can create programs."))
    form = ProgramForm(request.POST or None, **_org_choices(request))
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request,
            lambda: services.program_create(data=form.cleaned_data, acting_user=request.user),
            form=form,
            success=_("Program created. Add its objectives and a first cohort."),
        )
        if created.ok:
            return redirect(created.value)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


def program_detail(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, program_id=program_pk)
    if not permissions.can_view_program_aggregates(request.user, program):
        public = selectors.cohorts_of_program(user=request.user, program=program).first()
        if public is not None:
            return redirect("programs:public", cohort_pk=public.pk)
        raise PermissionDenied(_("Only this program's managers see its design."))
    return _program_page(request, program)


def _program_page(
    request: HttpRequest,
    program: Program,
    *,
    objective_form: ObjectiveForm | None = None,
    manager_form: ManagerAddForm | None = None,
) -> HttpResponse:
    """The program's page; a refused form comes back bound, its values and errors kept."""
    can_manage = permissions.can_manage_program(request.user, program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "objectives": list(program.objectives.all()),
            "cohorts": selectors.cohorts_with_counts(user=request.user, program=program),
            "can_manage": can_manage,
            "objective_form": (objective_form or ObjectiveForm()) if can_manage else None,
            "managers": list(selectors.program_managers(user=request.user, program=program)),
            "manager_form": (manager_form or ManagerAddForm()) if can_manage else None,
            "manager_candidates": selectors.manager_candidates(program=program)
            if can_manage
            else [],
            # Sections that higher apps add (KPI values from insights), through the hook.
            "extra_sections": [
                html for _name, hook in hooks.program_sections() if (html := hook(request, program))
            ],
        },
    )


def program_edit(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_pk)
    form = ProgramForm(
        request.POST or None, initial=ProgramForm.initial_from(program), **_org_choices(request)
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: services.program_update(
                program, data=form.cleaned_data, acting_user=request.user
            ),
            form=form,
            success=_("Program saved."),
        )
        if saved.ok:
            return redirect(program)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


@require_POST
def objective_add(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_pk)
    form = ObjectiveForm(request.POST)
    if form.is_valid():
        added = attempt(
            request,
            lambda: services.objective_add(
                program, objective=ObjectiveData(**form.cleaned_data), acting_user=request.user
            ),
            form=form,
            success=_("Objective added."),
        )
        if added.ok:
            return redirect(program)
    return _program_page(request, program, objective_form=form)


@require_POST
def objective_remove(request: HttpRequest, program_pk: int, objective_pk: int) -> HttpResponse:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_pk)
    objective = selectors.objective_get(program=program, objective_id=objective_pk)
    services.objective_remove(objective, acting_user=request.user)
    messages.success(request, _("Objective removed."))
    return redirect(program)


@require_POST
def manager_add(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_pk)
    form = ManagerAddForm(request.POST)
    if form.is_valid():

        def add() -> User:
            account = selectors.manager_account_by_email(email=form.cleaned_data["email"])
            services.program_manager_add(program, user=account, acting_user=request.user)
            return account

        added = attempt(
            request,
            add,
            success=lambda account: (
                _("%(name)s now manages this program.")
                % {"name": account.get_full_name() or account.get_username()}
            ),
            show=False,
        )
        if added.ok:
            return redirect(_managers_card(program))
        assert added.error is not None
        form.add_error("email", added.error.message)
    return _program_page(request, program, manager_form=form)


@require_POST
def manager_remove(request: HttpRequest, program_pk: int, user_pk: int) -> HttpResponse:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_pk)
    manager = selectors.program_manager_get(program=program, user_id=user_pk)
    removed = attempt(
        request,
        lambda: services.program_manager_remove(program, user=manager, acting_user=request.user),
        success=_("%(name)s no longer manages this program.")
        % {"name": manager.get_full_name() or manager.get_username()},
    )
    if not removed.ok:
        return redirect(_managers_card(program))
    if not permissions.can_view_program_aggregates(request.user, program):
        return redirect("programs:list")  # they took themselves off the program
    return redirect(_managers_card(program))


def _managers_card(program: Program) -> str:
    return f"{program.get_absolute_url()}#managers"


def cohort_create(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get_for_manager(user=request.user, program_id=program_pk)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request,
            lambda: services.cohort_create(program, acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("Cohort created in the draft phase."),
        )
        if created.ok:
            return redirect(created.value)
    return render(
        request, "programs/cohort_form.html", {"form": form, "program": program, "cohort": None}
    )


def cohort_edit(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    initial = {
        name: getattr(cohort, name)
        for name in (
            "name",
            "applications_open_on",
            "applications_close_on",
            "starts_on",
            "ends_on",
        )
    }
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: services.cohort_update(
                cohort, data=form.cleaned_data, acting_user=request.user
            ),
            form=form,
            success=_("Cohort saved."),
        )
        if saved.ok:
            return redirect(cohort)
    return render(
        request,
        "programs/cohort_form.html",
        {"form": form, "program": cohort.program, "cohort": cohort},
    )


def _stepper(current: str, visited: set[str]) -> list[dict[str, str]]:
    """Every phase in order, marked done, skipped, current or upcoming (for the phase bar)."""
    order = list(Phase.values)
    here = order.index(current)

    def state(i: int, phase: str) -> str:
        if i == here:
            return "current"
        if i > here:
            return "upcoming"
        return "done" if phase in visited else "skipped"

    return [
        {"phase": phase, "label": str(Phase(phase).label), "state": state(i, phase)}
        for i, phase in enumerate(order)
    ]


def cohort_detail(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    """The manager's (and sponsor's) view of a cohort: phase, counts, survey, form, history."""
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    if not permissions.can_view_program_aggregates(request.user, cohort.program):
        return redirect("programs:public", cohort_pk=cohort.pk)
    return cohort_page(request, cohort)


def cohort_page(
    request: HttpRequest,
    cohort: Cohort,
    *,
    survey_form: forms.Form | None = None,
    question_form: forms.Form | None = None,
) -> HttpResponse:
    """The cohort page; a form refused on it comes back bound (values and errors kept).

    The enrollment app's question form posts to enrollment and comes back here through it.
    """
    applications = cohort_applications()
    can_manage = permissions.can_manage_cohort(request.user, cohort)
    survey = selectors.survey_of(cohort=cohort)
    history = list(selectors.phase_history(cohort=cohort))
    context: dict[str, Any] = {
        "cohort": cohort,
        "program": cohort.program,
        "can_manage": can_manage,
        "counts": applications.counts(user=request.user, cohort=cohort),
        "history": history,
        "survey": survey,
        "results": selectors.survey_results(user=request.user, survey=survey),
        "next_phases": [(phase, Phase(phase).label) for phase in cohort.next_phases],
        "stepper": _stepper(cohort.phase, {change.to_phase for change in history}),
        "survey_editable": can_manage and cohort.phase in (Phase.DRAFT, Phase.INTEREST_SURVEY),
        "survey_skipped": Phase.INTEREST_SURVEY not in {change.to_phase for change in history}
        and cohort.phase not in (Phase.DRAFT,),
        "questions": applications.questions(cohort=cohort),
        "questions_editable": can_manage
        and cohort.phase in (Phase.DRAFT, Phase.INTEREST_SURVEY, Phase.APPLICATIONS_OPEN),
    }
    if can_manage:
        context["survey_form"] = survey_form or SurveySetupForm(
            initial={"intro": survey.intro, "topics": "\n".join(survey.topics)}
        )
    if context["questions_editable"]:
        context["question_form"] = question_form or applications.question_form()
    return render(request, "programs/cohort_detail.html", context)


@require_POST
def cohort_phase(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the phase to move to."))
        return redirect(cohort)
    return act(
        request,
        lambda: services.cohort_change_phase(
            cohort,
            to_phase=form.cleaned_data["to_phase"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
        success=lambda moved: (
            _("%(cohort)s is now in the %(phase)s phase.")
            % {"cohort": moved.name, "phase": moved.get_phase_display()}
        ),
        then=cohort,
    )


@require_POST
def survey_setup(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    survey = selectors.survey_of(cohort=cohort)
    form = SurveySetupForm(request.POST)
    if form.is_valid():
        saved = attempt(
            request,
            lambda: services.survey_update(
                survey,
                intro=form.cleaned_data["intro"],
                topics=form.cleaned_data["topics"],
                acting_user=request.user,
            ),
            form=form,
            success=_("Survey saved."),
        )
        if saved.ok:
            return redirect(cohort)
    return cohort_page(request, cohort, survey_form=form)


def survey_answer(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    survey = selectors.survey_of(cohort=cohort)
    answered = selectors.survey_answered(survey=survey, user=request.user)
    form = SurveyAnswerForm(request.POST or None, topics=list(survey.topics))
    if request.method == "POST" and not answered and form.is_valid():
        answered_now = attempt(
            request,
            lambda: services.survey_respond(survey, acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("Thank you! Your answer was recorded anonymously."),
        )
        if answered_now.ok:
            return redirect("enrollment:join")
    return render(
        request,
        "programs/survey_form.html",
        {"cohort": cohort, "survey": survey, "form": form, "answered": answered},
    )


def cohort_public(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    """The public program page of a cohort: purpose, benefits, commitment, Apply buttons."""
    applications = cohort_applications()
    cohort = selectors.cohort_get(user=request.user, cohort_id=cohort_pk)
    program = cohort.program
    me = person_for_user(user=request.user)
    mine = applications.own_applications(user=request.user, cohort=cohort)
    roles = []
    for role, label, welcome in (
        ("mentor", _("Mentor"), program.welcome_mentor),
        ("mentee", _("Mentee"), program.welcome_mentee),
    ):
        problem = applications.eligibility_problem(program, me, role) if me is not None else None
        roles.append(
            {
                "role": role,
                "label": label,
                "welcome": welcome,
                "application": mine.get(role),
                "problem": problem,
                "responsibilities": getattr(program, f"{role}_responsibilities"),
            }
        )
    survey = selectors.survey_of(cohort=cohort)
    return render(
        request,
        "programs/cohort_public.html",
        {
            "cohort": cohort,
            "program": program,
            "objectives": list(program.objectives.all()),
            "roles": roles,
            "can_apply": applications.can_apply(request.user) and cohort.applications_are_open,
            "survey_open": survey.is_open,
            "survey_answered": selectors.survey_answered(survey=survey, user=request.user),
            "can_manage": permissions.can_manage_cohort(request.user, cohort),
            "is_participant": me is not None,
        },
    )
