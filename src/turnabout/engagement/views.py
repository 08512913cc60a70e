"""Pages of a pair's engagement: pair overview, agreement, sessions, goals, learning, journal.

Function views, each: look the object up through a scoped selector, call a service, and
redirect (post/redirect/get). Every page works without JavaScript; htmx swaps the
milestone list and the goal card in place when it is there.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from turnabout.common import errors
from turnabout.common.htmx import is_htmx
from turnabout.common.pages import act, attempt
from turnabout.common.pagination import paginate
from turnabout.engagement import permissions, selectors, services
from turnabout.engagement.forms import (
    AgreementForm,
    CancelForm,
    GoalUpdateForm,
    LearningForm,
    MilestoneForm,
    ReflectionForm,
    SessionForm,
    SessionLogForm,
)
from turnabout.engagement.ics import session_ics, zone_of
from turnabout.engagement.models import MentoringSession, Side
from turnabout.pairing.models import Mentorship

SESSIONS_PAGE = 20
LEARNING_PAGE = 20


# The services' field names that the session form names differently.
SESSION_FORM_FIELDS = {"starts_at": "day"}


def _pair_context(request: HttpRequest, mentorship: Mentorship) -> dict[str, Any]:
    side = permissions.side_of(request.user, mentorship) or Side.MENTOR
    partner = selectors.partner_of(mentorship, side)
    me = mentorship.mentor if side == Side.MENTOR else mentorship.mentee
    return {
        "m": mentorship,
        "side": side,
        "me": me,
        "partner": partner,
        "zone": zone_of(me).key,
        "partner_zone": zone_of(partner).key,
        "can_work": permissions.can_work_in_pair(request.user, mentorship),
    }


def _zone_example(context: dict[str, Any]) -> dict[str, str]:
    """ "10:00 for you is 14:30 for your partner" on today's date (offsets change with DST)."""
    zone, other = ZoneInfo(context["zone"]), ZoneInfo(context["partner_zone"])
    mine_at = datetime.combine(timezone.now().astimezone(zone).date(), time(10, 0), tzinfo=zone)
    return {
        "my_example": f"{mine_at:%H:%M}",
        "partner_example": f"{mine_at.astimezone(other):%H:%M}",
    }


def pair(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_pk)
    context = _pair_context(request, mentorship)
    now = timezone.now()
    upcoming = list(
        selectors.sessions_of_pair(mentorship)
        .filter(status=MentoringSession.Status.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at")[:3]
    )
    recent = [
        selectors.session_view(s, side=context["side"], now=now)
        for s in selectors.sessions_of_pair(mentorship).filter(starts_at__lt=now)[:5]
    ]
    context.update(
        {
            "agreement": selectors.agreement_of(mentorship),
            "upcoming": upcoming,
            "recent": recent,
            "goals": list(selectors.goals_of_pair(mentorship)),
            "learning": list(selectors.learning_of_pair(mentorship)[:4]),
            "cadence": selectors.cadence_days(mentorship),
        }
    )
    return render(request, "engagement/pair.html", context)


# --- Agreement --------------------------------------------------------------------------


def agreement(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_pk)
    context = _pair_context(request, mentorship)
    current = selectors.agreement_of(mentorship)
    goals = list(selectors.goals_of_pair(mentorship))
    form = AgreementForm.for_agreement(
        request.POST if request.method == "POST" else None, agreement=current, goals=goals
    )
    editing = request.method == "POST" or request.GET.get("edit") == "1" or current.pk is None
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: services.agreement_save(
                mentorship, data=form.to_input(), acting_user=request.user
            ),
            form=form,
            success=_("Agreement saved. Read it once more, then sign it."),
        )
        if saved.ok:
            return redirect("engagement:agreement", mentorship.pk)
    context.update(
        {
            "agreement": current,
            "goals": goals,
            "form": form,
            "editing": editing and context["can_work"],
        }
    )
    return render(request, "engagement/agreement.html", context)


@require_POST
def agreement_sign(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_pk)
    return act(
        request,
        lambda: services.agreement_sign(mentorship, acting_user=request.user),
        success=lambda signed: (
            _("Signed by both of you: you're all set.")
            if signed.is_signed
            else _("Signed. Your partner will sign too.")
        ),
        then=reverse("engagement:agreement", args=[mentorship.pk]),
    )


# --- Sessions ---------------------------------------------------------------------------


