from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "turnabout.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        # Every new program gets the starter curriculum; the tick command (engagement, a
        # higher app) calls the training reminders itself.
        from turnabout.learning import signals  # noqa: F401
