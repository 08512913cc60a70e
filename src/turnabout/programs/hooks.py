"""What the enrollment app shows on a cohort's pages and in its API (programs sits below it).

The manager's cohort page shows application counts and the custom questions; the public
"about" page shows, per role, the visitor's application and why they may not apply. Those
are enrollment's, and programs may not import it: enrollment registers an implementation
of `CohortApplications` from its AppConfig.ready(), and the programs views ask here.
"""

from __future__ import annotations

from typing import Any, Protocol

from django import forms
from django.core.exceptions import ImproperlyConfigured

from turnabout.common.types import AnyUser
from turnabout.people.models import Employee
from turnabout.programs.models import Cohort, Program


class CohortApplications(Protocol):
    def counts(self, *, user: AnyUser, cohort: Cohort) -> Any:
        """The cohort's application counts (managers and sponsors only)."""

    def questions(self, *, cohort: Cohort) -> list[Any]:
        """The cohort's custom application questions, in order."""

    def question_form(self) -> forms.Form:
        """An empty form to add a custom question."""

    def own_applications(self, *, user: AnyUser, cohort: Cohort) -> dict[str, Any]:
        """The user's applications to the cohort, by role."""

    def eligibility_problem(self, program: Program, person: Employee, role: str) -> str | None:
        """Why `person` cannot join `program` as `role`, or None."""

    def can_apply(self, user: AnyUser) -> bool:
        """Whether the user may apply to programs at all."""


_registered: list[CohortApplications] = []


def register_cohort_applications(implementation: CohortApplications) -> None:
    _registered[:] = [implementation]


def cohort_applications() -> CohortApplications:
    if not _registered:
        raise ImproperlyConfigured("No app registered the cohort applications (enrollment).")
    return _registered[0]
