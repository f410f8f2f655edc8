"""A group session's Zoom webinar, and a registrant (with a personal join link) per booking.

The same two halves as meetings: what the session wants (written in the booking's
transaction) and what Zoom has (written by the worker). A webinar is wanted while any of
its registrants is live; each live registrant is registered once, a cancelled one has its
registration cancelled (Zoom's registrants can't be deleted). An event type can attach to
a webinar that already exists on the host's Zoom (`attached`): slotlink then registers
invitees to it but never creates, moves or deletes it.
"""

from django.db import models

from slotlink.zoom.models.accounts import ZoomConnection
from slotlink.zoom.models.synced import SyncedRow
from slotlink.zoom.problems import ProblemRow


class ZoomWebinar(SyncedRow):
    class State(models.TextChoices):
        PENDING = "pending", "Being synced with Zoom"
        SYNCED = "synced", "In sync with Zoom"
        WAITING = "waiting", "Waiting for Zoom"
        FAILED = "failed", "Failed"
        UNROUTED = "unrouted", "No Zoom account"
        FELL_BACK = "fell_back", "A Zoom meeting instead"  # no licence; the admin chose it

    group_session_id = models.BigIntegerField(unique=True)
    event_type_id = models.BigIntegerField(db_index=True)
    connection = models.ForeignKey(
        ZoomConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="webinars"
    )
    attached = models.BooleanField(default=False)
    fallback_to_meeting = models.BooleanField(default=False)

    zoom_webinar_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    zoom_uuid = models.CharField(max_length=100, blank=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attendance_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="zoom_webinar_due")]

    def __str__(self) -> str:
        return f"Zoom webinar for session {self.group_session_id}"

    @property
    def exists_in_zoom(self) -> bool:
        return self.zoom_webinar_id is not None

    @property
    def in_sync(self) -> bool:
        if not self.present:
            return self.zoom_webinar_id is None and not self.create_marker
        return self.state == self.State.SYNCED and self.synced_version == self.version


class ZoomRegistrant(ProblemRow):
    """One booking's registration for a webinar, and its personal join link."""

    class Attendance(models.TextChoices):
        UNKNOWN = "", "Not known yet"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"

    webinar = models.ForeignKey(ZoomWebinar, on_delete=models.CASCADE, related_name="registrants")
    booking_id = models.BigIntegerField()
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    live = models.BooleanField(default=True)  # False once cancelled or moved to another session
    registrant_id = models.CharField(max_length=100, blank=True)
    join_url = models.URLField(max_length=1000, blank=True)
    cancelled_in_zoom = models.BooleanField(default=False)
    # An add whose answer was lost: look for the registrant before adding again, since Zoom
    # takes at most 3 adds a day for one registrant of one webinar.
    add_uncertain = models.BooleanField(default=False)
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, blank=True, default=Attendance.UNKNOWN
    )
    minutes_attended = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "booking_id"], name="one_registrant_per_seat"
            )
        ]
        indexes = [models.Index(fields=["booking_id"], name="zoom_registrant_booking")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.email} for {self.webinar}"

    @property
    def in_sync(self) -> bool:
        if self.live:
            return bool(self.registrant_id) and not self.problem_code
        # An add whose answer was lost may have registered them: not done until looked for.
        return (not self.registrant_id and not self.add_uncertain) or self.cancelled_in_zoom
