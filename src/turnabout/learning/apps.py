from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "turnabout.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from turnabout.learning import signals  # noqa: F401  (connects the starter curriculum)
