"""State in a file survives a restart, as `make run` needs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from sandbox_oauth import REDIRECT_URI, authorize_url, code_from, exchange
from zoom_sandbox import SandboxConfig
from zoom_sandbox.config import DEFAULT_SCOPES
from zoom_sandbox.passwords import password_hash
from zoom_sandbox.sessions import COOKIE
from zoom_sandbox.testing import SandboxServer, ZoomSandbox


def test_state_survives_a_restart(tmp_path: Path) -> None:
    """Users, tokens, meetings and browser sessions are all there after a restart."""
    state_file = tmp_path / "zoom-sandbox.json"
    first = SandboxServer(SandboxConfig(state_file=state_file))
    first.start()
    try:
        control = httpx.Client(
            base_url=f"{first.base_url}/_sandbox", headers={"Content-Type": "application/json"}
        )
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


def test_the_state_file_holds_no_token_code_or_session_in_the_clear(tmp_path: Path) -> None:
    """Tokens, codes and browser sessions are kept by SHA-256 only; all work after a restart."""
    state_file = tmp_path / "zoom-sandbox.json"
    first = SandboxServer(SandboxConfig(state_file=state_file))
    first.start()
    try:
        sandbox = ZoomSandbox(first)
        browser_user = sandbox.create_user()
        login = {"email": browser_user["email"], "password": browser_user["password"]}
        with sandbox.browser() as browser:
            code = code_from(sandbox.authorize(browser, authorize_url(sandbox), **login))
            session = browser.cookies[COOKIE]
            # A second code, left unexchanged, so the file holds a live one.
            unused_code = code_from(sandbox.authorize(browser, authorize_url(sandbox), **login))
        granted = exchange(
            sandbox, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
        ).json()
        rotated = exchange(
            sandbox, grant_type="refresh_token", refresh_token=granted["refresh_token"]
        ).json()
        shortcut = sandbox.tokens_for(sandbox.create_user()["id"])
        sandbox.close()
    finally:
        first.stop()

    text = state_file.read_text()
    secrets = {
        "access token": shortcut["access_token"],
        "refresh token": shortcut["refresh_token"],
        "rotated access token": rotated["access_token"],
        "rotated refresh token": rotated["refresh_token"],
        "spent refresh token": granted["refresh_token"],
        "authorization code": unused_code,
        "browser session id": session,
    }
    leaked = [name for name, value in secrets.items() if value in text]
    assert not leaked, f"in the clear in the state file: {leaked}"

    second = SandboxServer(SandboxConfig(state_file=state_file))
    second.start()
    try:
        sandbox = ZoomSandbox(second)
        for access in (shortcut["access_token"], rotated["access_token"]):
            me = httpx.get(
                f"{sandbox.api_base_url}/users/me", headers={"Authorization": f"Bearer {access}"}
            )
            assert me.status_code == 200, me.text
        spent = exchange(
            sandbox, grant_type="refresh_token", refresh_token=granted["refresh_token"]
        )
        assert spent.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
        refresh = exchange(
            sandbox, grant_type="refresh_token", refresh_token=rotated["refresh_token"]
        )
        assert refresh.status_code == 200, refresh.text
        late = exchange(
            sandbox, grant_type="authorization_code", code=unused_code, redirect_uri=REDIRECT_URI
        )
        assert late.status_code == 200, late.text
        with httpx.Client(base_url=second.base_url, cookies={COOKIE: session}) as browser:
            assert browser.get("/marketplace/manage/added-apps").status_code == 200
        sandbox.close()
    finally:
        second.stop()


def test_a_state_file_from_before_hashing_is_read_and_rewritten(tmp_path: Path) -> None:
    """A version 1 file (tokens and sessions by their raw values) still works, and is
    rewritten without them."""
    state_file = tmp_path / "zoom-sandbox.json"
    now = time.time()
    token = {"kind": "access", "user_id": "u1", "client_id": "sandbox-client-id"}
    state_file.write_text(
        json.dumps(
            {
                "version": 1,
                "accounts": {
                    "a1": {
                        "id": "a1",
                        "plan": "pro",
                        "account_number": 12345678,
                        "created_at": "2026-01-01T00:00:00Z",
                        "passcode_rules": {},
                    }
                },
                "users": {
                    "u1": {
                        "id": "u1",
                        "account_id": "a1",
                        "email": "old@example.com",
                        "password_hash": password_hash("pw"),
                        "first_name": "Old",
                        "last_name": "File",
                        "webinar": False,
                        "account_admin": True,
                        "created_at": "2026-01-01T00:00:00Z",
                        "pmi": 9123456789,
                    }
                },
                "sessions": {"raw-session-id": "u1"},
                "tokens": {
                    "raw-access-token": {
                        "value": "raw-access-token",
                        "scopes": DEFAULT_SCOPES,
                        "expires_at": now + 3600,
                        **token,
                    }
                },
                "codes": {
                    "raw-code": {
                        "code": "raw-code",
                        "client_id": "sandbox-client-id",
                        "user_id": "u1",
                        "redirect_uri": REDIRECT_URI,
                        "scopes": DEFAULT_SCOPES,
                        "expires_at": now + 300,
                    }
                },
            }
        )
    )
    server = SandboxServer(SandboxConfig(state_file=state_file))
    server.start()
    try:
        me = httpx.get(
            f"{server.base_url}/v2/users/me",
            headers={"Authorization": "Bearer raw-access-token"},
        )
        assert me.status_code == 200, me.text
        with httpx.Client(base_url=server.base_url, cookies={COOKIE: "raw-session-id"}) as browser:
            assert browser.get("/marketplace/manage/added-apps").status_code == 200
    finally:
        server.stop()
    text = state_file.read_text()
    assert json.loads(text)["version"] == 2
    for raw in ("raw-access-token", "raw-session-id", "raw-code"):
        assert raw not in text
