# The conversation guide model moves to the learning app (same table, state only).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0001_initial'),
        ('learning', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='mentoringsession',
                    name='guide',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='sessions', to='learning.conversationguide', verbose_name='conversation guide'),
                ),
                migrations.DeleteModel(
                    name='ConversationGuide',
                ),
            ],
        ),
    ]
