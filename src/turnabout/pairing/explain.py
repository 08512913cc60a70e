"""The engine's reasons, in the reader's language.

The matching engine returns each pair's reasons and each unmatched person's reason as a
code with parameters (``turnabout.matching.Reason``); ``Proposal.reasons``,
``Mentorship.reasons`` and ``UnmatchedEntry.reason`` store them as
``{"code": ..., "params": ...}``. This module is the one place that turns them into
translated sentences, and decides who may read which:

* managers see every reason (and the criterion contributions beside them);
* participants never see a reason built on a sensitive attribute or an ERG
  (``Criterion.for_participants`` drops them, e.g. "shared ERG", "same generation").

Codes the app adds itself: ``manual`` (paired by hand), ``unmatched.removed`` and
``unmatched.excluded`` (a manager took the pair out), ``unmatched.training`` (the readiness
gate left them out: ``done`` of ``required`` modules), and ``text`` (a sentence stored
before reasons became codes; see migration 0002).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from turnabout.pairing.adapter import CONSTRAINTS, LABELS, REGISTRY, TRAINING, Reason

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # a type only (the package is dev-only)

Audience = Literal["manager", "participant"]
StoredReason = Mapping[str, Any]

MAX_LISTED = 3

CRITERION_LABELS: dict[str, StrPromise] = {
    name: gettext_lazy(label) for name, label in LABELS.items()
}
"""The registry's labels, translated (the run-settings form and the run page use them)."""
_BY_NAME = {c.name: c for c in REGISTRY}

MANUAL = "manual"
REMOVED = "unmatched.removed"
EXCLUDED = "unmatched.excluded"
LEGACY = "text"


def stored(reason: Reason) -> dict[str, Any]:
    """The JSON stored for a reason."""
    return reason.as_dict()


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (", …" if len(items) > MAX_LISTED else "")


_DAYS = {
    "mon": gettext_lazy("Mon"),
    "tue": gettext_lazy("Tue"),
    "wed": gettext_lazy("Wed"),
    "thu": gettext_lazy("Thu"),
    "fri": gettext_lazy("Fri"),
    "sat": gettext_lazy("Sat"),
    "sun": gettext_lazy("Sun"),
}
_HALVES = {
    "am": gettext_lazy("morning"),
    "pm": gettext_lazy("afternoon"),
    "eve": gettext_lazy("evening"),
}


def slot_label(slot: str) -> str:
    """``tue-pm`` -> "Tue afternoon" (translated); other values unchanged."""
    day, _sep, half = slot.casefold().partition("-")
    if day in _DAYS and half in _HALVES:
        return _("%(day)s %(half)s") % {"day": _DAYS[day], "half": _HALVES[half]}
    return slot


_ATTRIBUTES = {
    "department": gettext_lazy("department"),
    "location": gettext_lazy("location"),
    "generation": gettext_lazy("generation"),
}


def _criterion_text(code: str, p: Mapping[str, Any]) -> str | None:
    if code == "skills":
        offered = list(p["offered"])
        return ngettext(
            "offers %(n)d of %(wanted)d wanted topic: %(list)s",
            "offers %(n)d of %(wanted)d wanted topics: %(list)s",
            int(p["wanted"]),
        ) % {"n": len(offered), "wanted": int(p["wanted"]), "list": _listing(offered)}
    if code == "interests":
        shared = list(p["shared"])
        return ngettext(
            "%(n)d shared interest: %(list)s", "%(n)d shared interests: %(list)s", len(shared)
        ) % {"n": len(shared), "list": _listing(shared)}
    if code == "availability":
        slots = [slot_label(s) for s in p["shared"]]
        return ngettext(
            "%(n)d shared time slot: %(list)s", "%(n)d shared time slots: %(list)s", len(slots)
        ) % {"n": len(slots), "list": _listing(slots)}
    if code == "format":
        shared = list(p["shared"])
        return ngettext("shared format: %(list)s", "shared formats: %(list)s", len(shared)) % {
            "list": _listing(shared)
        }
    if code == "affinity":
        shared = list(p["shared"])
        return ngettext("shared ERG: %(list)s", "shared ERGs: %(list)s", len(shared)) % {
            "list": _listing(shared)
        }
    if code == "language":
        shared = list(p["shared"])
        return ngettext("shared language: %(list)s", "shared languages: %(list)s", len(shared)) % {
            "list": _listing(shared)
        }
    if code == "goals":
        return _("similar goals (%(percent)s%%): %(list)s") % {
            "percent": f"{float(p['similarity']) * 100:.0f}",
            "list": _listing(list(p["terms"])),
        }
    if code == "timezone":
        hours = float(p["hours"])
        if hours == 0:
            return _("same time zone") if p.get("same_zone") else _("no time difference")
        return _("%(hours)s h apart") % {"hours": f"{hours:g}"}
    if code == "seniority":
        return _("level gap %(gap)s (target %(target)s)") % {"gap": p["gap"], "target": p["target"]}
    if code == "diversity":
        parts = [_("same %(what)s") % {"what": _ATTRIBUTES.get(a, a)} for a in p.get("same", ())]
        parts += [
            _("different %(what)s") % {"what": _ATTRIBUTES.get(a, a)}
            for a in p.get("different", ())
        ]
        return "; ".join(parts)
    return None


