"""System checks for Zoom in production: each names the setting to fix.

Production starts without the Zoom app's settings as long as Zoom is off for every
organization: an install that never uses Zoom needs no Zoom app. Then the missing settings
are a warning, and an admin who tries to turn Zoom on is told what the operator must set
(`zoom.rollout`). Once an organization has Zoom on, each missing setting is an error.
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError

from slotlink.zoom.models import ZoomRollout

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104 - a list, not a bind

REQUIRED = [
    ("ZOOM_CLIENT_ID", "zoom.E001", "your Zoom Marketplace app's Client ID"),
    ("ZOOM_CLIENT_SECRET", "zoom.E002", "your Zoom Marketplace app's Client Secret"),
    (
        "ZOOM_REDIRECT_URI",
        "zoom.E003",
        "the OAuth redirect URL registered on your Zoom app "
        "(https://<your host>/360/integrations/zoom/callback); it follows SLOTLINK_BASE_URL",
    ),
    (
        "ZOOM_WEBHOOK_SECRET_TOKEN",
        "zoom.E004",
        "the Secret Token of your Zoom app's event subscription (Zoom signs webhooks with it)",
    ),
]


def missing_zoom_settings() -> list[str]:
    """The names of the Zoom app's settings that are not set."""
    return [name for name, _, _ in REQUIRED if not getattr(settings, name)]


def _zoom_on_anywhere() -> bool:
    try:
        return ZoomRollout.objects.filter(enabled=True).exists()
    except DatabaseError:  # not migrated yet (a first `slotlink check`): no organization at all
        return False


@register()
def zoom_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.MODE != "production":
        return []
    problems: list[CheckMessage] = []
    if missing := missing_zoom_settings():
        if _zoom_on_anywhere():
            problems += [
                Error(f"{name} is not set: set it to {what}.", id=check_id)
                for name, check_id, what in REQUIRED
                if name in missing
            ]
        else:
            problems.append(
                Warning(
                    "Zoom is off for every organization, and cannot be turned on until these "
                    "are set: "
                    + "; ".join(f"{name} ({what})" for name, _, what in REQUIRED if name in missing)
                    + ".",
                    id="zoom.W001",
                )
            )
    for name in ("ZOOM_OAUTH_BASE_URL", "ZOOM_API_BASE_URL"):
        host = urlsplit(getattr(settings, name)).hostname or ""
        if host in LOCAL_HOSTS:
            problems.append(
                Error(
                    f"{name} points at {getattr(settings, name)}, a local Zoom sandbox: in "
                    "production leave it unset (Zoom itself) or point it at Zoom.",
                    id="zoom.E005",
                )
            )
    return problems
