"""Results as CSV or XLSX: the same figures as the results page, after the floor.

Written through `common.exports`, so cells that start like a formula are neutralised.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpResponseBase
from django.utils.text import slugify
from django.utils.translation import gettext as _

from turnabout.common.exports import csv_response, xlsx_response
from turnabout.feedback.selectors import SurveyResults

HEADER = ["question", "item", "count", "share_percent", "mean", "low_95", "high_95", "n"]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def results_rows(results: SurveyResults) -> Iterator[list[Any]]:
    hidden = _("hidden: fewer than %(n)d answers") % {"n": results.floor}
    yield [_("Response rate"), _("invited"), results.invited, None, None, None, None, None]
    yield [_("Response rate"), _("answered"), results.answered, None, None, None, None, None]
    for role, answered, invited in results.rate_by_role:
        yield [_("Response rate"), role, answered if answered is not None else hidden,
               None, None, None, None, invited]  # fmt: skip
    if results.hidden:
        yield [_("All questions"), hidden, None, None, None, None, None, None]
        return
    for qr in results.questions:
        text = qr.question.text
        if qr.hidden:
            yield [text, hidden, None, None, None, None, None, None]
            continue
        for bar in qr.bars:
            yield [text, bar.label, bar.count, round(bar.share, 1), None, None, None, qr.n]
        if qr.interval is not None and qr.interval.mean is not None:
            i = qr.interval
            yield [text, _("mean"), None, None, _r(i.mean), _r(i.low), _r(i.high), i.n]
        if qr.nps is not None and qr.nps.score is not None:
            yield [text, _("NPS"), None, None, _r(qr.nps.score), None, None, qr.nps.n]
        for g in qr.by_role:
            yield [text, g.label, g.count if g.count is not None else hidden, None,
                   _r(g.value), None, None, None]  # fmt: skip
        for topic, i in qr.grid:
            yield [text, topic, None, None, _r(i.mean), _r(i.low), _r(i.high), i.n]
        for answer in qr.texts:
            yield [text, answer, None, None, None, None, None, None]
    for change in results.changes:
        label = _("change: %(topic)s") % {"topic": change.topic}
        if change.hidden:
            yield [label, hidden, None, None, None, None, None, None]
        else:
            yield [label, _("post - pre"), None, None, _r(change.mean), _r(change.low),
                   _r(change.high), change.n]  # fmt: skip


def results_response(results: SurveyResults, *, fmt: str) -> HttpResponseBase:
    name = f"{slugify(results.survey.title) or 'survey'}-results.{fmt}"
    rows = results_rows(results)
    if fmt == "xlsx":
        return xlsx_response(name, HEADER, rows, title=_("Results"))
    return csv_response(name, HEADER, rows)
