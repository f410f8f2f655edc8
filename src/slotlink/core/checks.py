"""System checks for a production deployment (run by `slotlink migrate` and `slotlink check`)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from slotlink.core.encryption import MISSING_KEYS_MESSAGE


@register()
def production_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.MODE != "production":
        return []
    problems: list[CheckMessage] = []
    if not settings.ENCRYPTION_KEYS:
        problems.append(Error(MISSING_KEYS_MESSAGE, id="core.E001"))
    if not settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "ALLOWED_HOSTS is empty: set it to the host names slotlink is served on.",
                id="core.E002",
            )
        )
    if len(settings.SECRET_KEY) < 40:
        problems.append(
            Error("SECRET_KEY is too short: use at least 40 random characters.", id="core.E003")
        )
    if not settings.BASE_URL:
        problems.append(
            Error(
                "SLOTLINK_BASE_URL is not set: set it to slotlink's public address, "
                "e.g. https://book.example.com (links in emails and providers' OAuth redirects "
                "use it).",
                id="core.E005",
            )
        )
    elif not settings.BASE_URL.startswith("https://"):
        problems.append(
            Warning(
                "SLOTLINK_BASE_URL is not https: invitees' links and providers' OAuth redirects "
                "should use https in production.",
                id="core.W001",
            )
        )
    if settings.DEBUG:
        problems.append(Error("DEBUG is on in production: turn it off.", id="core.E004"))
    return problems
