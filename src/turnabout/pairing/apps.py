from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "turnabout.pairing"
    verbose_name = _("Pairing")

    def ready(self) -> None:
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
