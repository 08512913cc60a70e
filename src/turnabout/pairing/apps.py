from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "turnabout.pairing"
    verbose_name = _("Pairing")

    def ready(self) -> None:
        from turnabout.common import leases
        from turnabout.pairing.services import match_runs_reap

        # A run whose worker died is failed with a reason; its task is safe to run again
        # (it leaves a run that is no longer queued alone).
        leases.register_reaper(match_runs_reap)
        leases.idempotent("turnabout.pairing.tasks.run_match")
