from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "turnabout.accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from turnabout.accounts import (
            middleware,  # noqa: F401  # the login-time receiver
            signals,
        )

        signals.connect()
        from turnabout.accounts.services import notification_opt_outs
        from turnabout.common.notifications import register_opt_out_lookup

        register_opt_out_lookup(notification_opt_outs)
        _register_settings_sections()


def _register_settings_sections() -> None:
    from django.utils.translation import gettext_lazy as _

    from turnabout.accounts.settings_pages import SettingsSection, register_settings_section

    register_settings_section(
        SettingsSection(
            _("Single sign-on"),
            "accounts:sso",
            _("Sign in with your company login (OpenID Connect or SAML); SSO-only."),
            order=10,
        )
    )
    register_settings_section(
        SettingsSection(
            _("Roles"),
            "accounts:roles",
            _("Who is org admin, program manager or executive sponsor."),
            order=20,
        )
    )
    register_settings_section(
        SettingsSection(
            _("Login lockouts"),
            "accounts:lockouts",
            _("Accounts and addresses paused after too many failed logins; unlock them."),
            order=30,
        )
    )
    register_settings_section(
        SettingsSection(
            _("API tokens"),
            "accounts:tokens",
            _("Bearer tokens for integrations calling the REST API."),
            order=40,
        )
    )
