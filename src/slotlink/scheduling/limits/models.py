"""What the booking limits keep: the public bookings of the last hour they count, the
refusals of the last day the host is shown, and an organization's blocked addresses and
emails."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class LimitKind(models.TextChoices):
    """Why a public booking was refused: a limit it went past, or a block."""

    ADDRESS = "address", "bookings from one address"
    EMAIL = "email", "bookings of one event type by one email"
    EVENT_TYPE = "event_type", "bookings of one event type"
    ORGANIZATION = "organization", "bookings in the organization"
    BLOCKED_ADDRESS = "blocked_address", "a blocked address"
    BLOCKED_EMAIL = "blocked_email", "a blocked email"


class PublicBooking(models.Model):
    """A booking made on the public page, with where it came from; kept an hour (deleted
    within the minute after, by a periodic job), for the limits to count (the address is
    kept nowhere else)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    event_type = models.ForeignKey(
        "scheduling.EventType", on_delete=models.CASCADE, related_name="+"
    )
    invitee_email = models.EmailField(max_length=254)  # lower-cased
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["ip_address", "created_at"]),
            models.Index(fields=["event_type", "created_at"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"public booking of {self.event_type_id} at {self.created_at:%Y-%m-%d %H:%M}"


class BookingRefusal(models.Model):
    """A public booking refused by a limit or a block; kept a day, for the host's banner and
    the hourly email (`told_at` once it was in one)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    event_type = models.ForeignKey(
        "scheduling.EventType", on_delete=models.CASCADE, related_name="+"
    )
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    limit = models.CharField(max_length=20, choices=LimitKind.choices)
    invitee_email = models.EmailField(max_length=254)  # lower-cased, as typed
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "created_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"booking refused ({self.limit}) at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def for_admins(self) -> bool:
        """The organization's own limit is its admins' to hear of; the others, the host's."""
        return self.limit == LimitKind.ORGANIZATION


class BookingBlock(models.Model):
    """An address or an email that may not book with the organization; bookings it made
    before stay."""

    class Kind(models.TextChoices):
        ADDRESS = "address", "Address"
        EMAIL = "email", "Email"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="booking_blocks"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=254)  # an IP address, or a lower-cased email
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "value"], name="one_block_per_value"
            )
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"blocked {self.kind} {self.value}"
