"""A host's CalDAV connections, the calendars in each, and the busy stretches read from them.

The password is an app password the host made for slotlink: encrypted at rest like Zoom's
tokens (core/encryption.py) and never shown again. A connection's trouble is a code
(problems.py) and the server's reason in words; it is connected when it has no code.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.calendars.problems import RECONNECT_FIXES, Problem, problem_words
from slotlink.core.encryption import EncryptedTextField


class CalendarConnection(models.Model):
    """One CalDAV account of a host: where it is, who signs in, and whether it works."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="calendar_connections"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_connections"
    )
    label = models.CharField(max_length=100, blank=True)
    # The account's URL as discovery found it (the principal or the calendar home).
    server_url = models.URLField(max_length=1000)
    username = models.CharField(max_length=254)
    password = EncryptedTextField()
    # A `Problem`; without `choices`, so a new code needs no migration.
    problem_code = models.CharField(max_length=30, blank=True, default=Problem.NONE)
    problem_detail = models.TextField(blank=True, help_text="The server's reason, in words.")
    broken_at = models.DateTimeField(null=True, blank=True)
    # When the owner was emailed that it broke: told of this break if after `broken_at`.
    told_at = models.DateTimeField(null=True, blank=True)
    # The last refresh that read the server without trouble.
    checked_at = models.DateTimeField(null=True, blank=True)
    # The last refresh begun, good or not: the next is due a refresh period after it.
    tried_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "owner", "server_url", "username"],
                name="calendar_account_once_per_host",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} at {self.server_host}"

    @property
    def server_host(self) -> str:
        return urlsplit(self.server_url).netloc

    @property
    def is_connected(self) -> bool:
        return self.problem_code == Problem.NONE

    @property
    def problem(self) -> str:
        return problem_words(self.problem_code)

    @property
    def stale_after(self) -> timedelta:
        """The bound on the busy times' age shown to the host: the refresh reads them every
        CALENDAR_REFRESH_SECONDS (picked up within a minute), so twice that is late."""
        return 2 * timedelta(seconds=settings.CALENDAR_REFRESH_SECONDS)

    @property
    def stale_minutes(self) -> int:
        return int(self.stale_after.total_seconds() // 60)

    @property
    def busy_times_stale(self) -> bool:
        return self.checked_at is None or self.checked_at < timezone.now() - self.stale_after

    @property
    def asks_new_password(self) -> bool:
        return self.problem_code in RECONNECT_FIXES


class ConnectedCalendar(models.Model):
    """One calendar of a connection: whether it counts as busy, whether bookings go to it."""

    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="calendars"
    )
    # The connection's owner, kept here so that "one target per host" is a constraint and
    # busy times are read without a join.
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connected_calendars"
    )
    url = models.URLField(max_length=1000)
    name = models.CharField(max_length=200, blank=True)
    color = models.CharField(max_length=20, blank=True)
    can_write = models.BooleanField(default=True)
    is_busy = models.BooleanField(default=False)
    is_target = models.BooleanField(default=False)
    ctag = models.CharField(max_length=200, blank=True)
    sync_token = models.CharField(max_length=1000, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "url"], name="calendar_once_per_account"),
            models.UniqueConstraint(
                fields=["host"], condition=Q(is_target=True), name="one_target_calendar_per_host"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.url


class BusyStretch(models.Model):
    """A stretch when the host is taken, read from a ticked calendar (UTC)."""

    calendar = models.ForeignKey(
        ConnectedCalendar, on_delete=models.CASCADE, related_name="busy_stretches"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="busy_stretches"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["host", "start"], name="busy_host_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="busy_ends_after")
        ]

    def __str__(self) -> str:
        return f"busy {self.start:%Y-%m-%d %H:%M} to {self.end:%H:%M}"


class CalendarEvent(models.Model):
    """A booking's event (or a group session's: one for its seats) in the host's "Add
    bookings to" calendar, kept in line with the booking by a task (sync.py).

    The desired half is the booking itself, read when the task runs; here is what asks for
    a write (`version`, bumped in the booking's transaction) and what the calendar holds
    (`href`, `etag`, the version written). A host who changed or removed the event in their
    calendar is never overruled: `host_changed` says so, shown on the booking's page, until
    the host asks slotlink to put it back.
    """

    class HostChange(models.TextChoices):
        NONE = "", "None"
        EDITED = "edited", "Changed in the calendar"
        REMOVED = "removed", "Removed from the calendar"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # One of the two: a one-on-one booking's event, or a group session's.
    booking_id = models.BigIntegerField(null=True, blank=True)
    session_id = models.BigIntegerField(null=True, blank=True)
    # Where it is written; kept when the host picks another calendar later (the event stays
    # where it was made). Null once that calendar was removed from slotlink.
    calendar = models.ForeignKey(
        ConnectedCalendar, on_delete=models.SET_NULL, null=True, related_name="events"
    )
    uid = models.CharField(max_length=255, blank=True)
    href = models.CharField(max_length=1000, blank=True)
    etag = models.CharField(max_length=200, blank=True)  # "" when not (or no longer) there
    version = models.PositiveIntegerField(default=1)
    synced_version = models.PositiveIntegerField(default=0)
    # Written into the event before its create, so a create whose answer was lost is
    # recognised as slotlink's and adopted, not written twice.
    create_marker = models.CharField(max_length=40, blank=True)
    host_changed = models.CharField(
        max_length=10, choices=HostChange.choices, blank=True, default=HostChange.NONE
    )
    # The host asked to put the event back as slotlink wrote it.
    restore = models.BooleanField(default=False)
    problem_detail = models.TextField(blank=True)  # the server's last refusal, in words
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking_id"],
                condition=Q(booking_id__isnull=False),
                name="one_calendar_event_per_booking",
            ),
            models.UniqueConstraint(
                fields=["session_id"],
                condition=Q(session_id__isnull=False),
                name="one_calendar_event_per_session",
            ),
            models.CheckConstraint(
                condition=Q(booking_id__isnull=True) ^ Q(session_id__isnull=True),
                name="calendar_event_of_booking_or_session",
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.uid or self.pk}"

    @property
    def in_sync(self) -> bool:
        return self.synced_version >= self.version
