from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "turnabout.common"
    verbose_name = "Common"

    def ready(self) -> None:
        from turnabout.common.admin_audit import audit_admin_changes

        audit_admin_changes()
