"""An organization's Zoom switches, and trips to Zoom's consent page waiting to come back."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from slotlink.accounts.models import Organization
from slotlink.core.encryption import EncryptedTextField
from slotlink.zoom.models.accounts import ZoomConnection


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
    # Set by a Reconnect button: the connection this trip renews, so that Zoom signing the
    # browser in as another account connects nothing (authorization_refusals.py).
    reconnection = models.ForeignKey(
        ZoomConnection, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
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


class ZoomCodeArrival(models.Model):
    """A code Zoom sent back, and the browser that brought it (callbacks.py).

    The first browser to bring a code owns it: the same code from any other browser (a
    URL copied from a log, a Referer, a chat) is refused before it is exchanged. Digests
    only: the code itself is a secret, and the browser's id is one too.
    """

    code_digest = models.CharField(max_length=64, unique=True)
    browser_digest = models.CharField(max_length=64)
    arrived_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Zoom code brought at {self.arrived_at:%Y-%m-%d %H:%M}"
