"""Pages of surveys: the managers' builder and results, the participants' answer page.

Function views: look the object up through a scoped selector, call a service, redirect
(post/redirect/get). The answer page works without JavaScript on a phone: radio buttons
and check boxes, a draft button, and errors shown at each question with the input kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.common import errors
from turnabout.common.pages import attempt, show_error
from turnabout.common.privacy import min_group_size
from turnabout.feedback import builtin, exports, permissions, selectors, services
from turnabout.feedback.forms import QuestionForm, SurveyForm, answer_values, grid_field
from turnabout.feedback.models import PairFitFlag, Question, Survey
from turnabout.feedback.tasks import privacy_sentence

# --- Participants -----------------------------------------------------------------------


def mine(request: HttpRequest) -> HttpResponse:
    """My surveys: those waiting for me, my own growth chart and my own answers."""
    return render(
        request,
        "feedback/mine.html",
        {
            "open": selectors.open_surveys_for(request.user),
            "growth": selectors.own_growth(request.user),
            "answers": selectors.own_answers(request.user),
        },
    )


def _answer_items(questions: list[Question], values: dict[str, Any]) -> list[dict[str, Any]]:
    """What the template needs per question: its fields' names and the current values."""
    items = []
    for q in questions:
        name = str(q.pk)
        value = values.get(name)
        item: dict[str, Any] = {"q": q, "name": name, "value": value}
        if q.scale:
            low, high = q.scale
            item["points"] = [str(v) for v in range(low, high + 1)]
            item["value"] = "" if value in (None, "") else str(value)
        if q.kind == Question.Kind.SKILL_GRID:
            grid = value if isinstance(value, dict) else {}
            item["rows"] = [
                {
                    "topic": topic,
                    "field": grid_field(q, i),
                    "value": "" if grid.get(topic) in (None, "") else str(grid.get(topic)),
                }
                for i, topic in enumerate(q.options)
            ]
        if q.kind == Question.Kind.MULTIPLE:
            item["value"] = value if isinstance(value, list) else []
        items.append(item)
    return items


def answer(request: HttpRequest, invitation_pk: int) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, invitation_id=invitation_pk)
    survey = invitation.survey
    questions = selectors.questions_of(survey)
    today = timezone.localdate()
    field_errors: dict[str, str] = {}
    form_error = ""
    if request.method == "POST":
        values = answer_values(questions, request.POST)
        submit = "draft" not in request.POST
        try:
            saved = services.response_save(
                invitation, data=values, submit=submit, acting_user=request.user, today=today
            )
        except errors.DomainError as exc:
            form_error = exc.message
            if isinstance(exc.details, dict):
                field_errors = dict(exc.details.get("fields", {}))
        else:
            if not saved.submitted:
                messages.success(request, _("Draft saved. Come back any time before it closes."))
                return redirect("feedback:answer", invitation.pk)
            messages.success(request, _("Thank you: your answers are in."))
            return redirect("feedback:mine")
    else:
        values = selectors.draft_values(invitation) if not survey.is_anonymous else {}
    items = _answer_items(questions, values)
    for item in items:
        item["error"] = field_errors.get(item["name"], "")
    partner = None
    if invitation.mentorship is not None:
        m = invitation.mentorship
        partner = m.mentee if invitation.role == "mentor" else m.mentor
    return render(
        request,
        "feedback/answer.html",
        {
            "invitation": invitation,
            "survey": survey,
            "items": items,
            "privacy": privacy_sentence(survey.mode),
            "form_error": form_error,
            "is_open": services.invitation_is_open(invitation, today=today),
            "partner": partner,
            "preview": False,
        },
        status=422 if form_error else 200,
    )


def fit_flag(request: HttpRequest, flag_pk: int) -> HttpResponse:
    """The mentee's offer of a new match after a "not a good fit" answer."""
    flag = selectors.fit_flag_get_for_mentee(user=request.user, flag_id=flag_pk)
    if request.method == "POST":
        try:
            services.fit_flag_request_rematch(flag, acting_user=request.user)
        except errors.DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Your pair has ended and the program team will find you a new match."),
            )
        return redirect("feedback:fit_flag", flag.pk)
    return render(
        request,
        "feedback/fit_flag.html",
        {"flag": flag, "offered": services.rematch_offered(flag)},
    )


# --- Managers ---------------------------------------------------------------------------


