"""Pages of recognition: my badges, certificates and stories; the manager's cohort page;
the public certificate verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from turnabout.common.errors import DomainError
from turnabout.enrollment.models import Application
from turnabout.people.models import Employee
from turnabout.programs.models import Phase
from turnabout.recognition import badges, selectors, services
from turnabout.recognition.forms import RecognitionForm, RevokeForm, StoryForm
from turnabout.recognition.models import SuccessStory


def mine(request: HttpRequest) -> HttpResponse:
    person = selectors.employee_of(request.user)
    pairs = selectors.my_pairs_at_wrap_up(user=request.user)
    stories = {s.mentorship_id: s for s in SuccessStory.objects.filter(mentorship__in=pairs)}
    return render(
        request,
        "recognition/mine.html",
        {
            "badges": selectors.badges_of(person) if person else [],
            "all_badges": badges.BADGES,
            "certificates": selectors.certificates_of_user(user=request.user),
            "pairs": [(m, stories.get(m.pk)) for m in pairs],
        },
    )


def story_edit(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_partner(user=request.user, mentorship_id=mentorship_pk)
    story = SuccessStory.objects.filter(mentorship=mentorship).first()
    form = StoryForm(
        request.POST or None,
        initial={"title": story.title, "body": story.body} if story else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.story_save(mentorship, acting_user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Story saved. Your partner is asked to agree to it."))
            return redirect("recognition:mine")
    side = "mentor" if mentorship.mentor.user_id == request.user.pk else "mentee"
    return render(
        request,
        "recognition/story_form.html",
        {"form": form, "mentorship": mentorship, "story": story, "side": side},
    )


@require_POST
def story_consent(request: HttpRequest, story_pk: int) -> HttpResponse:
    story = selectors.story_get(user=request.user, story_id=story_pk)
    consent = request.POST.get("consent") == "1"
    services.story_consent(story, acting_user=request.user, consent=consent)
    messages.success(
        request,
        _("You agreed to the story.") if consent else _("Consent withdrawn: it is not published."),
    )
    return redirect("recognition:mine")


def certificate_pdf(request: HttpRequest, certificate_pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_pk)
    if certificate.revoked_at is not None:
        messages.error(request, _("This certificate was revoked."))
        return redirect("recognition:mine")
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="certificate.pdf"'
    return response


@login_not_required
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a certificate is genuine (name, program, date; nothing else)."""
    certificate = selectors.certificate_by_code(code)
    response = render(
        request,
        "recognition/verify.html",
        {"certificate": certificate},
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def cohort(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    """The manager's recognition page: certificates, stories, a recognition badge."""
    c = selectors.cohort_for_manager(user=request.user, cohort_id=cohort_pk)
    people = [
        (a.person_id, f"{a.person.full_name} ({a.get_role_display()})")
        for a in Application.objects.filter(cohort=c, status=Application.Status.ACCEPTED)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    ]
    form = RecognitionForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = Employee.objects.get(pk=form.cleaned_data["person"])
        try:
            services.badge_award_recognition(
                c, person=person, citation=form.cleaned_data["citation"], acting_user=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Recognition awarded."))
            return redirect("recognition:cohort", cohort_pk=c.pk)
    return render(
        request,
        "recognition/cohort.html",
        {
            "cohort": c,
            "program": c.program,
            "certificates": selectors.certificates_of_cohort(user=request.user, cohort=c),
            "stories": selectors.stories_of_cohort(user=request.user, cohort=c),
            "form": form,
            "revoke_form": RevokeForm(),
            "closed": c.phase == Phase.CLOSED,
        },
    )


@require_POST
def certificates_issue(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    c = selectors.cohort_for_manager(user=request.user, cohort_id=cohort_pk)
    try:
        issued = services.certificates_issue(c, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext("%(n)d certificate issued.", "%(n)d certificates issued.", len(issued))
            % {"n": len(issued)},
        )
    return redirect("recognition:cohort", cohort_pk=c.pk)


@require_POST
def certificate_revoke(request: HttpRequest, certificate_pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the certificate is revoked."))
    else:
        try:
            services.certificate_revoke(
                certificate, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Certificate revoked."))
    return redirect("recognition:cohort", cohort_pk=certificate.cohort_id)


@require_POST
def story_publish(request: HttpRequest, story_pk: int) -> HttpResponse:
    story = selectors.story_get(user=request.user, story_id=story_pk)
    try:
        services.story_publish(story, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Story published."))
    return redirect("recognition:cohort", cohort_pk=story.mentorship.cohort_id)
