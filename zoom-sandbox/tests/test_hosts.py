"""The sandbox answers only to this machine's names, so DNS rebinding reads nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox_helpers import Connected
from zoom_sandbox import server
from zoom_sandbox.config import SandboxConfig
from zoom_sandbox.testing import SandboxServer, ZoomSandbox

# What a browser sends once evil.example's name points at 127.0.0.1 (DNS rebinding): the
# attacker's page reaches the sandbox as its own origin, under its own name.
REBOUND = {"Host": "evil.example"}


@pytest.fixture
def remote_sandbox() -> Iterator[SandboxServer]:
    """A sandbox started as `--allow-remote` starts it."""
    started = SandboxServer(SandboxConfig(allow_remote=True))
    started.start()
    yield started
    started.stop()


def test_a_rebound_page_cannot_read_the_apps_secrets(zoom_sandbox: ZoomSandbox) -> None:
    """GET /_sandbox/app under another site's name answers 421 with the reason, and no
    secret; the same request under 127.0.0.1 is answered."""
    refused = httpx.get(f"{zoom_sandbox.base_url}/_sandbox/app", headers=REBOUND)
    assert refused.status_code == 421
    assert zoom_sandbox.client_secret not in refused.text
    assert zoom_sandbox.webhook_secret_token not in refused.text
    assert "DNS rebinding" in refused.text
    assert "--allow-remote" in refused.text
    assert httpx.get(f"{zoom_sandbox.base_url}/_sandbox/app").status_code == 200


def test_a_rebound_page_cannot_call_the_api_or_the_control_api(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Zoom's API, its pages and the control API all refuse another site's name, and such
    a request changes nothing."""
    token = {"Authorization": host.api.headers["Authorization"], **REBOUND}
    base = zoom_sandbox.base_url
    assert httpx.get(f"{base}/v2/users/me", headers=token).status_code == 421
    created = httpx.post(
        f"{base}/v2/users/me/meetings", headers=token, json={"topic": "Rebound", "type": 2}
    )
    assert created.status_code == 421
    assert zoom_sandbox.meetings() == []
    assert httpx.get(f"{base}/signin", headers=REBOUND).status_code == 421
    reset = httpx.post(
        f"{base}/_sandbox/reset", headers={"Content-Type": "application/json", **REBOUND}
    )
    assert reset.status_code == 421
    assert [u["id"] for u in zoom_sandbox.control.get("/users").json()] == [host.user["id"]]


@pytest.mark.parametrize(
    "name", ["127.0.0.1", "127.0.0.1:8765", "localhost", "LOCALHOST:80", "[::1]:8765", "[::1]"]
)
def test_this_machines_names_are_answered(zoom_sandbox: ZoomSandbox, name: str) -> None:
    """Loopback addresses and localhost, with any port or none, reach the sandbox."""
    answer = httpx.get(f"{zoom_sandbox.base_url}/_sandbox/health", headers={"Host": name})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "name", ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "[::1", "a b"]
)
def test_other_names_are_refused(zoom_sandbox: ZoomSandbox, name: str) -> None:
    """A name that merely starts like this machine's, or is no host at all, is refused."""
    answer = httpx.get(f"{zoom_sandbox.base_url}/_sandbox/health", headers={"Host": name})
    assert answer.status_code == 421


def test_the_public_urls_host_is_answered() -> None:
    """SANDBOX_PUBLIC_URL's host is the sandbox's own name too: join links use it."""
    config = SandboxConfig.from_env({"SANDBOX_PUBLIC_URL": "http://zoom.lan:8765"})
    public = SandboxServer(config)
    public.start()
    try:
        health = f"{public.base_url}/_sandbox/health"
        assert httpx.get(health, headers={"Host": "zoom.lan:8765"}).status_code == 200
        assert httpx.get(health, headers=REBOUND).status_code == 421
    finally:
        public.stop()


def test_allow_remote_answers_any_name(remote_sandbox: SandboxServer) -> None:
    """Started with --allow-remote, the sandbox answers to whatever name reaches it."""
    answer = httpx.get(f"{remote_sandbox.base_url}/_sandbox/app", headers=REBOUND)
    assert answer.status_code == 200
    assert answer.json()["client_secret"]


def test_the_command_line_and_environment_set_allow_remote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`zoom-sandbox --allow-remote`, or SANDBOX_ALLOW_REMOTE=1, starts the app with
    every name allowed; without either it is off. Another value is refused by name."""
    started: list[bool] = []
    monkeypatch.setattr(
        server.uvicorn,
        "run",
        lambda app, **options: started.append(app.state.sandbox.config.allow_remote),
    )
    monkeypatch.delenv("SANDBOX_ALLOW_REMOTE", raising=False)
    assert server.main([]) == 0
    assert server.main(["--allow-remote"]) == 0
    monkeypatch.setenv("SANDBOX_ALLOW_REMOTE", "1")
    assert server.main(["--host", "0.0.0.0"]) == 0  # noqa: S104
    assert started == [False, True, True]
    monkeypatch.setenv("SANDBOX_ALLOW_REMOTE", "perhaps")
    with pytest.raises(ValueError, match="SANDBOX_ALLOW_REMOTE"):
        server.main([])
