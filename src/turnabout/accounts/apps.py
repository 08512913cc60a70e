from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "turnabout.accounts"
    verbose_name = "Accounts and roles"
