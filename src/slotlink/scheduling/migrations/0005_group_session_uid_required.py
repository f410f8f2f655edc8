# Every session has its invite UID now (0004 gave the existing ones theirs), so it becomes
# required and unique, in a transaction apart from the one that wrote the rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0004_group_session_invite"),
    ]

    operations = [
        migrations.AlterField(
            model_name="groupsession",
            name="ical_uid",
            field=models.CharField(max_length=255, unique=True),
        ),
    ]
