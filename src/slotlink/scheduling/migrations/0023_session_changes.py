"""A whole group session's move becomes one kind of its change: a cancel of the whole
session tells its host once too. The moves kept are renamed in place, as moves."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scheduling', '0022_reminder_email_handled_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name='GroupSessionMove', new_name='GroupSessionChange'),
        migrations.RenameField(
            model_name='bookingevent', old_name='session_move', new_name='session_change'
        ),
        migrations.AddField(
            model_name='groupsessionchange',
            name='kind',
            field=models.CharField(
                choices=[('moved', 'Moved'), ('cancelled', 'Cancelled')],
                default='moved',
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name='groupsessionchange',
            name='session',
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name='changes',
                to='scheduling.groupsession',
            ),
        ),
    ]
