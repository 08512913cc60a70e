from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "turnabout.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from turnabout.common import ticks
        from turnabout.learning import signals  # noqa: F401  (connects the starter curriculum)

        ticks.register("learning.readiness_reminders", _tick)


def _tick(now: datetime) -> str:
    from turnabout.learning.services import readiness_reminders_run

    sent = readiness_reminders_run(now=now)
    return f"Queued {len(sent)} training reminders." if sent else ""
