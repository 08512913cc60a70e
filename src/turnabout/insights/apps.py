from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "turnabout.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # Lower apps expose hooks; insights plugs into them (it never gets imported by them).
        from turnabout.insights import hooks

        hooks.register()
