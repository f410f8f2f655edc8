"""State in a file survives a restart, as `make run` needs."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from slotlink.sandbox import SandboxConfig
from tests.fixtures.zoom_sandbox import SandboxServer


def test_state_survives_a_restart(tmp_path: Path) -> None:
    """Users, tokens, meetings and browser sessions are all there after a restart."""
    state_file = tmp_path / "zoom-sandbox.json"
    first = SandboxServer(SandboxConfig(state_file=state_file))
    first.start()
    try:
        control = httpx.Client(base_url=f"{first.base_url}/_sandbox")
        user = control.post(
            "/users", json={"email": "keep@example.com", "password": "pw", "webinar": True}
        ).json()
        tokens = control.post(f"/users/{user['id']}/tokens").json()
        api = httpx.Client(
            base_url=f"{first.base_url}/v2",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        meeting = api.post(
            "/users/me/meetings", json={"topic": "Kept", "start_time": "2030-01-01T10:00:00Z"}
        ).json()
        webinar = api.post(
            "/users/me/webinars",
            json={
                "topic": "Kept too",
                "start_time": "2030-01-01T10:00:00Z",
                "settings": {"approval_type": 0},
            },
        ).json()
        api.post(
            f"/webinars/{webinar['id']}/registrants",
            json={"email": "reg@example.com", "first_name": "Reg"},
        )
    finally:
        first.stop()

    saved = json.loads(state_file.read_text())
    assert user["id"] in saved["users"]
    assert '"pw"' not in state_file.read_text(), "passwords are kept only as salted hashes"
    assert saved["users"][user["id"]]["password_hash"].startswith("pbkdf2_sha256$")
    assert not list(tmp_path.glob(".zoom-sandbox.json.*")), "no temporary file is left behind"

    second = SandboxServer(SandboxConfig(state_file=state_file))
    second.start()
    try:
        api = httpx.Client(
            base_url=f"{second.base_url}/v2",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        again = api.get(f"/meetings/{meeting['id']}")
        assert again.status_code == 200
        assert again.json()["join_url"] == meeting["join_url"]
        registrants = api.get(f"/webinars/{webinar['id']}/registrants").json()
        assert registrants["registrants"][0]["email"] == "reg@example.com"
        refreshed = httpx.post(
            f"{second.base_url}/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=("sandbox-client-id", "sandbox-client-secret"),
        )
        assert refreshed.status_code == 200
    finally:
        second.stop()


def test_without_a_state_file_nothing_is_written(tmp_path: Path) -> None:
    """In memory means in memory: a restart starts empty."""
    server = SandboxServer(SandboxConfig())
    server.start()
    try:
        httpx.post(
            f"{server.base_url}/_sandbox/users",
            json={"email": "gone@example.com", "password": "pw"},
        )
    finally:
        server.stop()
    again = SandboxServer(SandboxConfig())
    again.start()
    try:
        assert httpx.get(f"{again.base_url}/_sandbox/users").json() == []
    finally:
        again.stop()
