"""Reasons become codes with parameters (issue 9): convert the stored sentences.

Sentences written before this change cannot all be parsed back, so each is kept as a
``{"code": "text", "params": {"text": ...}}`` reason that ``pairing/explain.py`` shows as
it was. Three kinds are not kept: the "locked by the program manager" and "breaks: ..."
lines (the ``locked`` flag and ``violations`` already say so), and lines about ERGs or
generations, which participants must never see. Known app sentences get their code.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

LEGACY_CODES = {
    "paired by hand by the program manager": "manual",
    "removed from the proposals by the program manager": "unmatched.removed",
    "excluded by the program manager": "unmatched.excluded",
}
DROPPED_PREFIXES = ("locked by the program manager", "breaks: ", "shared erg", "same generation")


def _code(text: str) -> dict[str, Any] | None:
    lowered = text.strip().casefold()
    if lowered.startswith(DROPPED_PREFIXES) or "generation" in lowered:
        return None
    code = LEGACY_CODES.get(lowered)
    if code is not None:
        return {"code": code, "params": {}}
    return {"code": "text", "params": {"text": text}}


def _codes(reasons: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in reasons or []:
        if isinstance(item, dict) and "code" in item:
            out.append(item)
        elif isinstance(item, str):
            converted = _code(item)
            if converted is not None:
                out.append(converted)
    return out


def _text(reason: dict[str, Any]) -> str:
    if reason.get("code") == "text":
        return str(reason.get("params", {}).get("text", ""))
    for text, code in LEGACY_CODES.items():
        if reason.get("code") == code:
            return text
    return str(reason.get("code", ""))


def forwards(apps: Any, schema_editor: Any) -> None:
    for name in ("Proposal", "Mentorship"):
        model = apps.get_model("pairing", name)
        for row in model.objects.exclude(reasons=[]).iterator(chunk_size=2000):
            converted = _codes(row.reasons)
            if converted != row.reasons:
                row.reasons = converted
                row.save(update_fields=["reasons"])
    entry_model = apps.get_model("pairing", "UnmatchedEntry")
    for entry in entry_model.objects.iterator(chunk_size=2000):
        entry.reason_code = _code(entry.reason) or {"code": "text", "params": {"text": ""}}
        entry.save(update_fields=["reason_code"])


def backwards(apps: Any, schema_editor: Any) -> None:
    for name in ("Proposal", "Mentorship"):
        model = apps.get_model("pairing", name)
        for row in model.objects.exclude(reasons=[]).iterator(chunk_size=2000):
            row.reasons = [_text(r) if isinstance(r, dict) else r for r in row.reasons]
            row.save(update_fields=["reasons"])
    entry_model = apps.get_model("pairing", "UnmatchedEntry")
    for entry in entry_model.objects.iterator(chunk_size=2000):
        entry.reason = _text(entry.reason_code)
        entry.save(update_fields=["reason"])


class Migration(migrations.Migration):
    dependencies = [("pairing", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="unmatchedentry",
            name="reason_code",
            field=models.JSONField(default=dict, verbose_name="reason (code)"),
        ),
        migrations.AlterField(
            model_name="unmatchedentry",
            name="reason",
            field=models.TextField(blank=True, default="", verbose_name="reason"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="unmatchedentry", name="reason"),
        migrations.RenameField(
            model_name="unmatchedentry", old_name="reason_code", new_name="reason"
        ),
        migrations.AlterField(
            model_name="proposal",
            name="reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="reasons (codes)"),
        ),
        migrations.AlterField(
            model_name="mentorship",
            name="reasons",
            field=models.JSONField(
                blank=True, default=list, verbose_name="why they were matched (codes)"
            ),
        ),
    ]