def constraint_text(code: str, params: Mapping[str, Any], *, role: str = "mentee") -> str:
    """A broken hard constraint, for a count of ruled-out candidates ("2 excluded")."""
    gap = params.get("min_level_gap", 1)
    hours = params.get("max_tz_hours")
    texts = {
        "same_person": _("the same person"),
        "level": (
            ngettext(
                "not at least %(gap)s level junior", "not at least %(gap)s levels junior", abs(gap)
            )
            if role == "mentee"
            else ngettext(
                "not at least %(gap)s level senior", "not at least %(gap)s levels senior", abs(gap)
            )
        )
        % {"gap": gap},
        "reporting_line": _("in the same reporting line"),
        "same_manager": _("with the same manager"),
        "excluded": _("excluded"),
        "timezone": _("more than %(hours)s h apart") % {"hours": f"{hours:g}"}
        if hours is not None
        else _("too far apart"),
        "language": _("without a shared language"),
    }
    return str(texts.get(code, code))


def violation_texts(codes: Iterable[str], config: Mapping[str, Any]) -> list[str]:
    """Plain-language descriptions of the hard constraints a pair breaks (for managers)."""
    rules = config.get("constraints", {}) if isinstance(config, Mapping) else {}
    gap = rules.get("min_level_gap", 1)
    hours = rules.get("max_tz_hours")
    texts = {
        "same_person": _("the mentor and the mentee are the same person"),
        "level": _("the mentor is not at least %(gap)s level(s) junior to the mentee")
        % {"gap": gap},
        "reporting_line": _("one of them is in the other's reporting line"),
        "same_manager": _("they have the same manager"),
        "excluded": _(
            "the pair is excluded (a decline, a manager's exclusion or an applicant's "
            "list of people to avoid)"
        ),
        "timezone": _("their time zones are more than %(hours)s hours apart") % {"hours": hours},
        "language": _("they have no language in common"),
    }
    assert set(texts) == set(CONSTRAINTS), "every engine constraint has a description"
    return [str(texts.get(code, code)) for code in codes]


def _unmatched_text(code: str, p: Mapping[str, Any]) -> str | None:
    other = str(p.get("other", "mentor"))
    mentors = other == "mentor"
    if code == "unmatched.nobody":
        return _("no mentors to match with") if mentors else _("no mentees to match with")
    if code == "unmatched.no_eligible":
        role = str(p.get("role", "mentee"))
        parts = [
            f"{n} {constraint_text(k, p, role=role)}" for k, n in p.get("ruled_out", {}).items()
        ]
        head = _("no eligible mentor") if mentors else _("no eligible mentee")
        return f"{head}: {', '.join(parts)}"
    if code == "unmatched.at_capacity":
        n = int(p["eligible"])
        if n == 1:
            return _("its only eligible mentor is at capacity with better-scoring pairs")
        return _("all %(n)d eligible mentors are at capacity with better-scoring pairs") % {"n": n}
    if code == "unmatched.outscored":
        n = int(p["eligible"])
        if n == 1:
            return _("its only eligible mentee got a better-scoring mentor")
        return _("all %(n)d eligible mentees got better-scoring mentors") % {"n": n}
    if code == "unmatched.below_floor":
        n = int(p["open"])
        return ngettext(
            "its %(n)d eligible partner with room would score below the fairness floor %(floor)s",
            "its %(n)d eligible partners with room would score below the fairness floor %(floor)s",
            n,
        ) % {"n": n, "floor": f"{float(p['threshold']):.3f}"}
    if code == "unmatched.not_candidate":
        n = int(p["open"])
        return ngettext(
            "its %(n)d eligible partner with room was not among the top candidates",
            "its %(n)d eligible partners with room were not among the top candidates",
            n,
        ) % {"n": n}
    if code == "unmatched.lower_total":
        return _("matching them would lower the total score")
    if code == REMOVED:
        return _("removed from the proposals by the program manager")
    if code == EXCLUDED:
        return _("excluded by the program manager")
    if code == TRAINING:  # the program's readiness gate (learning)
        return ngettext(
            "training not complete (%(done)d of %(required)d module)",
            "training not complete (%(done)d of %(required)d modules)",
            int(p["required"]),
        ) % {
            "done": int(p["done"]),
            "required": int(p["required"]),
        }
    return None


def reason_text(reason: StoredReason | Reason, *, audience: Audience = "manager") -> str | None:
    """One reason as a translated sentence, or None when this audience may not read it."""
    if isinstance(reason, Reason):
        code, params = reason.code, reason.params
    else:
        code, params = str(reason.get("code", "")), reason.get("params", {}) or {}
    criterion = _BY_NAME.get(code)
    if criterion is not None:
        if audience == "participant":
            shown = criterion.for_participants(params)
            if shown is None:
                return None
            params = shown
        return _criterion_text(code, params) or criterion.text(params)
    if code == MANUAL:
        return _("paired by hand by the program manager")
    if code == LEGACY:
        return str(params.get("text", ""))
    text = _unmatched_text(code, params)
    if text is None:
        return code
    got = params.get("got")
    if got:
        text = _("matched with %(got)s of %(wanted)s mentors; %(rest)s") % {
            "got": got,
            "wanted": params.get("wanted"),
            "rest": text,
        }
    return text


def reason_texts(
    reasons: Iterable[StoredReason | Reason], *, audience: Audience = "manager"
) -> list[str]:
    """The sentences of a list of reasons that this audience may read, in order."""
    out = []
    for reason in reasons:
        text = reason_text(reason, audience=audience)
        if text:
            out.append(text)
    return out
