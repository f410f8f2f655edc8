"""The Zoom meeting a booking should have, and what Zoom has.

A `ZoomMeeting` holds both halves of a reconcile: the *desired* meeting (present or not,
start, duration, topic, agenda, bumped `version` on every change), written in the
booking's own transaction, and the *synced* one (Zoom's id, join link, the version last
applied), written by the worker after Zoom answered. A one-on-one booking has its own
meeting; a group session's bookings share one (`ZoomMeetingBooking` says which bookings a
meeting serves). Booking and session ids are plain numbers: scheduling owns those rows,
and Zoom only hears of them through the conferencing seam.
"""

from django.db import models

from slotlink.zoom.models.accounts import ZoomConnection
from slotlink.zoom.models.synced import SyncedRow


class ZoomMeeting(SyncedRow):
    class State(models.TextChoices):
        PENDING = "pending", "Being synced with Zoom"
        SYNCED = "synced", "In sync with Zoom"
        WAITING = "waiting", "Waiting for Zoom"  # a rate limit or an outage: retried later
        FAILED = "failed", "Failed"  # retrying cannot fix it; its problem says what can
        UNROUTED = "unrouted", "No Zoom account"  # no link: Zoom off, or no account resolved

    booking_id = models.BigIntegerField(null=True, blank=True, unique=True)  # one-on-one
    group_session_id = models.BigIntegerField(null=True, blank=True, unique=True)
    # The account it was routed to when booked; kept (as text too) after a disconnect.
    connection = models.ForeignKey(
        ZoomConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )

    # Synced.
    zoom_meeting_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    join_url = models.URLField(max_length=1000, blank=True)
    passcode = models.CharField(max_length=20, blank=True)
    synced_start = models.DateTimeField(null=True, blank=True)
    # When Zoom's answer with the join link was stored: the end of a booking's "time to
    # link" (docs/benchmarks.md), which `updated_at` loses at the next write.
    link_ready_at = models.DateTimeField(null=True, blank=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="zoom_meeting_due"),
            models.Index(fields=["connection", "state"], name="zoom_meeting_connection"),
        ]

    def __str__(self) -> str:
        return f"Zoom meeting for {self.booking_id or f'session {self.group_session_id}'}"

    @property
    def in_sync(self) -> bool:
        if not self.present:
            return self.zoom_meeting_id is None and not self.create_marker
        return self.zoom_meeting_id is not None and self.synced_version == self.version


class ZoomMeetingBooking(models.Model):
    """A booking a meeting serves; for a group session, one row per seat."""

    meeting = models.ForeignKey(ZoomMeeting, on_delete=models.CASCADE, related_name="bookings")
    booking_id = models.BigIntegerField(unique=True)
    live = models.BooleanField(default=True)  # False once cancelled or moved away

    def __str__(self) -> str:
        return f"booking {self.booking_id} on {self.meeting_id}"
