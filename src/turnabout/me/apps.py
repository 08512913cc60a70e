from django.apps import AppConfig


class MeConfig(AppConfig):
    name = "turnabout.me"
    verbose_name = "Participant portal"
