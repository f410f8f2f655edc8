"""Who authorized slotlink in Zoom, and how organizations use them.

A Zoom user's grant is one thing however many organizations use it: Zoom keeps one
authorization per user and app, and a new authorization ends the earlier tokens
(REFERENCE §1.6, error 4741). So tokens live on `ZoomUser` (one row per Zoom user id) and
each organization's use of it is a `ZoomConnection` (personal or shared org account), as
Sentry separates an integration's external account from an organization's installation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.core.encryption import EncryptedTextField


class ZoomUser(models.Model):
    """A Zoom user who authorized slotlink: identity, what Zoom said of them, the tokens."""

    class Status(models.TextChoices):
        CONNECTED = "connected", "Connected"
        BROKEN = "broken", "Connection broken"

    zoom_user_id = models.CharField(max_length=64, unique=True)
    zoom_account_id = models.CharField(max_length=64, blank=True)
    email = models.EmailField(max_length=254)
    display_name = models.CharField(max_length=200, blank=True)
    # Zoom's user type: 1 Basic, 2 Licensed, ... (None: Zoom did not say).
    user_type = models.PositiveSmallIntegerField(null=True, blank=True)
    # Zoom's user object does not carry the webinar licence: None until a webinar call says.
    webinar_licence = models.BooleanField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    scopes = models.TextField(blank=True, help_text="The scopes Zoom granted, space-separated.")
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONNECTED)
    last_error = models.TextField(blank=True, help_text="Why the connection broke, in words.")
    broken_at = models.DateTimeField(null=True, blank=True)
    authorized_at = models.DateTimeField(default=timezone.now)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # The account's passcode rules (Zoom's `meeting_password_requirement`), read from the
    # user's settings when connecting; None when Zoom did not say.
    passcode_rules = models.JSONField(null=True, blank=True)
    # Zoom's per-host cap of meeting creates and updates is used up until then (00:00 UTC):
    # work for this account waits instead of asking again.
    daily_cap_until = models.DateTimeField(null=True, blank=True)
    # When the hourly reconcile last listed this account's meetings.
    reconciled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Zoom {self.email}"

    @property
    def is_connected(self) -> bool:
        return self.status == self.Status.CONNECTED

    @property
    def plan_label(self) -> str:
        return {1: "Basic", 2: "Licensed"}.get(self.user_type or 0, "")


class ZoomConnection(models.Model):
    """An organization's use of a Zoom user: a member's own Zoom, or a shared org account."""

    class Role(models.TextChoices):
        PERSONAL = "personal", "Personal"
        ORG = "org", "Shared org account"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="zoom_connections"
    )
    zoom_user = models.ForeignKey(ZoomUser, on_delete=models.CASCADE, related_name="connections")
    # For a personal connection, the host whose Zoom it is; for an org account, the admin
    # who added it (and who is told when it breaks).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zoom_connections"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # When the owner was last emailed that it broke: told of this break if after `broken_at`.
    owner_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "zoom_user"], name="zoom_user_once_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "owner"],
                condition=Q(role="personal"),
                name="one_personal_zoom_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zoom_user.email} ({self.get_role_display()}) in {self.organization}"

    @property
    def is_org_account(self) -> bool:
        return self.role == self.Role.ORG
