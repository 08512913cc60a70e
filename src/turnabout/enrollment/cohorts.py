"""Enrollment's side of the cohort pages and API (see `programs.hooks`)."""

from __future__ import annotations

from typing import Any

from django import forms

from turnabout.common.types import AnyUser
from turnabout.enrollment import permissions, selectors
from turnabout.enrollment.forms import QuestionForm
from turnabout.enrollment.profile import eligibility_problem
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program


class EnrollmentOfCohorts:
    def counts(self, *, user: AnyUser, cohort: Cohort) -> Any:
        return selectors.cohort_counts(user=user, cohort=cohort)

    def questions(self, *, cohort: Cohort) -> list[Any]:
        return list(selectors.questions_for(cohort=cohort))

    def question_form(self) -> forms.Form:
        return QuestionForm()

    def own_applications(self, *, user: AnyUser, cohort: Cohort) -> dict[str, Any]:
        return dict(selectors.own_applications_in(user=user, cohort=cohort))

    def eligibility_problem(self, program: Program, person: Employee, role: str) -> str | None:
        return eligibility_problem(program, person, role)

    def can_apply(self, user: AnyUser) -> bool:
        return permissions.can_apply(user)
