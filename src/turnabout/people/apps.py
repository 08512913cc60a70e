from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "turnabout.people"
    verbose_name = "People"

    def ready(self) -> None:
        from turnabout.accounts.sso import register_account_resolver
        from turnabout.people.sso import employee_account_for_sso

        register_account_resolver(employee_account_for_sso)
