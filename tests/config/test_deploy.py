"""A production environment passes `slotlink check --deploy` without a warning, and behind
its TLS proxy plain http goes to https while load balancers' health checks are answered."""

import os
import subprocess
import sys

import httpx
import pytest
from cryptography.fernet import Fernet

from tests.web_process import WebProcess


def production_env(tmp_path) -> dict[str, str]:
    """Everything docs/deploy.md tells an operator to set."""
    return {
        "SLOTLINK_MODE": "production",
        "SECRET_KEY": "s" * 30 + "-production-secret-key-for-tests-" + "k" * 20,
        "SLOTLINK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "book.example.com,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://book.example.com",
        "SLOTLINK_BASE_URL": "https://book.example.com",
        "BEHIND_TLS_PROXY": "true",
        "SLOTLINK_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'slotlink.sqlite3'}",
        "ZOOM_CLIENT_ID": "zoom-client-id",
        "ZOOM_CLIENT_SECRET": "zoom-client-secret",
        "ZOOM_WEBHOOK_SECRET_TOKEN": "zoom-webhook-secret-token",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "Bookings <bookings@example.com>",
        "SLOTLINK_METRICS_TOKEN": "metrics-token",
    }


def clean_environment() -> dict[str, str]:
    """This process's environment without what the test run itself set for slotlink."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLOTLINK_", "DATABASE_URL", "SECRET_KEY", "ZOOM_", "DJANGO_"))
    }


def test_slotlink_check_deploy_passes_in_production(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "slotlink", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean_environment(), **production_env(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_says_what_a_plain_http_production_lacks(tmp_path):
    """Without the TLS proxy setting nothing can redirect to https, and the check says so."""
    env = production_env(tmp_path)
    del env["BEHIND_TLS_PROXY"]
    result = subprocess.run(
        [sys.executable, "-m", "slotlink", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean_environment(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.processes
def test_behind_the_proxy_http_goes_to_https_but_health_checks_answer(tmp_path):
    with WebProcess(production_env(tmp_path)) as web:
        plain = httpx.get(f"{web.url}/signin", headers={"Host": "book.example.com"})
        health = httpx.get(f"{web.url}/healthz")
        proxied = httpx.get(f"{web.url}/healthz", headers={"X-Forwarded-Proto": "https"})
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://book.example.com/signin"
    assert health.status_code == 200
    assert "Strict-Transport-Security" not in health.headers  # plain http: never sent
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
