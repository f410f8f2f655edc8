"""What every row kept in sync with Zoom has (meetings.py, webinars.py): the desired half,
written in the booking's transaction (present, start, duration, topic, agenda, a `version`
bumped on every change), and the synced half, written by the worker (the version last
applied, the create's marker), with the sync's own bookkeeping: its problem (problems.py),
drift found in Zoom, attempts, the lease (sync/leases.py) and whether its host was told.

Abstract: each row keeps its own table, state choices and connection (the account it was
routed to when booked; kept, as text too, after a disconnect).
"""

from django.db import models
from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.zoom.problems import ProblemRow


class SyncedRow(ProblemRow):
    class Drift(models.TextChoices):
        NONE = "", "None"
        REMOVED = "removed", "Removed in Zoom"
        MOVED = "moved", "Moved in Zoom"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    host_id = models.BigIntegerField()
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
    # Written into the agenda before each create, so an attempt whose answer was lost can
    # find what it made instead of making a second one (sync/marker.py).
    create_marker = models.CharField(max_length=40, blank=True)

    # Removed or moved by someone in Zoom: shown to the host, never undone on its own.
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
        abstract = True
