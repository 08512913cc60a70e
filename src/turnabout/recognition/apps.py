from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "turnabout.recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        from turnabout.common import ticks

        ticks.register("recognition.badges_and_certificates", _tick)


def _tick(now: datetime) -> str:
    from turnabout.recognition.services import badges_award, certificates_tick

    awarded = sum(badges_award(now=now).values())
    issued = certificates_tick(now=now)
    if not awarded and not issued:
        return ""
    return f"Awarded {awarded} badges, issued {issued} certificates."
