"""Zoom's tables: who authorized slotlink in Zoom, how organizations use them, the rollout
switches, the sync log, pending authorizations and received webhook events.

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


class ZoomRollout(models.Model):
    """An organization's Zoom switches, from the Rollout card on the Zoom page."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="zoom_rollout"
    )
    enabled = models.BooleanField(default=False)
    multi_account_routing = models.BooleanField(default=False)
    default_connection = models.ForeignKey(
        ZoomConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    webinars_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Zoom rollout of {self.organization}"


class ZoomAuthorization(models.Model):
    """One trip to Zoom's consent page and back, or a code waiting for its confirmation.

    Started by a Connect button: `state_digest` (SHA-256 of the single-use state) binds the
    callback to the person, their session and organization, and holds the PKCE verifier.
    Once a code is exchanged but needs a person's yes (an install started from the Zoom
    Marketplace, or a change of role), the tokens wait here, encrypted, until they confirm.
    """

    state_digest = models.CharField(max_length=64, unique=True)
    session_digest = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=ZoomConnection.Role.choices, blank=True)
    code_verifier = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Filled once a code was exchanged and waits for the person's confirmation.
    profile = models.JSONField(null=True, blank=True)
    token_set = EncryptedTextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"Zoom authorization by {self.user} ({self.role or 'role to choose'})"


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
