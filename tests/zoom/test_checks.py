"""Zoom's production checks name what to set, and refuse a sandbox URL in production."""

import os
import subprocess
import sys

PRODUCTION = {
    "SLOTLINK_MODE": "production",
    "SECRET_KEY": "k" * 50,
    "SLOTLINK_ENCRYPTION_KEYS": "x0mK0B7Vf2JqD8Cq3n8hMZ6mV0qg5JtGZqH9kq3o2jU=",
    "ALLOWED_HOSTS": "book.example.com",
    "SLOTLINK_BASE_URL": "https://book.example.com",
}


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


def test_each_missing_zoom_setting_is_named_with_its_check_id(tmp_path):
    """zoom.E001 to E004: client id, secret, redirect URI and webhook secret, each with
    what to set it to."""
    result = check(tmp_path, ZOOM_REDIRECT_URI=" ")
    assert result.returncode != 0
    assert "zoom.E001" in result.stderr
    assert "ZOOM_CLIENT_ID is not set" in result.stderr
    assert "zoom.E002" in result.stderr
    assert "zoom.E004" in result.stderr
    assert "zoom.E003" not in result.stderr  # it follows SLOTLINK_BASE_URL


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
