"""Every manager table as CSV or XLSX, streamed: rows come from `.iterator()` in chunks, so
memory stays bounded whatever the number of rows (`common.exports` writes them).

One record per table (`TABLES`): its header, its rows, and whether it holds per-person
data. Per-person tables are for the program's managers only; sponsors get the aggregate
tables (KPI history, groups, funnel), which pass the privacy floor like the pages.
Sensitive attributes never appear in any table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponseBase
from django.utils.translation import gettext as _

from turnabout.common.audit import audit_record
from turnabout.common.errors import ErrorCode, NotFound, PermissionDenied
from turnabout.common.exports import csv_response, xlsx_response
from turnabout.common.models import AuditRecord
from turnabout.common.types import AnyUser
from turnabout.engagement.models import MentoringSession
from turnabout.enrollment.models import Application
from turnabout.insights import analysis, permissions, selectors
from turnabout.insights.audit import InsightsEvent
from turnabout.insights.models import KpiSnapshot, PairHealth
from turnabout.pairing.models import Mentorship, Proposal
from turnabout.programs.models import Program

CHUNK = 2000
Rows = Iterator[list[Any]]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    per_person: bool
    header: tuple[str, ...]
    rows: Callable[[Program], Rows]


def _people(program: Program) -> Rows:
    seen: set[int] = set()
    for row in (
        Application.objects.filter(cohort__program=program)
        .order_by("person_id", "pk")
        .values_list(
            "person_id",
            "person__employee_id",
            "person__first_name",
            "person__last_name",
            "person__email",
            "person__department",
            "person__location",
            "person__level",
            "person__status",
        )
        .iterator(chunk_size=CHUNK)
    ):
        if row[0] in seen:
            continue
        seen.add(row[0])
        yield list(row[1:])


def _applications(program: Program) -> Rows:
    for row in (
        Application.objects.filter(cohort__program=program)
        .order_by("cohort_id", "pk")
        .values_list(
            "pk",
            "cohort__name",
            "person__employee_id",
            "person__last_name",
            "role",
            "status",
            "created_at",
            "decided_at",
        )
        .iterator(chunk_size=CHUNK)
    ):
        yield list(row)


def _proposals(program: Program) -> Rows:
    for row in (
        Proposal.objects.filter(run__cohort__program=program)
        .order_by("run_id", "pk")
        .values_list(
            "run__cohort__name",
            "run__number",
            "mentor_application__person__employee_id",
            "mentee_application__person__employee_id",
            "score",
            "locked",
            "manual",
        )
        .iterator(chunk_size=CHUNK)
    ):
        yield list(row)


def _pairs(program: Program) -> Rows:
    held = Q(sessions__outcome=MentoringSession.Outcome.HELD)
    states = dict(
        PairHealth.objects.filter(mentorship__cohort__program=program).values_list(
            "mentorship_id", "state"
        )
    )
    for row in (
        Mentorship.objects.filter(cohort__program=program)
        .annotate(held=Count("sessions", filter=held))
        .order_by("pk")
        .values_list(
            "pk",
            "cohort__name",
            "mentor__employee_id",
            "mentor__last_name",
            "mentee__employee_id",
            "mentee__last_name",
            "status",
            "activated_at",
            "ended_at",
            "held",
        )
        .iterator(chunk_size=CHUNK)
    ):
        yield [*row, states.get(row[0], "")]


def _sessions(program: Program) -> Rows:
    for row in (
        MentoringSession.objects.filter(mentorship__cohort__program=program)
        .order_by("pk")
        .values_list("pk", "mentorship_id", "starts_at", "minutes", "format", "status", "outcome")
        .iterator(chunk_size=CHUNK)
    ):
        yield list(row)


def _kpi_history(program: Program) -> Rows:
    for row in (
        KpiSnapshot.objects.filter(objective__program=program)
        .order_by("objective_id", "cohort_id", "day")
        .values_list("objective__title", "cohort__name", "day", "value", "state", "count")
        .iterator(chunk_size=CHUNK)
    ):
        yield list(row)


def _groups(program: Program) -> Rows:
    cohorts = list(program.cohorts.exclude(phase="draft"))
    for dimension in analysis.DIMENSIONS:
        for r in analysis.breakdown(cohorts=cohorts, dimension=dimension).rows:
            yield [
                dimension, r.label, r.applied, r.matched, r.active, r.satisfaction,
                r.skill_change, r.retained,
            ]  # fmt: skip


def _funnel(program: Program) -> Rows:
    for cohort in program.cohorts.exclude(phase="draft"):
        for label, n in selectors.cohort_funnel(cohort):
            yield [cohort.name, label, n]


def _audit(program: Program) -> Rows:
    mentorships = Mentorship.objects.filter(cohort__program=program).values_list("pk", flat=True)
    for row in (
        AuditRecord.objects.filter(
            Q(target_type="programs.program", target_id=str(program.pk))
            | Q(
                target_type="programs.cohort",
                target_id__in=[str(pk) for pk in program.cohorts.values_list("pk", flat=True)],
            )
            | Q(target_type="pairing.mentorship", target_id__in=[str(pk) for pk in mentorships])
        )
        .order_by("created_at", "pk")
        .values_list("created_at", "actor_label", "event", "target_type", "target_label")
        .iterator(chunk_size=CHUNK)
    ):
        yield list(row)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("people", "People", True,
              ("employee id", "first name", "last name", "email", "department", "location",
               "level", "status"), _people),
        Table("applications", "Applications", True,
              ("id", "cohort", "employee id", "last name", "role", "status", "applied at",
               "decided at"), _applications),
        Table("proposals", "Proposals", True,
              ("cohort", "run", "mentor employee id", "mentee employee id", "score", "locked",
               "made by hand"), _proposals),
        Table("pairs", "Pairs with health", True,
              ("id", "cohort", "mentor employee id", "mentor", "mentee employee id", "mentee",
               "status", "active since", "ended at", "sessions held", "health"), _pairs),
        Table("sessions", "Sessions", True,
              ("id", "pair", "starts at", "minutes", "format", "status", "outcome"), _sessions),
        Table("audit", "Audit log", True,
              ("at", "by", "event", "target type", "target"), _audit),
        Table("kpi_history", "KPI history", False,
              ("objective", "cohort", "day", "value", "state", "measured over"), _kpi_history),
        Table("groups", "Groups", False,
              ("dimension", "group", "applied", "matched", "active", "satisfaction",
               "skill change", "still employed %"), _groups),
        Table("funnel", "Funnel", False, ("cohort", "step", "people"), _funnel),
    )
}  # fmt: skip


def table_for(*, user: AnyUser, program: Program, name: str) -> Table:
    table = TABLES.get(name)
    if table is None or not permissions.can_view_insights(user, program):
        raise NotFound(_("No such export."))
    if table.per_person and not permissions.can_view_pairs(user, program):
        raise PermissionDenied(
            _("This table lists people: only the program's managers can export it."),
            code=ErrorCode.EXPORT_NOT_ALLOWED,
        )
    return table


def export_response(*, user: AnyUser, program: Program, name: str, fmt: str) -> HttpResponseBase:
    table = table_for(user=user, program=program, name=name)
    if table.per_person:
        audit_record(actor=user, event=InsightsEvent.EXPORTED, target=program, message=name)
    filename = f"{program.pk}-{table.name}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    if fmt == "xlsx":
        return xlsx_response(filename, table.header, table.rows(program), title=table.title)
    return csv_response(filename, table.header, table.rows(program))
