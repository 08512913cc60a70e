"""The guided matching-priorities form: the program's matching settings in words.

A select per criterion (derived from the engine's registry, so a new criterion shows up
here by itself), toggles for the constraints, and the diversity rules as sentences. It
writes the same JSON settings that the "advanced" JSON field writes, and both go through
the one validator, `services.validate_matching_settings`.

What is written: the keys the program already had, plus every guided key whose value
differs from the engine's default; keys the guided form does not show (the solver's
knobs) are kept as they were. So a guided edit and the same edit typed as JSON store the
same settings.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from turnabout.matching import REGISTRY, MatchConfig

MARKER = "m_guided"
"""A hidden field the guided form posts: without it, only the JSON is read."""

DEFAULTS: dict[str, Any] = MatchConfig().to_mapping()
"""The engine's defaults, as the JSON would spell them."""

WEIGHT_PRESETS: tuple[tuple[float, StrOrPromise], ...] = (
    (0.0, _("Ignore")),
    (0.5, _("A little")),
    (1.0, _("Normal")),
    (2.0, _("Important")),
    (3.0, _("Very important")),
    (5.0, _("Decisive")),
)

# Criterion labels, translated (the registry's English labels are msgids).
CRITERION_HELP: dict[str, StrOrPromise] = {
    "skills": _("The mentor can teach the topics the mentee wants."),
    "interests": _("They share interests outside work."),
    "goals": _("Their goals are alike."),
    "availability": _("They are free at the same times."),
    "timezone": _("They work in nearby time zones."),
    "format": _("They like the same meeting formats."),
    "seniority": _("The level gap is close to the ideal gap below."),
    "diversity": _("The diversity rules below are followed."),
    "affinity": _("They share employee resource groups (if both chose to say)."),
    "language": _("They share a language."),
}

ATTRIBUTE_WORDS: dict[str, StrOrPromise] = {
    "department": _("department"),
    "location": _("location"),
    "generation": _("generation"),
}

ATTRIBUTE_LABELS: dict[str, StrOrPromise] = {
    "department": _("Department"),
    "location": _("Location"),
    "generation": _("Generation"),
}

OBJECTIVES = (
    ("max_matched", _("Match as many people as possible, then the best scores")),
    ("max_score", _("The best total score, even if fewer people are matched")),
)

# (section or "" for the top level, key, form field name)
CONSTRAINT_TOGGLES = (
    ("reporting_line", _("Never pair people in each other's reporting line")),
    ("same_manager", _("Never pair people who share a manager")),
    ("require_language", _("Only pair people who share a language")),
)


def _number(value: Any) -> Any:
    """A whole float as an int (5.0 -> 5), as a person writes it in JSON."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _weight_key(value: Any) -> str:
    return f"{_number(float(value))}"


def _weight_choices(current: Any) -> list[tuple[str, str]]:
    choices = [(_weight_key(v), f"{label} ({_weight_key(v)})") for v, label in WEIGHT_PRESETS]
    if current is not None and _weight_key(current) not in dict(choices):
        custom = _("Custom (%(n)s)") % {"n": _weight_key(current)}
        choices.append((_weight_key(current), str(custom)))
    return sorted(choices, key=lambda c: float(c[0]))


def _diversity_choices(attribute: str) -> list[tuple[str, str]]:
    word = ATTRIBUTE_WORDS.get(attribute, attribute)
    return [
        ("prefer_different", str(_("Prefer a different %(what)s") % {"what": word})),
        ("prefer_same", str(_("Prefer the same %(what)s") % {"what": word})),
        ("ignore", str(_("The %(what)s does not matter") % {"what": word})),
    ]


def effective(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The stored settings over the defaults (only the parts the guided form shows)."""
    out = copy.deepcopy(DEFAULTS)
    for key, value in settings.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out


