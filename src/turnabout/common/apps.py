from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "turnabout.common"
    verbose_name = "Common"