def session_new(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_pk)
    context = _pair_context(request, mentorship)
    zone = ZoneInfo(context["zone"])
    guides = selectors.guides_for(mentorship.cohort.program)
    current = selectors.agreement_of(mentorship)
    initial = SessionForm.suggested_start(
        cadence_days=current.cadence_days,
        minutes=current.session_minutes,
        zone=zone,
        today=timezone.now().astimezone(zone).date(),
    )
    initial["format"] = "video" if current.format == "hybrid" else current.format
    chosen = request.GET.get("guide", "")
    if chosen.isdigit():
        initial["guide"] = int(chosen)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        zone=zone,
        guides=guides,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        guide = form.cleaned_data["guide"]
        scheduled = attempt(
            request,
            lambda: services.session_schedule(
                mentorship,
                starts_at=form.starts_at(),
                minutes=form.cleaned_data["minutes"],
                format=form.cleaned_data["format"],
                place=form.cleaned_data["place"],
                video_url=form.cleaned_data["video_url"],
                agenda=form.agenda_text(),
                guide_id=guide.pk if guide else None,
                acting_user=request.user,
            ),
            form=form,
            fields=SESSION_FORM_FIELDS,
            success=_("Session scheduled. You and %(name)s get an email with a calendar invite.")
            % {"name": context["partner"].first_name},
        )
        if scheduled.ok:
            return redirect(scheduled.value)
    context.update({"form": form, "guides": list(guides), "session": None})
    context.update(_zone_example(context))
    return render(request, "engagement/session_form.html", context)


def session_edit(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_pk)
    context = _pair_context(request, session.mentorship)
    zone = ZoneInfo(context["zone"])
    guides = selectors.guides_for(session.mentorship.cohort.program)
    form = SessionForm.for_session(
        request.POST if request.method == "POST" else None,
        session=session,
        zone=zone,
        guides=guides,
    )
    if request.method == "POST" and form.is_valid():
        guide = form.cleaned_data["guide"]
        updated = attempt(
            request,
            lambda: services.session_update(
                session,
                starts_at=form.starts_at(),
                minutes=form.cleaned_data["minutes"],
                format=form.cleaned_data["format"],
                place=form.cleaned_data["place"],
                video_url=form.cleaned_data["video_url"],
                agenda=form.cleaned_data["agenda"],
                guide_id=guide.pk if guide else None,
                acting_user=request.user,
            ),
            form=form,
            fields=SESSION_FORM_FIELDS,
            success=_("Session updated; both of you get the updated invite."),
        )
        if updated.ok:
            return redirect(session)
    context.update({"form": form, "guides": list(guides), "session": session})
    context.update(_zone_example(context))
    return render(request, "engagement/session_form.html", context)


def session_page(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_pk)
    context = _pair_context(request, session.mentorship)
    context.update(
        {
            "view": selectors.session_view(session, side=context["side"]),
            "s": session,
            "cancel_form": CancelForm(),
            "changeable": session.status == MentoringSession.Status.SCHEDULED
            and session.starts_at > timezone.now()
            and not session.logs.all(),
        }
    )
    return render(request, "engagement/session.html", context)


@require_POST
def session_cancel(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_pk)
    form = CancelForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.session_cancel(session, note=note, acting_user=request.user),
        success=_("Session cancelled; both of you get a cancellation."),
        then=session,
    )


