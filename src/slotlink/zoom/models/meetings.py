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
from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.zoom.models.accounts import ZoomConnection
from slotlink.zoom.problems import ProblemRow


class ZoomMeeting(ProblemRow):
    class State(models.TextChoices):
        PENDING = "pending", "Being synced with Zoom"
        SYNCED = "synced", "In sync with Zoom"
        WAITING = "waiting", "Waiting for Zoom"  # a rate limit or an outage: retried later
        FAILED = "failed", "Failed"  # retrying cannot fix it; its problem says what can
        UNROUTED = "unrouted", "No Zoom account"  # no link: Zoom off, or no account resolved

    class Drift(models.TextChoices):
        NONE = "", "None"
        REMOVED = "removed", "Removed in Zoom"
        MOVED = "moved", "Moved in Zoom"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    booking_id = models.BigIntegerField(null=True, blank=True, unique=True)  # one-on-one
    group_session_id = models.BigIntegerField(null=True, blank=True, unique=True)
    host_id = models.BigIntegerField()
    # The account it was routed to when booked; kept (as text too) after a disconnect.
    connection = models.ForeignKey(
        ZoomConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    zoom_user_id = models.CharField(max_length=64, blank=True)

    # Desired.
    present = models.BooleanField(default=True)
    topic = models.CharField(max_length=200)
    agenda = models.TextField(blank=True)
    start = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    time_zone = models.CharField(max_length=64, default="UTC")
    version = models.PositiveIntegerField(default=1)

    # Synced.
    synced_version = models.PositiveIntegerField(default=0)
    zoom_meeting_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    join_url = models.URLField(max_length=1000, blank=True)
    passcode = models.CharField(max_length=20, blank=True)
    synced_start = models.DateTimeField(null=True, blank=True)
    # When Zoom's answer with the join link was stored: the end of a booking's "time to
    # link" (docs/benchmarks.md), which `updated_at` loses at the next write.
    link_ready_at = models.DateTimeField(null=True, blank=True)
    # Written into the meeting's agenda before each create, so an attempt whose answer
    # was lost can find the meeting it made instead of making a second one.
    create_marker = models.CharField(max_length=40, blank=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    drift = models.CharField(max_length=10, choices=Drift.choices, blank=True, default="")
    drift_start = models.DateTimeField(null=True, blank=True)  # where Zoom moved it
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # One worker at a time: a sync holds the row until `lease_until` (a dead worker's
    # lease runs out and another takes over), without a transaction open across Zoom calls.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=40, blank=True)
    host_told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

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
