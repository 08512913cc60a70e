from collections.abc import Mapping
from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "turnabout.recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        from turnabout.engagement.ticks import tick_hook_register

        tick_hook_register("recognition", _tick)


def _tick(now: datetime) -> Mapping[str, int]:
    """Award the badges earned and issue the certificates of closed cohorts (idempotent)."""
    from turnabout.recognition.services import badges_award, certificates_tick

    counts = {
        "badges": sum(badges_award(now=now).values()),
        "certificates": certificates_tick(now=now),
    }
    return {label: n for label, n in counts.items() if n}
