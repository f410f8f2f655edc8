"""Zoom event notifications as received, each kept once."""

from django.db import models
from django.utils import timezone


class WebhookEvent(models.Model):
    """A Zoom event notification, stored once however often Zoom delivers it."""

    key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the event.")
    event = models.CharField(max_length=80)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    deliveries = models.PositiveIntegerField(default=1)
    handled_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.event} received {self.received_at:%Y-%m-%d %H:%M:%S}"