def guided_fields(settings: Mapping[str, Any]) -> dict[str, forms.Field]:
    """The guided form's fields, their initial values taken from `settings`."""
    now = effective(settings)
    fields: dict[str, forms.Field] = {
        "m_objective": forms.ChoiceField(
            label=_("What matters most"), choices=OBJECTIVES, initial=now["objective"]
        ),
        "m_fairness": forms.BooleanField(
            label=_("Lift the weakest pair, even at a small cost to the others"),
            required=False,
            initial=now["fairness"],
        ),
    }
    for criterion in REGISTRY:
        weight = now["weights"].get(criterion.name, criterion.default_weight)
        fields[f"mw_{criterion.name}"] = forms.ChoiceField(
            label=_(criterion.label),
            choices=_weight_choices(weight),
            initial=_weight_key(weight),
            help_text=CRITERION_HELP.get(criterion.name, ""),
        )
    for key, label in CONSTRAINT_TOGGLES:
        fields[f"mc_{key}"] = forms.BooleanField(
            label=label, required=False, initial=now["constraints"][key]
        )
    fields["mc_min_level_gap"] = forms.IntegerField(
        label=_("The mentor is at least this many levels junior"),
        initial=now["constraints"]["min_level_gap"],
        min_value=-20,
        max_value=20,
    )
    fields["m_target_level_gap"] = forms.IntegerField(
        label=_("Ideal level gap"),
        initial=now["target_level_gap"],
        min_value=0,
        max_value=20,
        help_text=_("Pairs closest to this gap score best on the level-gap criterion."),
    )
    fields["mc_max_tz_hours"] = forms.FloatField(
        label=_("At most this many hours apart"),
        initial=now["constraints"].get("max_tz_hours"),
        required=False,
        min_value=0,
        max_value=24,
        help_text=_("Empty: any distance."),
    )
    for attribute in now["diversity"]:
        fields[f"md_{attribute}"] = forms.ChoiceField(
            label=ATTRIBUTE_LABELS.get(attribute, attribute),
            choices=_diversity_choices(attribute),
            initial=now["diversity"][attribute],
        )
    fields["m_affinity"] = forms.ChoiceField(
        label=_("Resource groups"),
        choices=[
            ("prefer_same", _("Prefer people who share a resource group")),
            ("ignore", _("Resource groups do not matter")),
        ],
        initial=now["affinity"],
    )
    return fields


def _guided_values(data: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(section or "", key, value) for every guided field in cleaned `data`."""
    values: list[tuple[str, str, Any]] = [
        ("", "objective", data["m_objective"]),
        ("", "fairness", data["m_fairness"]),
        ("", "target_level_gap", data["m_target_level_gap"]),
        ("", "affinity", data["m_affinity"]),
    ]
    values += [("weights", c.name, _number(float(data[f"mw_{c.name}"]))) for c in REGISTRY]
    values += [("constraints", key, data[f"mc_{key}"]) for key, _label in CONSTRAINT_TOGGLES]
    values.append(("constraints", "min_level_gap", data["mc_min_level_gap"]))
    values.append(("constraints", "max_tz_hours", _number(data["mc_max_tz_hours"])))
    values += [
        ("diversity", attribute, data[f"md_{attribute}"]) for attribute in DEFAULTS["diversity"]
    ]
    return values


def guided_settings(data: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with the guided fields' values written in (see the module docstring)."""
    out: dict[str, Any] = copy.deepcopy(dict(base))
    for section, key, value in _guided_values(data):
        if section:
            default = DEFAULTS[section].get(key)
            target = out.get(section)
            present = isinstance(target, dict) and key in target
            if present or value != default:
                out.setdefault(section, {})[key] = value
        elif key in out or value != DEFAULTS[key]:
            out[key] = value
    return out


def field_for_key(key: str) -> str | None:
    """The guided field that shows a settings key (``weights.skills`` -> ``mw_skills``)."""
    section, _dot, name = key.partition(".")
    prefix = {"weights": "mw_", "constraints": "mc_", "diversity": "md_"}.get(section)
    if prefix:
        return f"{prefix}{name}"
    return f"m_{key}" if not name else None
