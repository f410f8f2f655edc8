"""Zoom's production checks name what to set (a warning while Zoom is off everywhere, errors
once it is on), and refuse a sandbox URL in production."""

import os
import subprocess
import sys

import pytest
from django.core.checks import ERROR

from slotlink.zoom.checks import zoom_settings
from slotlink.zoom.models import ZoomRollout

PRODUCTION = {
    "SLOTLINK_MODE": "production",
    "SECRET_KEY": "k" * 50,
    "SLOTLINK_ENCRYPTION_KEYS": "x0mK0B7Vf2JqD8Cq3n8hMZ6mV0qg5JtGZqH9kq3o2jU=",
    "ALLOWED_HOSTS": "book.example.com",
    "SLOTLINK_BASE_URL": "https://book.example.com",
}

ZOOM_ITSELF = ("https://zoom.us", "https://api.zoom.us/v2")


def check(tmp_path, **zoom: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLOTLINK_", "DATABASE_URL", "ZOOM_"))
    }
    env |= PRODUCTION | {"SLOTLINK_DATA_DIR": str(tmp_path)} | zoom
    return subprocess.run(
        [sys.executable, "-m", "slotlink", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_without_the_zoom_app_while_zoom_is_off(tmp_path):
    """With Zoom off for every organization, the missing Zoom settings are one warning
    (zoom.W001) naming each with what to set it to; the check passes."""
    result = check(tmp_path, ZOOM_REDIRECT_URI=" ")
    assert result.returncode == 0, result.stderr
    assert "zoom.W001" in result.stderr
    assert "ZOOM_CLIENT_ID (your Zoom Marketplace app's Client ID)" in result.stderr
    assert "ZOOM_CLIENT_SECRET" in result.stderr
    assert "ZOOM_WEBHOOK_SECRET_TOKEN" in result.stderr
    assert "ZOOM_REDIRECT_URI" not in result.stderr  # it follows SLOTLINK_BASE_URL
    assert "zoom.E00" not in result.stderr


@pytest.mark.django_db
def test_each_missing_zoom_setting_is_an_error_once_an_organization_has_zoom_on(
    organization, settings
):
    """zoom.E001 to E004: client id, secret, redirect URI and webhook secret, each with
    what to set it to, as soon as one organization has Zoom on."""
    settings.MODE = "production"
    settings.ZOOM_CLIENT_ID = settings.ZOOM_CLIENT_SECRET = ""
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = ""
    settings.ZOOM_OAUTH_BASE_URL, settings.ZOOM_API_BASE_URL = ZOOM_ITSELF
    assert [p.id for p in zoom_settings(None)] == ["zoom.W001"]
    ZoomRollout.objects.create(organization=organization, enabled=True)
    problems = zoom_settings(None)
    assert [p.id for p in problems] == ["zoom.E001", "zoom.E002", "zoom.E004"]
    assert all(p.level == ERROR for p in problems)
    assert problems[0].msg == (
        "ZOOM_CLIENT_ID is not set: set it to your Zoom Marketplace app's Client ID."
    )


def test_a_sandbox_url_in_production_is_refused(tmp_path):
    """Pointing production at a local Zoom sandbox is an error (zoom.E005)."""
    result = check(
        tmp_path,
        ZOOM_CLIENT_ID="id",
        ZOOM_CLIENT_SECRET="secret",
        ZOOM_WEBHOOK_SECRET_TOKEN="token",
        ZOOM_API_BASE_URL="http://127.0.0.1:8765/v2",
    )
    assert result.returncode != 0
    assert "zoom.E005" in result.stderr
    assert "ZOOM_API_BASE_URL" in result.stderr
    fine = check(
        tmp_path, ZOOM_CLIENT_ID="id", ZOOM_CLIENT_SECRET="secret", ZOOM_WEBHOOK_SECRET_TOKEN="t"
    )
    assert fine.returncode == 0, fine.stderr
