"""`zoom-sandbox` as its own process: command line, environment, start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandbox_helpers import free_port
from zoom_sandbox import server
from zoom_sandbox.config import SandboxConfig
from zoom_sandbox.server import parse_args


def test_command_line_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """--port defaults to SANDBOX_PORT, then 8765; --state-file to SANDBOX_STATE_FILE."""
    monkeypatch.delenv("SANDBOX_PORT", raising=False)
    monkeypatch.delenv("SANDBOX_STATE_FILE", raising=False)
    args = parse_args([])
    assert (args.host, args.port, args.state_file) == ("127.0.0.1", 8765, None)
    monkeypatch.setenv("SANDBOX_PORT", "9100")
    monkeypatch.setenv("SANDBOX_STATE_FILE", "/srv/data/zoom.json")
    args = parse_args([])
    assert (args.port, args.state_file) == (9100, "/srv/data/zoom.json")
    assert parse_args(["--port", "9200", "--host", "0.0.0.0"]).port == 9200  # noqa: S104


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "sandbox.example.com"])  # noqa: S104
def test_a_non_loopback_host_needs_allow_remote(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listening beyond this machine is refused, with the reason, unless --allow-remote."""
    served: list[str] = []
    monkeypatch.setattr(
        server.uvicorn, "run", lambda app, **options: served.append(options["host"])
    )
    assert server.main(["--host", host]) == 2
    assert served == []
    message = capsys.readouterr().err
    assert host in message
    assert "--allow-remote" in message
    assert "/_sandbox/" in message  # why: anyone reaching it could drive the control API
    assert server.main(["--host", host, "--allow-remote"]) == 0
    assert served == [host]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_need_no_flag(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default and other loopback addresses start as before."""
    served: list[str] = []
    monkeypatch.setattr(
        server.uvicorn, "run", lambda app, **options: served.append(options["host"])
    )
    assert server.main(["--host", host]) == 0
    assert served == [host]


def test_config_from_the_products_environment() -> None:
    """The app is registered from the ZOOM_* variables the product reads."""
    config = SandboxConfig.from_env(
        {
            "ZOOM_CLIENT_ID": "cid",
            "ZOOM_CLIENT_SECRET": "secret",
            "ZOOM_REDIRECT_URI": "http://localhost:8000/zoom/callback/",
            "ZOOM_WEBHOOK_SECRET_TOKEN": "whsec",
            "ZOOM_WEBHOOK_URL": "http://localhost:8000/zoom/webhooks/",
            "SANDBOX_APP_NAME": "Acme",
            "SANDBOX_ACCESS_TOKEN_TTL": "60",
            "SANDBOX_WEBHOOK_RETRY_SCALE": "0.01",
            "SANDBOX_STATE_FILE": "/srv/data/x.json",
        }
    )
    app = config.app
    assert (app.client_id, app.client_secret, app.webhook_secret_token) == (
        "cid",
        "secret",
        "whsec",
    )
    assert app.redirect_uri == "http://localhost:8000/zoom/callback/"
    assert app.webhook_url == app.deauthorization_target == "http://localhost:8000/zoom/webhooks/"
    assert (app.name, app.access_token_ttl, app.webhook_retry_scale) == ("Acme", 60, 0.01)
    assert str(config.state_file) == "/srv/data/x.json"


@pytest.mark.processes
def test_zoom_sandbox_command_starts_and_serves(tmp_path: Path) -> None:
    """`python -m zoom_sandbox` starts, registers the app from the environment, stops."""
    port = free_port()
    env = {
        **os.environ,
        "ZOOM_CLIENT_ID": "from-env",
        "ZOOM_REDIRECT_URI": "http://localhost:8000/zoom/callback/",
        "SANDBOX_STATE_FILE": str(tmp_path / "state.json"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "zoom_sandbox", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_sandbox/health")
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.05)
        assert health.json()["state_file"] == str(tmp_path / "state.json")
        app = httpx.get(f"http://127.0.0.1:{port}/_sandbox/app").json()
        assert app["client_id"] == "from-env"
        httpx.post(
            f"http://127.0.0.1:{port}/_sandbox/users",
            json={"email": "persist@example.com", "password": "pw"},
        )
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "persist@example.com" in (tmp_path / "state.json").read_text()
