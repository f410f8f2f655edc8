"""What reminders keep: the reminders a host set on an event type, and each reminder email
claimed for a booking (or, for a group session's host, for the session)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

# A reminder is at least this long before the start (the job runs every minute) and at
# most a month before (bookings are rarely made further ahead).
MIN_MINUTES_BEFORE = 5
MAX_MINUTES_BEFORE = 30 * 24 * 60
# Enough for "a week, a day and an hour before", and a few more.
MAX_PER_EVENT_TYPE = 5


class Reminder(models.Model):
    """An email this long before each booking of the event type starts: to the invitee,
    and to the host as well when `to_host`."""

    event_type = models.ForeignKey(
        "scheduling.EventType", on_delete=models.CASCADE, related_name="reminders"
    )
    minutes_before = models.PositiveIntegerField(
        validators=[MinValueValidator(MIN_MINUTES_BEFORE), MaxValueValidator(MAX_MINUTES_BEFORE)]
    )
    to_host = models.BooleanField(default=False)
    # A reminder added later than the time it names for a booking doesn't go for it: it
    # would arrive as a surprise, after the moment the invitee was promised nothing.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_type", "minutes_before"], name="one_reminder_per_offset"
            )
        ]
        ordering = ["-minutes_before", "id"]

    def __str__(self) -> str:
        return f"reminder {self.minutes_before} minutes before {self.event_type_id}"


class ReminderEmail(models.Model):
    """One reminder email, claimed by the job that found it due: its `key` (who, which
    reminder, which start) is unique, so two jobs never queue it twice; it is marked
    `sent_at` once the mail server took it (core's notice path holds the lease meanwhile),
    and `handled_at` then, or once its task found it no longer due (booking cancelled or
    moved, reminder removed). One claimed longer than a lease ago and not handled lost its
    task (RQ is told only after the claim commits): the job queues it again.

    The invitee's reminder is keyed by the booking, and so is each of their guests'; the
    host's of a group session by the session (one per session, not per seat), with
    `booking` one of its seats."""

    key = models.CharField(max_length=120, unique=True)
    booking = models.ForeignKey(
        "scheduling.Booking", on_delete=models.CASCADE, related_name="reminder_emails"
    )
    session = models.ForeignKey(
        "scheduling.GroupSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_emails",
    )
    audience = models.CharField(max_length=10)  # a notifications Audience
    # One of the invitee's guests, who gets the invitee's reminder as a guest ("" for the
    # invitee themselves, or the host).
    guest = models.EmailField(blank=True, default="")
    minutes_before = models.PositiveIntegerField()
    start = models.DateTimeField()  # the start it reminds of: a moved booking's is stale
    # When the job claimed it, or last queued it again (one lease after the last time).
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)  # sent, or no longer due

    class Meta:
        ordering = ["claimed_at", "id"]

    def __str__(self) -> str:
        return self.key
