"""Every matching criterion as one record: name, weight, feature, formulas, explanation.

After scipy's ``MetricInfo`` registry (``scipy/spatial/distance.py``): one frozen record
per criterion holds everything the engine and the app need to know about it, and every
other list of criteria is derived from ``REGISTRY``: ``CRITERIA`` (the output order),
``Weights`` and its defaults, ``Problem.criterion`` (the reference formulas), the fast
scorer's parts, the explanations, the CLI's columns, and on the app side the API's
criterion type, the run-settings form and the labels.

Adding a criterion is adding one ``Criterion(...)`` to ``REGISTRY`` (plus the profile field
it reads, if it is new): see docs/matching.md.

A record's parts:

* ``feature``: builds the criterion's arrays from the people, once per run (``None`` when
  it reads arrays that the constraints need too: levels, UTC offsets, attribute codes,
  languages, which ``scoring.Problem`` always builds);
* ``reference``: the formula in its plainest form, on a ``scoring.View`` (a cross block
  or a list of pairs), giving scores in [0, 1];
* ``fast``: how the fast scorer computes the same numbers: a ``Linear`` part (a BLAS dot
  product of the two sides' feature rows, its weight folded in) or a ``Categorical`` part
  (a formula over the few categorical columns, evaluated once per distinct combination);
* ``explain``: the reason for one chosen pair, as a ``Reason`` (a code and JSON-safe
  parameters), or ``None`` when there is nothing worth saying;
* ``text``: the reason in English (the CLI's ``reasons`` column; the app renders the same
  code with gettext in ``pairing/explain.py``);
* ``for_participants``: the parameters a participant may see (``None`` hides the reason):
  criteria built on sensitive attributes or ERGs never reach a participant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import features as ft
from ._types import BoolArray, Float32Array, Float64Array

if TYPE_CHECKING:
    from .explain import ExplainContext
    from .model import Mentee, Mentor
    from .scoring import Problem, View

MAX_LISTED = 3
"""Items named in an English reason before "…"."""

SENSITIVE_ATTRIBUTES: tuple[str, ...] = ("generation",)
"""Diversity attributes that are consented, aggregate-only data: never in a participant's
explanation."""

DIVERSITY_ATTRIBUTES: tuple[str, ...] = ("department", "location", "generation")


@dataclass(frozen=True)
class Reason:
    """Why a pair was made or a person left unmatched: a stable code and its parameters.

    ``params`` holds JSON-safe values only (numbers, strings, lists), so that a reason can
    be stored as ``{"code": ..., "params": ...}`` and rendered later in any language.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Linear:
    """A fast part that is one dot product of a mentee row and a mentor row.

    ``cosine`` scales every row to unit length first (the overlap of two sets divided by
    the geometric mean of their sizes); ``open_scores_one`` adds the full score where
    either side stated nothing (a person open to every format suits everyone).
    """

    cosine: bool = False
    open_scores_one: bool = False


@dataclass(frozen=True)
class Categories:
    """The categorical columns of a block of (mentee, mentor) combinations, broadcast.

    ``gap``: mentee level - mentor level; ``distance``: worst-season hours apart (NaN when
    a time zone is unknown); ``attributes``: per diversity rule, the two sides' codes (NaN
    when unknown); ``language_known``/``language_shared``: both sides stated languages /
    they share one.
    """

    gap: Float32Array
    distance: Float32Array
    attributes: Mapping[str, tuple[Float64Array, Float64Array]]
    diversity_rules: Mapping[str, str]
    target_level_gap: int
    language_known: BoolArray
    language_shared: BoolArray


@dataclass(frozen=True)
class Categorical:
    """A fast part computed once per distinct combination of categorical values."""

    formula: Callable[[Categories], Float32Array]


FeatureBuilder = Callable[[Sequence["Mentee"], Sequence["Mentor"]], ft.SetFeature]
Explainer = Callable[["ExplainContext", int, int, int, float], Reason | None]


def _always(config: Any) -> bool:
    return True


