"""The request log shows what was sent and answered, and no secret's value."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import httpx

from sandbox_oauth import REDIRECT_URI, exchange_with_form_credentials, get_code
from zoom_sandbox.testing import ZoomSandbox

VERIFIER = "a-pkce-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSCODE = "Pq7-xyz9"
REDACTED = "[redacted]"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def parameter(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


def test_a_full_sign_in_and_api_call_leave_no_secret_in_the_log(
    configured: ZoomSandbox,
) -> None:
    """After a person signs in and allows the app (PKCE), the app exchanges the code with
    its secret in the form, refreshes, creates a meeting with a passcode, its host opens
    the start link and the app revokes its token, `GET /_sandbox/requests` holds none of the
    password, code, verifier, client secret, tokens, passcode or start and join link
    tokens; it shows each as `[redacted]` in its place, and everything else as sent."""
    user = configured.create_user(password="a-zoom-password-7")
    code = get_code(configured, user, code_challenge=s256(VERIFIER), code_challenge_method="S256")
    exchanged = exchange_with_form_credentials(
        configured,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=VERIFIER,
    ).json()
    refreshed = exchange_with_form_credentials(
        configured, grant_type="refresh_token", refresh_token=exchanged["refresh_token"]
    ).json()
    api = httpx.Client(
        base_url=configured.api_base_url,
        headers={"Authorization": f"Bearer {refreshed['access_token']}"},
    )
    meeting = api.post(
        "/users/me/meetings", json={"topic": "Logged", "type": 2, "password": PASSCODE}
    ).json()
    with configured.browser() as browser:
        assert browser.get(meeting["start_url"]).status_code == 200
    client = {"client_id": configured.client_id, "client_secret": configured.client_secret}
    revoked = httpx.post(configured.revoke_url, data={"token": refreshed["access_token"], **client})
    assert revoked.json() == {"status": "success"}

    log = configured.requests()
    secrets = {
        "password": user["password"],
        "code": code,
        "verifier": VERIFIER,
        "client secret": configured.client_secret,
        "access token": exchanged["access_token"],
        "refresh token": exchanged["refresh_token"],
        "refreshed access token": refreshed["access_token"],
        "refreshed refresh token": refreshed["refresh_token"],
        "passcode": PASSCODE,
        "join link's pwd": parameter(meeting["join_url"], "pwd"),
        "start link's zak": parameter(meeting["start_url"], "zak"),
    }
    text = json.dumps(log)
    assert [name for name, secret in secrets.items() if secret in text] == []

    (signin,) = [e for e in log if e["path"] == "/signin" and e["method"] == "POST"]
    assert signin["request_body"]["email"] == user["email"]
    assert signin["request_body"]["password"] == REDACTED
    exchange, refresh = [e for e in log if e["path"] == "/oauth/token"]
    assert exchange["request_body"] == {
        "grant_type": "authorization_code",
        "code": REDACTED,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": REDACTED,
        "client_id": configured.client_id,
        "client_secret": REDACTED,
    }
    assert exchange["response_body"]["access_token"] == REDACTED
    assert exchange["response_body"]["refresh_token"] == REDACTED
    assert exchange["response_body"]["token_type"] == "bearer"
    assert exchange["response_body"]["expires_in"] == exchanged["expires_in"]
    assert refresh["request_body"]["refresh_token"] == REDACTED
    (created,) = [e for e in log if e["path"] == "/v2/users/me/meetings"]
    assert created["request_body"] == {"topic": "Logged", "type": 2, "password": REDACTED}
    assert created["response_body"]["id"] == meeting["id"]
    assert created["response_body"]["password"] == REDACTED
    assert created["response_body"]["start_url"].endswith("?zak=[redacted]")
    assert f"pwd={REDACTED}" in created["response_body"]["join_url"]
    (started,) = [e for e in log if e["path"] == f"/s/{meeting['id']}"]
    assert started["query"] == {"zak": REDACTED}
    (revoke,) = [e for e in log if e["path"] == "/oauth/revoke"]
    assert revoke["request_body"]["token"] == REDACTED


def test_what_grants_nothing_is_logged_as_sent(zoom_sandbox: ZoomSandbox) -> None:
    """A paging cursor, settings that merely name passwords and empty values are kept."""
    user = zoom_sandbox.create_user()
    tokens = zoom_sandbox.tokens_for(user["id"])
    api = httpx.Client(
        base_url=zoom_sandbox.api_base_url,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    api.get("/users/me/meetings", params={"page_size": 1, "next_page_token": "cursor-1"})
    settings = api.get("/users/me/settings").json()
    (listing,) = zoom_sandbox.requests(path="/v2/users/me/meetings")
    assert listing["query"] == {"page_size": "1", "next_page_token": "cursor-1"}
    (logged,) = zoom_sandbox.requests(path="/v2/users/me/settings")
    assert logged["response_body"] == settings
