# Zoom webinar as a location of group event types, and whether to fall back to a Zoom
# meeting without a webinar licence: chosen on the event type, copied onto each booking
# (bookings made before had no webinar, so False is right for them).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0005_group_session_uid_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="fallback_to_meeting",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="eventtype",
            name="fallback_to_meeting",
            field=models.BooleanField(
                default=False,
                verbose_name="If the Zoom account has no webinar licence, use a Zoom meeting instead",
            ),
        ),
        migrations.AlterField(
            model_name="booking",
            name="location_kind",
            field=models.CharField(
                choices=[
                    ("zoom", "Zoom"),
                    ("zoom_webinar", "Zoom webinar"),
                    ("phone", "Phone call"),
                    ("in_person", "In person (address)"),
                    ("custom_url", "Custom URL"),
                    ("ask_invitee", "Ask the invitee"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="eventtype",
            name="location_kind",
            field=models.CharField(
                choices=[
                    ("zoom", "Zoom"),
                    ("zoom_webinar", "Zoom webinar"),
                    ("phone", "Phone call"),
                    ("in_person", "In person (address)"),
                    ("custom_url", "Custom URL"),
                    ("ask_invitee", "Ask the invitee"),
                ],
                default="zoom",
                max_length=20,
            ),
        ),
    ]