def cohort_surveys(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    return render(
        request,
        "feedback/cohort.html",
        {
            "cohort": cohort,
            "surveys": selectors.surveys_of_cohort(cohort),
            "templates": list(builtin.TEMPLATES.values()),
            "flags": selectors.fit_flags(user=request.user, cohort=cohort),
        },
    )


@require_POST
def survey_new(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_manager(user=request.user, cohort_id=cohort_pk)
    try:
        survey = services.survey_create(
            cohort, template=request.POST.get("template", ""), acting_user=request.user
        )
    except errors.DomainError as exc:
        messages.error(request, exc.message)
        return redirect("feedback:cohort", cohort.pk)
    messages.success(request, _("Survey added as a draft: check it, then open it."))
    return redirect(survey)


def survey_page(request: HttpRequest, survey_pk: int) -> HttpResponse:
    """The builder: settings, questions (add, edit, move, delete), open and close."""
    survey = selectors.survey_get(user=request.user, survey_id=survey_pk)
    form = SurveyForm(request.POST or None, instance=None, initial=None)
    if request.method != "POST":
        form = SurveyForm(instance=survey)
    elif form.is_valid():
        try:
            services.survey_update(survey, data=form.cleaned_data, acting_user=request.user)
        except errors.DomainError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Survey saved."))
            return redirect(survey)
    return _builder(request, survey, form=form)


def _builder(
    request: HttpRequest,
    survey: Survey,
    *,
    form: SurveyForm | None = None,
    question_form: QuestionForm | None = None,
) -> HttpResponse:
    """The builder page; a refused form comes back bound, its values and errors kept."""
    return render(
        request,
        "feedback/survey.html",
        {
            "survey": survey,
            "form": form or SurveyForm(instance=survey),
            "questions": selectors.questions_of(survey),
            "question_form": question_form or QuestionForm(),
            "editable": survey.status != Survey.Status.CLOSED and not services.has_answers(survey),
            "privacy": privacy_sentence(survey.mode),
        },
    )


def survey_preview(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, survey_id=survey_pk)
    return render(
        request,
        "feedback/answer.html",
        {
            "survey": survey,
            "items": _answer_items(selectors.questions_of(survey), {}),
            "privacy": privacy_sentence(survey.mode),
            "is_open": False,
            "preview": True,
        },
    )


@require_POST
def survey_open(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, survey_id=survey_pk)
    try:
        services.survey_open(survey, acting_user=request.user)
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The survey is open: invitations go out on its schedule."))
    return redirect(survey)


@require_POST
def survey_close(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, survey_id=survey_pk)
    try:
        services.survey_close(survey, acting_user=request.user)
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The survey is closed; its answers are kept read-only."))
    return redirect(survey)


@require_POST
def question_new(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, survey_id=survey_pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        added = attempt(
            request,
            lambda: services.question_add(survey, acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("Question added."),
        )
        if added.ok:
            return redirect(survey)
    return _builder(request, survey, question_form=form)


def _question(request: HttpRequest, question_pk: int) -> Question:
    question = Question.objects.select_related("survey__cohort__program").filter(pk=question_pk)
    found = question.first()
    if found is None or not permissions.can_manage_surveys(request.user, found.survey.cohort):
        raise errors.NotFound(_("No such question."))
    return found


def question_edit(request: HttpRequest, question_pk: int) -> HttpResponse:
    question = _question(request, question_pk)
    initial = {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "required": question.required,
        "options": "\n".join(question.options),
    }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_update(
                question,
                text=data["text"],
                help_text=data["help_text"],
                required=data["required"],
                options=data["options"],
                acting_user=request.user,
            )
        except errors.DomainError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, _("Question saved."))
            return redirect(question.survey)
    return render(request, "feedback/question.html", {"question": question, "form": form})


@require_POST
def question_delete(request: HttpRequest, question_pk: int) -> HttpResponse:
    question = _question(request, question_pk)
    survey = question.survey
    try:
        services.question_delete(question, acting_user=request.user)
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect(survey)


@require_POST
def question_move(request: HttpRequest, question_pk: int) -> HttpResponse:
    question = _question(request, question_pk)
    try:
        services.question_move(
            question, up=request.POST.get("direction") == "up", acting_user=request.user
        )
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect(question.survey)


def results(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, survey_id=survey_pk, manage=False)
    found = selectors.survey_results(user=request.user, survey=survey)
    return render(
        request,
        "feedback/results.html",
        {
            "survey": survey,
            "r": found,
            "pairs": selectors.pair_answers(user=request.user, survey=survey),
            "cohorts": selectors.program_breakdown(user=request.user, survey=survey),
            "floor": min_group_size(),
            "can_manage": permissions.can_manage_surveys(request.user, survey.cohort),
        },
    )


def export(request: HttpRequest, survey_pk: int, fmt: str) -> HttpResponseBase:
    survey = selectors.survey_get(user=request.user, survey_id=survey_pk)  # managers only
    if fmt not in ("csv", "xlsx"):
        raise errors.NotFound(_("No such export."))
    found = selectors.survey_results(user=request.user, survey=survey)
    return exports.results_response(found, fmt=fmt)


@require_POST
def fit_flag_resolve(request: HttpRequest, flag_pk: int) -> HttpResponse:
    flag = PairFitFlag.objects.select_related("mentorship__cohort__program").filter(pk=flag_pk)
    found = flag.first()
    if found is None or not permissions.can_manage_surveys(request.user, found.mentorship.cohort):
        raise errors.NotFound(_("No such flag."))
    services.fit_flag_resolve(found, acting_user=request.user)
    return redirect("feedback:cohort", found.mentorship.cohort_id)
