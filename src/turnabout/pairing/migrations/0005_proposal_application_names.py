"""`Proposal.mentor`/`mentee` hold applications: name them `mentor_application`/`mentee_application`
like `Mentorship` does, so `mentor` always means an employee; the same names in the locks a
re-run keeps."""

from typing import Any

from django.db import migrations, models

RENAMES = (("mentor", "mentor_application"), ("mentee", "mentee_application"))


def _rename_lock_keys(apps: Any, schema_editor: Any, *, backwards: bool = False) -> None:
    MatchRun = apps.get_model("pairing", "MatchRun")
    for run in MatchRun.objects.exclude(locks=[]).only("pk", "locks"):
        locks = []
        for lock in run.locks:
            lock = dict(lock)
            for old, new in RENAMES:
                src, dst = (new, old) if backwards else (old, new)
                if src in lock:
                    lock[dst] = lock.pop(src)
            locks.append(lock)
        run.locks = locks
        run.save(update_fields=["locks"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _rename_lock_keys(apps, schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rename_lock_keys(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("pairing", "0004_run_heartbeat"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="proposal", name="one_proposal_per_mentee"),
        migrations.RemoveConstraint(model_name="proposal", name="proposal_two_people"),
        migrations.RenameField(
            model_name="proposal", old_name="mentor", new_name="mentor_application"
        ),
        migrations.RenameField(
            model_name="proposal", old_name="mentee", new_name="mentee_application"
        ),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.UniqueConstraint(
                fields=("run", "mentee_application"), name="one_proposal_per_mentee"
            ),
        ),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("mentor_application", models.F("mentee_application")), _negated=True
                ),
                name="proposal_two_people",
            ),
        ),
        migrations.AlterField(
            model_name="matchrun",
            name="locks",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "[{mentor_application, mentee_application, override_reason}] application"
                    " ids kept from a run."
                ),
                verbose_name="locked pairs",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
