"""The world the authorisation matrix walks: one program with two active pairs (A and B)
and everything a pair, a cohort and a program can own, built once through the real
services, plus a second program with its own manager, a sponsor and an org admin.

Every id the matrix fills into a URL belongs to pair B's side of the world (participant B is
pair B's mentee), so participant A, the other program's manager and the sponsor ask for
objects that are not theirs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from turnabout.accounts.access_table import (
    MANAGER_ELSEWHERE,
    MANAGER_HERE,
    ORG_ADMIN,
    OTHER_PARTICIPANT,
    OWNER,
    SPONSOR,
)
from turnabout.accounts.models import Role
from turnabout.accounts.services import role_grant, token_create
from turnabout.engagement import services as engagement
from turnabout.enrollment.models import Application, CustomQuestion
from turnabout.feedback import services as feedback
from turnabout.feedback.models import Invitation, PairFitFlag
from turnabout.feedback.tests.factories import NOW, build_pairs
from turnabout.integrations.models import ChatChannel, Delivery, WebhookEndpoint
from turnabout.learning import services as learning
from turnabout.learning.models import StoredFile
from turnabout.pairing.models import MatchRun, Proposal
from turnabout.people.models import Employee, Skill
from turnabout.programs.services import ObjectiveData, objective_add
from turnabout.programs.tests.factories import make_program
from turnabout.recognition.models import Certificate, SuccessStory

_n = itertools.count(1)

#: Participant B's name: nobody who may not see B's things finds it in an answer.
OWNER_NAME = "Ottoline Bexworth"


def make_user(*roles: Role) -> Any:
    n = next(_n)
    email = f"matrix{n}@example.com"
    user = get_user_model().objects.create_user(
        username=email, email=email, password="correct-horse-42"
    )
    for role in roles:
        role_grant(user, role, acting_user=None)
    Employee.objects.create(
        employee_id=f"M{n:05d}",
        first_name=f"First{n}",
        last_name=f"Last{n}",
        email=email,
        user=user,
        title="Analyst",
        department="Finance",
        location="London",
        timezone="Europe/London",
        level=3,
    )
    return user


@dataclass
class World:
    users: dict[str, Any]
    ids: dict[str, object]  # URL parameter name -> value (pair B's side of the world)
    route_ids: dict[str, dict[str, object]] = field(default_factory=dict)  # per route name

    def values_for(self, route_name: str) -> dict[str, object]:
        return {**self.ids, **self.route_ids.get(route_name, {})}


def build_world() -> World:
    manager = make_user(Role.PROGRAM_MANAGER)
    p = build_pairs(manager, make_user, n=2, name="Matrix")
    cohort, program = p.cohort, p.cohort.program
    pair_b, pair_a = p.pairs[0], p.pairs[1]
    owner, mentor_b = p.mentee_user(pair_b), p.mentor_user(pair_b)
    other = p.mentee_user(pair_a)
    first, last = OWNER_NAME.split()
    Employee.objects.filter(pk=pair_b.mentee_id).update(first_name=first, last_name=last)
    elsewhere = make_user(Role.PROGRAM_MANAGER)
    other_program = make_program(elsewhere, name="Elsewhere")
    sponsor = make_user(Role.SPONSOR)
    admin = make_user(Role.ORG_ADMIN)

    # Pair B's engagement: agreement and goal, a held session with its log, learning,
    # the owner's reflection.
    engagement.agreement_save(
        pair_b,
        data=engagement.AgreementInput(goals=[engagement.GoalInput("Post one short video")]),
        acting_user=mentor_b,
        now=NOW,
    )
    goal = pair_b.goals.get()
    milestone = engagement.milestone_add(goal, title="Draft a script", acting_user=owner, now=NOW)
    start = NOW + timedelta(days=1)
    session = engagement.session_schedule(
        pair_b, starts_at=start, minutes=45, format="video", acting_user=mentor_b, now=NOW,
        notify=False,
    )  # fmt: skip
    skill = Skill.objects.get_or_create(name="TikTok")[0]
    engagement.session_log(
        session, outcome="held", topic_ids=[skill.pk], rating=4, acting_user=owner, now=start
    )
    engagement.learning_add(pair_b, text="Hooks in 3 s", acting_user=owner)
    reflection = engagement.reflection_add(
        body="A private thought", mentorship_id=pair_b.pk, acting_user=owner
    )

    # The cohort's survey with the owner's invitation, and a fit flag on pair B.
    survey = feedback.survey_create(cohort, template="midpoint", acting_user=manager)
    feedback.survey_update(survey, data={"trigger": "manual"}, acting_user=manager)
    feedback.survey_open(survey, acting_user=manager, now=NOW)
    invitation = Invitation.objects.get(survey=survey, person=pair_b.mentee)
    survey_question = survey.questions.order_by("position").first()
    assert survey_question is not None
    flag = PairFitFlag.objects.create(mentorship=pair_b, role="mentee")

    # Program: a KPI, an application question, learning content.
    objective = objective_add(
        program,
        objective=ObjectiveData("Leaders use AI", "mentee_self_rating_change", 1, "points"),
        acting_user=manager,
    )
    # (the form is fixed once applications close: a question as it was added before)
    cohort_question = CustomQuestion.objects.create(cohort=cohort, text="Why now?", kind="text")
    module = learning.module_create(program, acting_user=manager, title="Basics")
    upload = SimpleUploadedFile("handout.pdf", b"%PDF-1.4 handout", content_type="application/pdf")
    step = learning.step_create(
        module, acting_user=manager, data={"title": "Handout", "kind": "file"}, upload=upload
    )
    stored = StoredFile.objects.get(pk=step.file_id)
    resource = learning.resource_create(
        program,
        acting_user=manager,
        data={"title": "Upward feedback", "kind": "link", "url": "https://example.org/a"},
    )
    guide = learning.guide_create(
        program,
        acting_user=manager,
        data={"title": "First session", "stage": "first", "agenda": "Introductions"},
    )

    # Recognition: the owner's certificate (as issued at the close) and pair B's story.
    application = Application.objects.get(cohort=cohort, person=pair_b.mentee)
    certificate = Certificate.objects.create(
        application=application,
        person=pair_b.mentee,
        cohort=cohort,
        role="mentee",
        holder_name="Owner",
        program_name=program.name,
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 1),
        issued_at=NOW,
        pdf=b"%PDF-1.4 certificate",
    )
    story = SuccessStory.objects.create(  # as written at wrap-up
        mentorship=pair_b, title="We learned", body="Both of us.", mentee_consent_at=NOW
    )

    # Pairing: the published run and one of its proposals.
    run = MatchRun.objects.filter(cohort=cohort).latest("pk")
    proposal = Proposal.objects.filter(run=run).order_by("pk").first()
    assert proposal is not None

    # Org-level integration objects.
    channel = ChatChannel.objects.create(
        program=program, kind="slack", name="#mentoring",
        webhook_url="https://hooks.example.org/x", events=["pair.created"],
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.create(
        name="HRIS", url="https://hooks.example.org/y", events=["pair.created"],
        secret_encrypted="x", secret_hint="abcd",
    )  # fmt: skip
    delivery = Delivery.objects.create(
        endpoint=endpoint, event="pair.created", payload={}, status=Delivery.Status.FAILED
    )
    token = token_create(user=admin, name="matrix", acting_user=admin).token

    users = {
        OWNER: owner,
        OTHER_PARTICIPANT: other,
        MANAGER_HERE: manager,
        MANAGER_ELSEWHERE: elsewhere,
        SPONSOR: sponsor,
        ORG_ADMIN: admin,
    }
    ids: dict[str, object] = {
        # people and accounts
        "employee_pk": pair_b.mentee_id,
        "person_id": pair_b.mentee_id,
        "user_id": owner.pk,
        "user_pk": manager.pk,
        "token_id": token.pk,
        # program and cohort
        "program_pk": program.pk,
        "program_id": program.pk,
        "cohort_pk": cohort.pk,
        "cohort_id": cohort.pk,
        "objective_pk": objective.pk,
        "objective_id": objective.pk,
        "role": "mentee",
        # enrolment
        "application_pk": application.pk,
        "application_id": application.pk,
        "question_pk": cohort_question.pk,
        # pairing
        "run_pk": run.pk,
        "run_id": run.pk,
        "other_id": run.pk,
        "proposal_pk": proposal.pk,
        "proposal_id": proposal.pk,
        "mentorship_pk": pair_b.pk,
        "mentorship_id": pair_b.pk,
        "pk": pair_b.pk,
        "pair_id": pair_b.pk,
        # engagement
        "session_pk": session.pk,
        "session_id": session.pk,
        "goal_pk": goal.pk,
        "goal_id": goal.pk,
        "milestone_pk": milestone.pk,
        "milestone_id": milestone.pk,
        "reflection_pk": reflection.pk,
        "reflection_id": reflection.pk,
        # learning
        "module_pk": module.pk,
        "module_id": module.pk,
        "step_pk": step.pk,
        "step_id": step.pk,
        "file_pk": stored.pk,
        "resource_pk": resource.pk,
        "guide_pk": guide.pk,
        "action": "retire",
        # feedback
        "survey_pk": survey.pk,
        "survey_id": survey.pk,
        "invitation_pk": invitation.pk,
        "invitation_id": invitation.pk,
        "flag_pk": flag.pk,
        "fmt": "csv",
        # recognition
        "certificate_pk": certificate.pk,
        "certificate_id": certificate.pk,
        "story_pk": story.pk,
        "story_id": story.pk,
        "code": certificate.code,
        # insights
        "table": "pairs",
        # integrations
        "channel_id": channel.pk,
        "endpoint_id": endpoint.pk,
        "delivery_id": delivery.pk,
    }
    route_ids: dict[str, dict[str, object]] = {
        "feedback:question": {"question_pk": survey_question.pk},
        "feedback:question_delete": {"question_pk": survey_question.pk},
        "feedback:question_move": {"question_pk": survey_question.pk},
        "programs:manager_remove": {"user_pk": manager.pk},
        "DELETE /api/v1/programs/{program_id}/managers/{user_id}": {"user_id": manager.pk},
    }
    del other_program
    return World(users=users, ids=ids, route_ids=route_ids)
