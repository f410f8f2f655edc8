"""Named schedules (issue 22): each host's weekly hours and other hours on dates move into a
default schedule named "Working hours", which every event type of theirs follows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

DEFAULT_NAME = "Working hours"


def into_default_schedules(apps, schema_editor):
    Schedule = apps.get_model("scheduling", "Schedule")
    AvailabilityInterval = apps.get_model("scheduling", "AvailabilityInterval")
    DateOverride = apps.get_model("scheduling", "DateOverride")
    EventType = apps.get_model("scheduling", "EventType")
    hosts = (
        set(AvailabilityInterval.objects.values_list("host_id", flat=True))
        | set(DateOverride.objects.values_list("host_id", flat=True))
        | set(EventType.objects.values_list("host_id", flat=True))
    )
    for host_id in sorted(hosts):
        schedule = Schedule.objects.create(host_id=host_id, name=DEFAULT_NAME, is_default=True)
        for model in (AvailabilityInterval, DateOverride, EventType):
            model.objects.filter(host_id=host_id).update(schedule=schedule)


def out_of_schedules(apps, schema_editor):
    """Back: the rows keep their host; the schedules simply go (the columns are dropped)."""


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0015_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Schedule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60)),
                ("is_default", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "host",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="schedules",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-is_default", "name", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("host", "name"), name="schedule_name_unique_per_host"),
                    models.UniqueConstraint(
                        condition=models.Q(("is_default", True)),
                        fields=("host",),
                        name="one_default_schedule_per_host",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="availabilityinterval",
            name="schedule",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="weekly", to="scheduling.schedule"
            ),
        ),
        migrations.AddField(
            model_name="dateoverride",
            name="schedule",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="overrides", to="scheduling.schedule"
            ),
        ),
        migrations.AddField(
            model_name="eventtype",
            name="schedule",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="event_types", to="scheduling.schedule"
            ),
        ),
        migrations.RunPython(into_default_schedules, out_of_schedules),
        migrations.AlterField(
            model_name="availabilityinterval",
            name="schedule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="weekly", to="scheduling.schedule"
            ),
        ),
        migrations.AlterField(
            model_name="dateoverride",
            name="schedule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="overrides", to="scheduling.schedule"
            ),
        ),
        migrations.AlterField(
            model_name="eventtype",
            name="schedule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="event_types", to="scheduling.schedule"
            ),
        ),
    ]
