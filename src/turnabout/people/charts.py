from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from turnabout.common.charts import bar_chart
from turnabout.people.selectors import OrgOverview


def headcount_by_department(overview: OrgOverview) -> SafeString:
    return bar_chart(
        title=_("Headcount by department"),
        labels=[name or _("(none)") for name, _n in overview.departments],
        values=[n for _name, n in overview.departments],
        horizontal=True,
    )


def headcount_by_level(overview: OrgOverview) -> SafeString:
    return bar_chart(
        title=_("Headcount by job level"),
        labels=[str(level) for level, _n in overview.levels],
        values=[n for _level, n in overview.levels],
    )
