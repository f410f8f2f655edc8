"""ReminderEmail.handled_at: a reminder sent, or found no longer due, is handled; one
claimed and not handled lost its task and is queued again by the reminders job.

Existing rows: a sent one is handled when it was sent. An unsent one stays unhandled, on
purpose: it is either a reminder whose task RQ lost (the case this field exists for: it
should still go), or one skipped (cancelled, moved), which its task run again finds no
longer due and marks handled without sending, or one being sent now (the notice's claim
holds it off). The job queues only those whose start is still in the reminder's window,
so no long-past reminder goes out late.
"""

from django.db import migrations, models
from django.db.models import F


def sent_ones_handled(apps, schema_editor):
    ReminderEmail = apps.get_model("scheduling", "ReminderEmail")
    ReminderEmail.objects.filter(sent_at__isnull=False).update(handled_at=F("sent_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0021_session_moves"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderemail",
            name="handled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(sent_ones_handled, migrations.RunPython.noop),
    ]
