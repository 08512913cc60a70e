from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "turnabout.demo"
    verbose_name = "Demo organisation"

    def ready(self) -> None:
        from turnabout.common import startup
        from turnabout.demo.people import demo_logins_banner

        startup.register_banner(demo_logins_banner)
