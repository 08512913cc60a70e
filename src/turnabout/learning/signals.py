"""Every new program starts with the starter curriculum (the programs app knows nothing of
learning; this receiver is the hook)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from turnabout.learning.services import curriculum_install_starter
from turnabout.programs.models import Program


@receiver(post_save, sender=Program, dispatch_uid="learning_starter_curriculum")
def program_created(sender: type[Program], instance: Program, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    curriculum_install_starter(instance, acting_user=None)
