from django.db import migrations, models


class Migration(migrations.Migration):
    """Every token expires (a separate migration: PostgreSQL alters after the data step)."""

    dependencies = [("accounts", "0002_tokens_scoped_expiring_service_accounts")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
