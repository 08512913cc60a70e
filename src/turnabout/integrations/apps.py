from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "turnabout.integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from django.utils.translation import gettext_lazy as _

        from turnabout.accounts.settings_pages import SettingsSection, register_settings_section
        from turnabout.common.models import AuditRecord
        from turnabout.integrations import events

        # Every service writes an audit record for what it did: that is the event stream the
        # integrations listen to, so no lower app imports this one.
        post_save.connect(
            events.on_audit_record, sender=AuditRecord, dispatch_uid="integrations.events"
        )
        from turnabout.engagement.ticks import tick_hook_register
        from turnabout.integrations.digest import digests_tick

        tick_hook_register("integrations", digests_tick)
        register_settings_section(
            SettingsSection(
                _("Chat notifications"),
                "integrations:channels",
                _("Slack and Microsoft Teams channels that programs post to."),
                order=50,
            )
        )
        register_settings_section(
            SettingsSection(
                _("Webhooks"),
                "integrations:webhooks",
                _("Signed JSON events for your HRIS, BI and workflow tools."),
                order=60,
            )
        )
        register_settings_section(
            SettingsSection(
                _("Deliveries"),
                "integrations:deliveries",
                _("Every message sent to chat tools and webhooks, and the ones that failed."),
                order=70,
            )
        )
