"""The next moment a Zoom account's rate-limit budget allows another request."""

from django.db import models
from django.utils import timezone


class ZoomPace(models.Model):
    """One row per (Zoom account, rate-limit label): when the next request may go."""

    key = models.CharField(max_length=120, unique=True)
    next_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} next at {self.next_at:%H:%M:%S.%f}"
