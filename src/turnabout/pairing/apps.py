from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "turnabout.pairing"
    verbose_name = _("Pairing")

    def ready(self) -> None:
        from turnabout.common import leases
        from turnabout.pairing import services
        from turnabout.people.leavers import LeaverHandler, register_leaver_handler

        # The HR import ends the live mentorships of leavers inside its own transaction.
        register_leaver_handler(
            LeaverHandler(
                name="mentorships",
                count=services.mentorships_of_leavers_count,
                end=lambda pks, acting_user: services.mentorships_end_for_leavers(
                    pks, acting_user=acting_user
                ),
            )
        )
        # A run whose worker died is failed with a reason; its task is safe to run again
        # (it leaves a run that is no longer queued alone).
        leases.register_reaper(services.match_runs_reap)
        leases.idempotent("turnabout.pairing.tasks.run_match")
