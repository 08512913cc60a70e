"""The one door to sensitive attributes (generation, gender, ethnicity) and resource-group
(ERG) memberships. Nothing else reads them (a test enforces it).

Three kinds of access, and no other:
- `counts_by(...)`: group sizes for managers, sponsors and admins, through the privacy floor
  (`common.privacy`): a group below `TURNABOUT_MIN_GROUP_SIZE`, or one that could be worked
  out by subtraction, comes back as None.
- `generations_for_matching(...)`: per-person values for the matching engine alone
  (`pairing.adapter`), which turns them into a score and never shows them.
- `labels_for_aggregates(...)`, `memberships_for_aggregates(...)`: per-person group labels
  for the insights app's group breakdowns, which count people per group and pass every
  cell through the privacy floor before anything is shown (`insights.analysis.breakdown`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from django.db.models import Count
from django.utils.translation import gettext as _

from turnabout.accounts import permissions as roles
from turnabout.common.errors import PermissionDenied
from turnabout.common.privacy import suppress_counts
from turnabout.common.types import AnyUser
from turnabout.people.models import Employee, SensitiveAttributes

Attribute = Literal["generation", "gender", "ethnicity", "resource_group"]


def counts_by(
    attribute: Attribute, *, user: AnyUser, employee_ids: Iterable[int] | None = None
) -> dict[str, int | None]:
    """How many people (of `employee_ids`, or everybody) fall in each group of `attribute`.

    Only consented attributes count; people who gave none are not a group. Floored, with
    the total considered shown.
    """
    if not roles.can_view_aggregates(user):
        raise PermissionDenied(_("Only sponsors, program managers and admins see aggregates."))
    ids = None if employee_ids is None else list(employee_ids)
    if attribute == "resource_group":
        people = Employee.objects.all() if ids is None else Employee.objects.filter(pk__in=ids)
        counts = {
            str(key): int(n)
            for key, n in people.filter(resource_groups__isnull=False)
            .values_list("resource_groups__name")
            .annotate(n=Count("pk", distinct=True))
        }
    else:
        qs = SensitiveAttributes.objects.exclude(**{attribute: ""})
        if ids is not None:
            qs = qs.filter(employee_id__in=ids)
        counts = {str(key): int(n) for key, n in qs.values_list(attribute).annotate(n=Count("pk"))}
    return suppress_counts(counts)


def generations_for_matching(employee_ids: Iterable[int]) -> dict[int, str]:
    """Each person's consented generation, for the matching engine's diversity criterion
    only. Never put the result in a response, a page, an explanation or a log."""
    return dict(
        SensitiveAttributes.objects.filter(employee_id__in=list(employee_ids))
        .exclude(generation="")
        .values_list("employee_id", "generation")
    )


SENSITIVE_DIMENSIONS = ("generation", "gender", "ethnicity")


def labels_for_aggregates(dimension: str, employee_ids: Iterable[int]) -> dict[int, str]:
    """Each consented person's label for `dimension` (generation, gender or ethnicity), in
    words, to be counted into groups that then go through the privacy floor. Never show a
    value per person, never log it."""
    if dimension not in SENSITIVE_DIMENSIONS:
        raise ValueError(f"not a sensitive dimension: {dimension}")
    labels: dict[str, str] = (
        {str(k): str(v) for k, v in SensitiveAttributes.Generation.choices}
        if dimension == "generation"
        else {}
    )
    stated = (
        SensitiveAttributes.objects.filter(employee_id__in=list(employee_ids))
        .exclude(**{dimension: ""})
        .values_list("employee_id", dimension)
    )
    return {pk: labels.get(str(value), str(value)) for pk, value in stated}


def memberships_for_aggregates(employee_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each person's resource-group names, to be counted into groups that then go through
    the privacy floor. Never show them per person, never log them."""
    result: dict[int, list[str]] = {}
    for pk, name in Employee.resource_groups.through.objects.filter(
        employee_id__in=list(employee_ids)
    ).values_list("employee_id", "resourcegroup__name"):
        result.setdefault(pk, []).append(name)
    return result
