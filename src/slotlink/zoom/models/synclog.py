"""The sync log: every Zoom action slotlink took, for admins."""

from django.db import models
from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.zoom.models.accounts import ZoomConnection


class SyncLogEntry(models.Model):
    """One Zoom action slotlink took: a call to Zoom, or a webhook it acted on."""

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        UNAUTHORIZED = "unauthorized", "Unauthorized"
        SCOPE_MISSING = "scope_missing", "Scope missing"
        RATE_LIMITED = "rate_limited", "Rate limited"
        NOT_FOUND = "not_found", "Not found"
        UNAVAILABLE = "unavailable", "Zoom unavailable"
        REJECTED = "rejected", "Rejected"

    at = models.DateTimeField(default=timezone.now)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    connection = models.ForeignKey(
        ZoomConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as text so an entry still names its Zoom account after a disconnect.
    zoom_user_id = models.CharField(max_length=64, blank=True)
    zoom_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=48)  # e.g. meeting.create, token.refresh
    booking_id = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    zoom_code = models.IntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        # Newest first within an organization, by id (ids rise with time); each filter of
        # the sync log page has its own index so a million rows stay one index range away.
        indexes = [
            models.Index(fields=["organization", "-id"], name="zoom_synclog_org"),
            models.Index(fields=["organization", "action", "-id"], name="zoom_synclog_action"),
            models.Index(fields=["organization", "outcome", "-id"], name="zoom_synclog_outcome"),
            models.Index(fields=["organization", "booking_id", "-id"], name="zoom_synclog_booking"),
            models.Index(fields=["organization", "zoom_user_id", "-id"], name="zoom_synclog_user"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} at {self.at:%Y-%m-%d %H:%M:%S}"
