from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "turnabout.accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from turnabout.accounts import middleware  # noqa: F401  # the login-time receiver
