from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from turnabout.common.charts import bar_chart
from turnabout.people.selectors import OrgOverview


def _hidden(n: int) -> list[tuple[str, int]]:
    return [(_("small groups together"), n)] if n else []


def headcount_by_department(overview: OrgOverview) -> SafeString:
    rows = [(name or _("(none)"), n) for name, n in overview.departments]
    rows += _hidden(overview.hidden_departments)
    return bar_chart(
        title=_("Headcount by department"),
        labels=[label for label, _n in rows],
        values=[n for _label, n in rows],
        horizontal=True,
    )


def headcount_by_level(overview: OrgOverview) -> SafeString:
    rows = [(str(level), n) for level, n in overview.levels] + _hidden(overview.hidden_levels)
    return bar_chart(
        title=_("Headcount by job level"),
        labels=[label for label, _n in rows],
        values=[n for _label, n in rows],
    )
