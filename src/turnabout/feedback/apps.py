from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "turnabout.feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from turnabout.engagement.ticks import tick_hook_register
        from turnabout.feedback.services import surveys_tick

        tick_hook_register("feedback", surveys_tick)