def _everyone(params: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return params


def _nobody(params: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return None


@dataclass(frozen=True)
class Criterion:
    """One criterion, all of it (see the module docstring for the parts)."""

    name: str
    label: str
    default_weight: float
    reference: Callable[[Problem, View], Any]
    fast: Linear | Categorical
    explain: Explainer
    text: Callable[[Mapping[str, Any]], str]
    feature: FeatureBuilder | None = None
    active: Callable[[Any], bool] = _always
    """Whether the config leaves the criterion anything to score (a weight aside)."""
    for_participants: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] = _everyone
    sensitive: bool = False
    """Built on a sensitive attribute or an ERG: its contribution is for managers only."""


# --- helpers shared by the formulas ----------------------------------------------------


def listing(names: Sequence[str]) -> str:
    """``a, b, c, …``: the first ``MAX_LISTED`` names."""
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (", …" if len(names) > MAX_LISTED else "")


def cosine_overlap(
    problem: Problem, view: View, feature: ft.SetFeature, *, open_scores_one: bool = False
) -> Any:
    """Shared items over the geometric mean of both set sizes; with `open_scores_one`, a
    pair where one side states nothing scores 1 (open to anything)."""
    inter = view.dot(feature)
    sizes = view.per_mentee(feature.mentee_count) * view.per_mentor(feature.mentor_count)
    overlap = inter / np.sqrt(np.maximum(sizes, np.float32(1.0)))
    return np.where(sizes > 0, overlap, 1.0) if open_scores_one else overlap


def _set_builder(attribute: str) -> FeatureBuilder:
    def build(mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> ft.SetFeature:
        return ft.set_feature(
            [getattr(p, attribute) for p in mentees], [getattr(p, attribute) for p in mentors]
        )

    build.__doc__ = f"Each person's {attribute} as a set."
    return build


def _shared_set(
    name: str,
    *,
    label: str,
    default_weight: float,
    attribute: str,
    text: Callable[[Mapping[str, Any]], str],
    open_scores_one: bool = False,
    **more: Any,
) -> Criterion:
    """A criterion that scores how much of one set both sides state they share (cosine
    overlap: interests, free time, formats, resource groups) and names what is shared.
    With `open_scores_one`, a person who states nothing is open to anything (score 1)."""

    def reference(problem: Problem, view: View) -> Any:
        feature = problem.features[name]
        return cosine_overlap(problem, view, feature, open_scores_one=open_scores_one)

    return Criterion(
        name=name,
        label=label,
        default_weight=default_weight,
        feature=_set_builder(attribute),
        reference=reference,
        fast=Linear(cosine=True, open_scores_one=open_scores_one),
        explain=_explain_if_shared(name),
        text=text,
        **more,
    )


def _explain_if_shared(name: str) -> Explainer:
    def explain(
        context: ExplainContext, pair: int, row: int, col: int, score: float
    ) -> Reason | None:
        shared = context.shared(name, row, col)
        return Reason(name, {"shared": shared}) if shared else None

    return explain


def slot_words(slot: str) -> str:
    """``tue-pm`` -> ``Tue afternoon``; other values unchanged."""
    day, _sep, half = slot.casefold().partition("-")
    days = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri"}
    days |= {"sat": "Sat", "sun": "Sun"}
    halves = {"am": "morning", "pm": "afternoon", "eve": "evening"}
    if day in days and half in halves:
        return f"{days[day]} {halves[half]}"
    return slot


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- skills ---------------------------------------------------------------------------


def _skills_reference(problem: Problem, view: View) -> Any:
    return np.minimum(view.dot(problem.features["skills"]), np.float32(1.0))


def _skills_explain(
    context: ExplainContext, pair: int, row: int, col: int, score: float
) -> Reason | None:
    wanted, offered = context.skills(row, col)
    if not offered:
        return None
    return Reason("skills", {"offered": offered, "wanted": wanted})


def _skills_text(params: Mapping[str, Any]) -> str:
    wanted = int(params["wanted"])
    offered = list(params["offered"])
    noun = "topic" if wanted == 1 else "topics"
    return f"offers {len(offered)} of {wanted} wanted {noun}: {listing(offered)}"


# --- goals ----------------------------------------------------------------------------


def _goals_reference(problem: Problem, view: View) -> Any:
    return np.clip(view.dot(problem.features["goals"]), 0.0, 1.0)


def _goals_explain(
    context: ExplainContext, pair: int, row: int, col: int, score: float
) -> Reason | None:
    terms = context.goal_terms(row, col)
    if not terms:
        return None
    return Reason("goals", {"similarity": round(score, 4), "terms": terms})


def _goals_text(params: Mapping[str, Any]) -> str:
    return f"similar goals ({float(params['similarity']):.0%}): {listing(params['terms'])}"


# --- sets -----------------------------------------------------------------------------


def _interests_text(params: Mapping[str, Any]) -> str:
    shared = list(params["shared"])
    word = "shared interest" if len(shared) == 1 else "shared interests"
    return f"{len(shared)} {word}: {listing(shared)}"


def _availability_text(params: Mapping[str, Any]) -> str:
    slots = [slot_words(s) for s in params["shared"]]
    word = "shared time slot" if len(slots) == 1 else "shared time slots"
    return f"{len(slots)} {word}: {listing(slots)}"


def _format_text(params: Mapping[str, Any]) -> str:
    shared = list(params["shared"])
    return f"{'shared format' if len(shared) == 1 else 'shared formats'}: {listing(shared)}"


def _affinity_text(params: Mapping[str, Any]) -> str:
    shared = list(params["shared"])
    return f"{'shared ERG' if len(shared) == 1 else 'shared ERGs'}: {listing(shared)}"


def _language_reference(problem: Problem, view: View) -> Any:
    languages = problem.languages
    inter = view.dot(languages)
    known = (view.per_mentee(languages.mentee_count) > 0) & (
        view.per_mentor(languages.mentor_count) > 0
    )
    return np.where(known, (inter > 0).astype(np.float32), np.float32(0.5))


def _language_fast(c: Categories) -> Float32Array:
    return np.where(c.language_known, c.language_shared.astype(np.float32), np.float32(0.5))


def _language_text(params: Mapping[str, Any]) -> str:
    shared = list(params["shared"])
    return f"{'shared language' if len(shared) == 1 else 'shared languages'}: {listing(shared)}"


# --- time zone ------------------------------------------------------------------------


def _timezone_reference(problem: Problem, view: View) -> Any:
    distance = problem.tz_distance(view)
    return np.where(np.isnan(distance), np.float32(0.5), np.float32(1.0) - distance / 12.0)


def _timezone_fast(c: Categories) -> Float32Array:
    score = np.where(np.isnan(c.distance), np.float32(0.5), 1.0 - c.distance / 12.0)
    return score.astype(np.float32)


def _timezone_explain(
    context: ExplainContext, pair: int, row: int, col: int, score: float
) -> Reason | None:
    found = context.time_apart(pair, row, col)
    if found is None:
        return None
    hours, same_zone = found
    return Reason("timezone", {"hours": hours, "same_zone": same_zone})


def _timezone_text(params: Mapping[str, Any]) -> str:
    hours = float(params["hours"])
    if hours == 0:
        return "same time zone" if params.get("same_zone") else "no time difference"
    return f"{hours:g} h apart"


# --- seniority ------------------------------------------------------------------------


def _seniority_reference(problem: Problem, view: View) -> Any:
    gap = view.per_mentee(problem.mentee_level) - view.per_mentor(problem.mentor_level)
    distance = np.abs(gap - problem.config.target_level_gap).astype(np.float32)
    return np.float32(1.0) / (np.float32(1.0) + distance)


def _seniority_fast(c: Categories) -> Float32Array:
    far = np.abs(c.gap - np.float32(c.target_level_gap))
    result: Float32Array = np.float32(1.0) / (np.float32(1.0) + far)
    return result


def _seniority_explain(
    context: ExplainContext, pair: int, row: int, col: int, score: float
) -> Reason:
    problem = context.problem
    gap = problem.mentees[row].level - problem.mentors[col].level
    return Reason("seniority", {"gap": gap, "target": problem.config.target_level_gap})


def _seniority_text(params: Mapping[str, Any]) -> str:
    return f"level gap {params['gap']} (target {params['target']})"


# --- diversity ------------------------------------------------------------------------


def diversity_rules(config: Any) -> dict[str, str]:
    """The attributes a config asks about, with their rule (``ignore`` left out)."""
    return {k: v for k, v in config.diversity.items() if v != "ignore"}


def _diversity_reference(problem: Problem, view: View) -> Any:
    rules = problem.diversity_rules
    total: Any = None
    for attribute, rule in rules.items():
        mentee_codes, mentor_codes = problem.attribute_codes[attribute]
        a_code, b_code = view.per_mentee(mentee_codes), view.per_mentor(mentor_codes)
        same = a_code == b_code
        wanted = same if rule == "prefer_same" else ~same
        known = (a_code >= 0) & (b_code >= 0)
        part = np.where(known, wanted.astype(np.float32), np.float32(0.5))
        total = part if total is None else total + part
    return total / np.float32(len(rules))


def _diversity_fast(c: Categories) -> Float32Array:
    part: Any = None
    for attribute, rule in c.diversity_rules.items():
        a, b = c.attributes[attribute]
        same = a == b
        wanted = same if rule == "prefer_same" else ~same
        known = ~np.isnan(a) & ~np.isnan(b)
        value = np.where(known, wanted.astype(np.float32), np.float32(0.5))
        part = value if part is None else part + value
    result: Float32Array = (part / np.float32(len(c.diversity_rules))).astype(np.float32)
    return result


def _diversity_explain(
    context: ExplainContext, pair: int, row: int, col: int, score: float
) -> Reason | None:
    problem = context.problem
    mentee, mentor = problem.mentees[row], problem.mentors[col]
    same: list[str] = []
    different: list[str] = []
    for attribute, rule in problem.diversity_rules.items():
        a, b = getattr(mentee, attribute).strip(), getattr(mentor, attribute).strip()
        if not a or not b:
            continue
        alike = a.casefold() == b.casefold()
        if alike and rule == "prefer_same":
            same.append(attribute)
        elif not alike and rule == "prefer_different":
            different.append(attribute)
    if not same and not different:
        return None
    return Reason("diversity", {"same": same, "different": different})


def _diversity_text(params: Mapping[str, Any]) -> str:
    parts = [f"same {a}" for a in params.get("same", ())]
    parts += [f"different {a}" for a in params.get("different", ())]
    return "; ".join(parts)


def _diversity_for_participants(params: Mapping[str, Any]) -> Mapping[str, Any] | None:
    same = [a for a in params.get("same", ()) if a not in SENSITIVE_ATTRIBUTES]
    different = [a for a in params.get("different", ()) if a not in SENSITIVE_ATTRIBUTES]
    if not same and not different:
        return None
    return {"same": same, "different": different}


# --- the registry ---------------------------------------------------------------------


REGISTRY: tuple[Criterion, ...] = (
    Criterion(
        name="skills",
        label="Skills offered for topics wanted",
        default_weight=3.0,
        feature=ft.skill_feature,
        reference=_skills_reference,
        fast=Linear(),
        explain=_skills_explain,
        text=_skills_text,
    ),
    _shared_set(
        "interests",
        label="Shared interests",
        default_weight=1.0,
        attribute="interests",
        text=_interests_text,
    ),
    Criterion(
        name="goals",
        label="Similar goals",
        default_weight=1.0,
        feature=lambda mentees, mentors: ft.goal_feature(
            [p.goals for p in mentees], [p.goals for p in mentors]
        ),
        reference=_goals_reference,
        fast=Linear(),
        explain=_goals_explain,
        text=_goals_text,
    ),
    _shared_set(
        "availability",
        label="Shared free time",
        default_weight=1.0,
        attribute="availability",
        text=_availability_text,
    ),
    Criterion(
        name="timezone",
        label="Time zones",
        default_weight=0.5,
        reference=_timezone_reference,
        fast=Categorical(_timezone_fast),
        explain=_timezone_explain,
        text=_timezone_text,
    ),
    _shared_set(
        "format",
        label="Meeting format",
        default_weight=0.5,
        attribute="formats",
        text=_format_text,
        open_scores_one=True,
    ),
    Criterion(
        name="seniority",
        label="Level gap",
        default_weight=1.0,
        reference=_seniority_reference,
        fast=Categorical(_seniority_fast),
        explain=_seniority_explain,
        text=_seniority_text,
    ),
    Criterion(
        name="diversity",
        label="Diversity (e.g. other department)",
        default_weight=1.0,
        reference=_diversity_reference,
        fast=Categorical(_diversity_fast),
        explain=_diversity_explain,
        text=_diversity_text,
        active=lambda config: bool(diversity_rules(config)),
        for_participants=_diversity_for_participants,
    ),
    _shared_set(
        "affinity",
        label="Shared resource groups",
        default_weight=0.5,
        attribute="ergs",
        text=_affinity_text,
        active=lambda config: config.affinity != "ignore",
        for_participants=_nobody,
        sensitive=True,
    ),
    Criterion(
        name="language",
        label="Shared language",
        default_weight=0.5,
        reference=_language_reference,
        fast=Categorical(_language_fast),
        explain=_explain_if_shared("language"),
        text=_language_text,
    ),
)

BY_NAME: dict[str, Criterion] = {c.name: c for c in REGISTRY}
CRITERIA: tuple[str, ...] = tuple(c.name for c in REGISTRY)
"""Every criterion, in the order used for output columns."""
DEFAULT_WEIGHTS: dict[str, float] = {c.name: c.default_weight for c in REGISTRY}
LABELS: dict[str, str] = {c.name: c.label for c in REGISTRY}
