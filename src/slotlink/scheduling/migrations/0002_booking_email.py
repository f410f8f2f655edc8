# Each party's emails are recorded on their own (BookingEmail) instead of one "last
# notified" SEQUENCE on the booking, so a refused email to one party is retried alone.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

def record_what_was_sent(apps, schema_editor):
    """Before this, both parties' emails of a change went (or failed) together."""
    Booking = apps.get_model("scheduling", "Booking")
    BookingEmail = apps.get_model("scheduling", "BookingEmail")
    BookingEvent = apps.get_model("scheduling", "BookingEvent")
    emails = []
    for booking in Booking.objects.filter(notified_sequence__gte=0).iterator():
        event = BookingEvent.objects.filter(
            booking_id=booking.pk, sequence=booking.notified_sequence
        ).first()
        change = event.kind if event else "link_ready"  # the kinds name their changes
        emails += [
            BookingEmail(
                booking_id=booking.pk,
                audience=audience,
                sequence=booking.notified_sequence,
                change=change,
                awaiting_link=booking.awaiting_link,
                join_url=booking.notified_join_url,
            )
            for audience in ("invitee", "host")
        ]
    BookingEmail.objects.bulk_create(emails, batch_size=500)


def restore_last_notified(apps, schema_editor):
    Booking = apps.get_model("scheduling", "Booking")
    BookingEmail = apps.get_model("scheduling", "BookingEmail")
    for email in BookingEmail.objects.filter(audience="invitee").order_by("sequence").iterator():
        Booking.objects.filter(pk=email.booking_id).update(
            notified_sequence=email.sequence,
            awaiting_link=email.awaiting_link,
            notified_join_url=email.join_url,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('scheduling', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='BookingEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('audience', models.CharField(choices=[('invitee', 'Invitee'), ('host', 'Host')], max_length=10)),
                ('sequence', models.PositiveIntegerField()),
                ('change', models.CharField(max_length=12)),
                ('awaiting_link', models.BooleanField(default=False)),
                ('join_url', models.CharField(blank=True, max_length=1000)),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('booking', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='scheduling.booking')),
            ],
            options={
                'ordering': ['sequence', 'id'],
                'constraints': [models.UniqueConstraint(fields=('booking', 'audience', 'sequence'), name='one_email_per_party_and_change')],
            },
        ),
        migrations.RunPython(record_what_was_sent, restore_last_notified),
        migrations.RemoveField(
            model_name='booking',
            name='awaiting_link',
        ),
        migrations.RemoveField(
            model_name='booking',
            name='notified_join_url',
        ),
        migrations.RemoveField(
            model_name='booking',
            name='notified_sequence',
        ),
    ]
