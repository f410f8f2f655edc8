# A group session gets its own calendar invite for its host (one event per session instead
# of one per seat): a UID and a SEQUENCE of its own. Existing sessions get a fresh UID here,
# made unique and required in 0005. The host's emails record which session invite they
# carried; the ones sent before carried the booking's own, as their rows (session empty) say.

import uuid
from urllib.parse import urlsplit

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def give_sessions_a_uid(apps, schema_editor):
    GroupSession = apps.get_model("scheduling", "GroupSession")
    domain = urlsplit(settings.BASE_URL).hostname or "slotlink"
    sessions = list(GroupSession.objects.filter(ical_uid__isnull=True).only("pk"))
    for session in sessions:
        session.ical_uid = f"{uuid.uuid4()}@{domain}"
    GroupSession.objects.bulk_update(sessions, ["ical_uid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0003_booking_location"),
    ]

    operations = [
        migrations.AddField(
            model_name="groupsession",
            name="ical_uid",
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name="groupsession",
            name="sequence",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(give_sessions_a_uid, migrations.RunPython.noop),
        migrations.AddField(
            model_name="bookingemail",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="scheduling.groupsession",
            ),
        ),
        migrations.AddField(
            model_name="bookingemail",
            name="session_sequence",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="GroupSessionEmail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sequence", models.PositiveIntegerField()),
                ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "booking",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="scheduling.booking",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="emails",
                        to="scheduling.groupsession",
                    ),
                ),
            ],
            options={
                "ordering": ["sequence", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "sequence"), name="one_host_update_per_session_change"
                    )
                ],
            },
        ),
    ]
