"""ReminderEmail.guest: the invitee's guests are reminded too, one email each under a key
of their own. Existing rows are the invitee's or the host's: no guest."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0023_session_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderemail",
            name="guest",
            field=models.EmailField(blank=True, default="", max_length=254),
        ),
    ]