def session_log(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_pk)
    context = _pair_context(request, session.mentorship)
    view = selectors.session_view(session, side=context["side"])
    initial: dict[str, Any] = {"outcome": MentoringSession.Outcome.HELD}
    if view.my_log is not None:
        initial = {
            "outcome": view.my_log.outcome,
            "topics": [t.pk for t in view.my_log.topics.all()],
            "other_topics": view.my_log.other_topics,
            "rating": view.my_log.rating,
            "comment": view.my_log.comment,
        }
    form = SessionLogForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        logged = attempt(
            request,
            lambda: services.session_log(
                session,
                outcome=form.cleaned_data["outcome"],
                topic_ids=[t.pk for t in form.cleaned_data["topics"]],
                other_topics=form.cleaned_data["other_topics"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            ),
            form=form,
            success=_("Thanks, your log is saved."),
        )
        if logged.ok:
            return redirect(session)
    context.update({"s": session, "view": view, "form": form})
    return render(request, "engagement/session_log.html", context)


def session_ics_download(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_pk)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


def sessions(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    """The pair's session log: every session, newest first, a fixed number of queries."""
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_pk)
    context = _pair_context(request, mentorship)
    page = paginate(request, selectors.sessions_of_pair(mentorship), per_page=SESSIONS_PAGE)
    now = timezone.now()
    context.update(
        {
            "page": page,
            "views": [selectors.session_view(s, side=context["side"], now=now) for s in page],
        }
    )
    return render(request, "engagement/sessions.html", context)


# --- Goals ------------------------------------------------------------------------------


def _goal_context(request: HttpRequest, goal_pk: int) -> dict[str, Any]:
    goal = selectors.goal_get(user=request.user, goal_id=goal_pk)
    context = _pair_context(request, goal.mentorship)
    context.update(
        {
            "goal": goal,
            "milestones": list(goal.milestones.all()),
            "history": selectors.goal_history(goal),
            "form": GoalUpdateForm(initial={"status": goal.status, "progress": goal.progress}),
            "milestone_form": MilestoneForm(),
        }
    )
    return context


def goal(request: HttpRequest, goal_pk: int) -> HttpResponse:
    return render(request, "engagement/goal.html", _goal_context(request, goal_pk))


@require_POST
def goal_update(request: HttpRequest, goal_pk: int) -> HttpResponse:
    found = selectors.goal_get(user=request.user, goal_id=goal_pk)
    form = GoalUpdateForm(request.POST)
    if form.is_valid():
        updated = attempt(
            request,
            lambda: services.goal_update(
                found,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            ),
            form=form,
            success=_("Goal updated."),
        )
        if updated.ok:
            return redirect(found)
    # Refused: the page again, with what was typed and each error at its field.
    context = _goal_context(request, goal_pk)
    context["form"] = form
    return render(request, "engagement/goal.html", context)


def _milestones_changed(request: HttpRequest, goal_pk: int, error: str = "") -> HttpResponse:
    """The htmx answer to a milestone change: the milestone list, and the goal's history
    swapped out of band, so both show the change without a reload."""
    context = _goal_context(request, goal_pk)
    context["milestone_error"] = error
    return render(request, "engagement/goal.html#milestones_changed", context)


@require_POST
def milestone_add(request: HttpRequest, goal_pk: int) -> HttpResponse:
    found = selectors.goal_get(user=request.user, goal_id=goal_pk)
    form = MilestoneForm(request.POST)
    error = ""
    if form.is_valid():
        added = attempt(
            request,
            lambda: services.milestone_add(
                found,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                acting_user=request.user,
            ),
            show=False,
        )
        error = added.error.message if added.error else ""
    else:
        error = _("Name the milestone.")
    if is_htmx(request):
        return _milestones_changed(request, goal_pk, error)
    if error:
        messages.error(request, error)
    return redirect(found)


@require_POST
def milestone_toggle(request: HttpRequest, milestone_pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, milestone_id=milestone_pk)
    toggled = attempt(
        request,
        lambda: services.milestone_set_done(
            milestone, done=request.POST.get("done") == "1", acting_user=request.user
        ),
        show=False,
    )
    error = toggled.error.message if toggled.error else ""
    if is_htmx(request):
        return _milestones_changed(request, milestone.goal_id, error)
    if error:
        messages.error(request, error)
    return redirect(milestone.goal)


# --- Learning log and journal -------------------------------------------------------------


def learning(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.pair_get(user=request.user, mentorship_id=mentorship_pk)
    context = _pair_context(request, mentorship)
    form = LearningForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        added = attempt(
            request,
            lambda: services.learning_add(
                mentorship,
                text=form.cleaned_data["text"],
                skill_ids=[s.pk for s in form.cleaned_data["skills"]],
                acting_user=request.user,
            ),
            form=form,
            success=_("Added to your learning log."),
        )
        if added.ok:
            return redirect("engagement:learning", mentorship.pk)
    page = paginate(request, selectors.learning_of_pair(mentorship), per_page=LEARNING_PAGE)
    context.update({"form": form, "page": page})
    return render(request, "engagement/learning.html", context)


def reflections(request: HttpRequest) -> HttpResponse:
    if selectors.employee_of(request.user) is None:
        raise errors.NotFound(_("The journal is for participants."))
    pairs = selectors.my_pairs(user=request.user)
    form = ReflectionForm(request.POST if request.method == "POST" else None, pairs=pairs)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["mentorship"]
        saved = attempt(
            request,
            lambda: services.reflection_add(
                body=form.cleaned_data["body"],
                mentorship_id=chosen.pk if chosen else None,
                acting_user=request.user,
            ),
            form=form,
            success=_("Saved to your private journal."),
        )
        if saved.ok:
            return redirect("engagement:reflections")
    page = paginate(request, selectors.reflections_of_user(user=request.user), per_page=20)
    return render(request, "engagement/reflections.html", {"form": form, "page": page})


@require_POST
def reflection_delete(request: HttpRequest, reflection_pk: int) -> HttpResponse:
    found = selectors.reflection_get(user=request.user, reflection_id=reflection_pk)
    services.reflection_delete(found, acting_user=request.user)
    messages.success(request, _("Reflection deleted."))
    return redirect("engagement:reflections")


# --- Program view -----------------------------------------------------------------------


def programs(request: HttpRequest) -> HttpResponse:
    found = list(selectors.engaged_programs(user=request.user)[:50])
    if not found:
        raise errors.NotFound(_("No programs to show."))
    if len(found) == 1:
        return redirect("engagement:program", found[0].pk)
    return render(request, "engagement/programs.html", {"programs": found})


ENGAGEMENT_PAGE_SIZE = 50


def program(request: HttpRequest, program_pk: int) -> HttpResponse:
    found = selectors.program_get(user=request.user, program_id=program_pk)
    now = timezone.now()
    figures = selectors.program_engagement(user=request.user, program=found, now=now)
    context: dict[str, Any] = {
        "program": found,
        "figures": figures,
        "back": reverse("programs:detail", args=[found.pk]),
    }
    if figures.stalled is not None:  # the program's managers see the pairs, a page at a time
        pairs = selectors.engagement_pairs(user=request.user, program=found)
        page = paginate(
            request, pairs, per_page=ENGAGEMENT_PAGE_SIZE, keys=selectors.ENGAGEMENT_ORDER
        )
        context["page"] = page
        context["rows"] = selectors.pair_rows(pairs=page.object_list, now=now)
    return render(request, "engagement/program.html", context)
