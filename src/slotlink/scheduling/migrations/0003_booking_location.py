# A booking owns its location: before this it read its event type's current one, so editing
# an event type changed (and, for Zoom, orphaned the meetings of) existing bookings. Existing
# bookings get their event type's location as it is now, the best record there is.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_location_from_event_type(apps, schema_editor):
    Booking = apps.get_model("scheduling", "Booking")
    EventType = apps.get_model("scheduling", "EventType")
    event_type = EventType.objects.filter(pk=OuterRef("event_type_id"))
    # One UPDATE for all rows, on SQLite and PostgreSQL alike.
    Booking.objects.update(
        location_kind=Subquery(event_type.values("location_kind")[:1]),
        location_detail=Subquery(event_type.values("location_detail")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0002_booking_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="location_kind",
            field=models.CharField(
                choices=[
                    ("zoom", "Zoom"),
                    ("phone", "Phone call"),
                    ("in_person", "In person (address)"),
                    ("custom_url", "Custom URL"),
                    ("ask_invitee", "Ask the invitee"),
                ],
                default="",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="booking",
            name="location_detail",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(copy_location_from_event_type, migrations.RunPython.noop),
    ]
