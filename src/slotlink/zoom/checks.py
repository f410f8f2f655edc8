"""System checks for Zoom in production: each names the setting to fix."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

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


@register()
def zoom_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.MODE != "production":
        return []
    problems: list[CheckMessage] = [
        Error(f"{name} is not set: set it to {what}.", id=check_id)
        for name, check_id, what in REQUIRED
        if not getattr(settings, name)
    ]
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
