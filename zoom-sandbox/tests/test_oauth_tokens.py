"""OAuth tokens: code exchange with PKCE, rotation, expiry, re-authorization, revocation."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client

from sandbox_oauth import (
    REDIRECT_URI,
    exchange,
    exchange_with_form_credentials,
    get_code,
)
from zoom_sandbox.testing import ZoomSandbox


def test_authlib_completes_code_flow_with_pkce_and_refreshes(configured: ZoomSandbox) -> None:
    """Authlib's OAuth client gets tokens with PKCE S256, calls the API, and refreshes."""
    user = configured.create_user()
    client = OAuth2Client(
        configured.client_id,
        configured.client_secret,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    verifier = generate_token(48)
    url, state = client.create_authorization_url(configured.authorize_url, code_verifier=verifier)
    assert "code_challenge_method=S256" in url
    with configured.browser() as browser:
        location = configured.authorize(
            browser, url, email=user["email"], password=user["password"]
        )
    assert parse_qs(urlsplit(location).query)["state"] == [state]

    token = client.fetch_token(
        configured.token_url, authorization_response=location, code_verifier=verifier
    )
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 3600
    assert token["api_url"] == configured.base_url
    me = client.get(f"{configured.api_base_url}/users/me")
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]

    refreshed = client.refresh_token(configured.token_url, refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert client.get(f"{configured.api_base_url}/users/me").status_code == 200
    client.close()


def test_token_request_uses_basic_auth_and_form_body(configured: ZoomSandbox) -> None:
    """The code exchange is logged with its form fields, and answered with Zoom's token shape."""
    user = configured.create_user()
    code = get_code(configured, user)
    response = exchange(
        configured, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    fields = {"access_token", "token_type", "refresh_token", "expires_in", "scope", "api_url"}
    assert set(response.json()) == fields
    logged = configured.requests(path="/oauth/token")[-1]
    assert logged["request_body"]["grant_type"] == "authorization_code"
    assert logged["status"] == 200


def test_pkce_plain_is_accepted_and_is_the_default(configured: ZoomSandbox) -> None:
    """With no code_challenge_method the challenge is plain, and the verifier must equal it."""
    user = configured.create_user()
    code = get_code(configured, user, code_challenge="plain-verifier-0123456789-abcdefghijklmnop")
    wrong = exchange(
        configured,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier="something else",
    )
    assert wrong.json() == {"reason": "Invalid code verifier", "error": "invalid_grant"}
    code = get_code(configured, user, code_challenge="plain-verifier-0123456789-abcdefghijklmnop")
    right = exchange(
        configured,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier="plain-verifier-0123456789-abcdefghijklmnop",
    )
    assert right.status_code == 200


def test_pkce_s256_mismatch_is_invalid_grant(configured: ZoomSandbox) -> None:
    """An S256 verifier that does not hash to the challenge gets invalid_grant."""
    user = configured.create_user()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"the-verifier").digest()).rstrip(b"=")
    code = get_code(
        configured, user, code_challenge=challenge.decode(), code_challenge_method="S256"
    )
    response = exchange(
        configured,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier="not-the-verifier",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_works_once(configured: ZoomSandbox) -> None:
    """A used authorization code gets Zoom's "Invalid authorization code"."""
    user = configured.create_user()
    code = get_code(configured, user)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    assert exchange(configured, **form).status_code == 200
    again = exchange(configured, **form)
    assert again.status_code == 400
    assert again.json() == {"reason": "Invalid authorization code", "error": "invalid_grant"}


def test_expired_code_is_refused(configured: ZoomSandbox) -> None:
    """A code works for its lifetime (5 minutes at Zoom) and no longer after it: of two
    codes issued together, one exchanged just before the 5 minutes end works, the other
    exchanged when they have passed is refused."""
    user = configured.create_user()
    in_time, too_late = get_code(configured, user), get_code(configured, user)
    form = {"grant_type": "authorization_code", "redirect_uri": REDIRECT_URI}
    configured.advance_clock(299)
    assert exchange(configured, code=in_time, **form).status_code == 200
    configured.advance_clock(1)
    response = exchange(configured, code=too_late, **form)
    assert response.json() == {"reason": "Invalid authorization code", "error": "invalid_grant"}


def test_token_exchange_with_other_redirect_uri_is_refused(configured: ZoomSandbox) -> None:
    """The exchange must repeat the authorize request's redirect_uri."""
    user = configured.create_user()
    code = get_code(configured, user)
    response = exchange(
        configured, grant_type="authorization_code", code=code, redirect_uri="http://other/cb"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": "Redirect URI mismatch.", "error": "invalid_request"}


def test_wrong_client_secret_is_invalid_client(configured: ZoomSandbox) -> None:
    """Bad Basic credentials get Zoom's invalid_client body."""
    response = httpx.post(
        configured.token_url,
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        auth=(configured.client_id, "wrong"),
    )
    assert response.status_code == 400
    assert response.json() == {
        "reason": "Invalid client_id or client_secret",
        "error": "invalid_client",
    }


def test_unsupported_grant_type(configured: ZoomSandbox) -> None:
    """Only authorization_code and refresh_token grants are served."""
    response = exchange(configured, grant_type="password")
    assert response.json()["error"] == "unsupported_grant_type"


def test_refresh_tokens_rotate(zoom_sandbox: ZoomSandbox) -> None:
    """Once refreshed, the previous refresh token gets "Invalid Token!"."""
    user = zoom_sandbox.create_user()
    first = zoom_sandbox.tokens_for(user["id"])
    second = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert second.status_code == 200
    stale = exchange(zoom_sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert stale.status_code == 400
    assert stale.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    third = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=second.json()["refresh_token"]
    )
    assert third.status_code == 200


def test_new_authorization_invalidates_earlier_tokens(configured: ZoomSandbox) -> None:
    """Authorizing the same Zoom user again ends the earlier access and refresh tokens."""
    user = configured.create_user()
    first = configured.tokens_for(user["id"])
    code = get_code(configured, user)
    second = exchange(
        configured, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    ).json()
    old = httpx.get(
        f"{configured.api_base_url}/users/me",
        headers={"Authorization": f"Bearer {first['access_token']}"},
    )
    assert old.status_code == 401
    assert old.json() == {"code": 124, "message": "Invalid access token."}
    refused = exchange(configured, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refused.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    new = httpx.get(
        f"{configured.api_base_url}/users/me",
        headers={"Authorization": f"Bearer {second['access_token']}"},
    )
    assert new.status_code == 200


def test_expired_access_token_gets_401_code_124(zoom_sandbox: ZoomSandbox) -> None:
    """An access token works for its hour and then gets 401 code 124; a refresh brings a
    working one."""
    user = zoom_sandbox.create_user()
    tokens = zoom_sandbox.tokens_for(user["id"])
    assert tokens["expires_in"] == 3600
    zoom_sandbox.advance_clock(3599)
    assert bearer(zoom_sandbox, tokens["access_token"]).status_code == 200
    zoom_sandbox.advance_clock(1)
    expired = bearer(zoom_sandbox, tokens["access_token"])
    assert expired.status_code == 401
    assert expired.json() == {"code": 124, "message": "Access token is expired."}
    refreshed = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    ).json()
    ok = httpx.get(
        f"{zoom_sandbox.api_base_url}/users/me",
        headers={"Authorization": f"Bearer {refreshed['access_token']}"},
    )
    assert ok.status_code == 200


def test_missing_bearer_token_gets_401(zoom_sandbox: ZoomSandbox) -> None:
    """No Authorization header is the same as a bad token."""
    response = httpx.get(f"{zoom_sandbox.api_base_url}/users/me")
    assert response.status_code == 401
    assert response.json()["code"] == 124


def test_revoke_ends_tokens(zoom_sandbox: ZoomSandbox) -> None:
    """/oauth/revoke answers {"status": "success"} and the tokens stop working."""
    user = zoom_sandbox.create_user()
    tokens = zoom_sandbox.tokens_for(user["id"])
    response = httpx.post(
        zoom_sandbox.revoke_url,
        data={"token": tokens["access_token"]},
        auth=(zoom_sandbox.client_id, zoom_sandbox.client_secret),
    )
    assert response.json() == {"status": "success"}
    me = httpx.get(
        f"{zoom_sandbox.api_base_url}/users/me",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert me.status_code == 401
    refresh = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refresh.json()["error"] == "invalid_grant"
    again = httpx.post(
        zoom_sandbox.revoke_url,
        data={"token": tokens["access_token"]},
        auth=(zoom_sandbox.client_id, zoom_sandbox.client_secret),
    )
    assert again.json() == {"reason": "Invalid Token!", "error": "invalid_request"}


def test_a_refresh_token_past_its_lifetime_is_refused(zoom_sandbox: ZoomSandbox) -> None:
    """A refresh token works until the app's refresh-token lifetime ends (90 days by
    default; Zoom's sources disagree on it, REFERENCE §1 "Refresh-token lifetime
    CONFLICT", so the product must expect invalid_grant at any time), then invalid_grant."""
    user = zoom_sandbox.create_user()
    lifetime = zoom_sandbox.app()["refresh_token_ttl"]
    tokens = zoom_sandbox.tokens_for(user["id"])
    zoom_sandbox.advance_clock(lifetime - 1)
    refreshed = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.status_code == 200, refreshed.text
    zoom_sandbox.advance_clock(lifetime + 1)  # the new refresh token's lifetime, and a second
    refused = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=refreshed.json()["refresh_token"]
    )
    assert refused.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}


def bearer(sandbox: ZoomSandbox, token: str) -> httpx.Response:
    return httpx.get(
        f"{sandbox.api_base_url}/users/me", headers={"Authorization": f"Bearer {token}"}
    )


def test_expired_and_invalid_tokens_are_told_apart(zoom_sandbox: ZoomSandbox) -> None:
    """Both get 401 code 124, in Zoom's words: "Access token is expired." for an expired
    token, "Invalid access token." for one Zoom never issued
    (https://devforum.zoom.us/t/randomly-receiving-invalid-access-token-for-server-to-server-oauth/74432)."""
    user = zoom_sandbox.create_user()
    tokens = zoom_sandbox.tokens_for(user["id"])
    zoom_sandbox.expire_tokens(user["id"])
    expired = bearer(zoom_sandbox, tokens["access_token"])
    assert (expired.status_code, expired.json()) == (
        401,
        {"code": 124, "message": "Access token is expired."},
    )
    unknown = bearer(zoom_sandbox, "not-a-token")
    assert (unknown.status_code, unknown.json()) == (
        401,
        {"code": 124, "message": "Invalid access token."},
    )


def test_a_refresh_ends_the_previous_access_token(zoom_sandbox: ZoomSandbox) -> None:
    """After a refresh the previous access token answers 401 code 124 "Invalid access
    token.", as Zoom staff describe it
    (https://devforum.zoom.us/t/how-to-properly-use-the-access-token/77706)."""
    user = zoom_sandbox.create_user()
    first = zoom_sandbox.tokens_for(user["id"])
    assert zoom_sandbox.app()["refresh_revokes_access_token"] is True
    second = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"]
    ).json()
    old = bearer(zoom_sandbox, first["access_token"])
    assert (old.status_code, old.json()) == (401, {"code": 124, "message": "Invalid access token."})
    assert bearer(zoom_sandbox, second["access_token"]).status_code == 200
    third = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=second["refresh_token"]
    ).json()
    assert bearer(zoom_sandbox, second["access_token"]).status_code == 401
    assert bearer(zoom_sandbox, third["access_token"]).status_code == 200


def test_with_the_setting_off_the_previous_access_token_lives_on(
    zoom_sandbox: ZoomSandbox,
) -> None:
    """Not every source agrees that a refresh ends the old access token; with
    refresh_revokes_access_token off it works until it expires (REFERENCE §1.6)."""
    zoom_sandbox.configure_app(refresh_revokes_access_token=False)
    user = zoom_sandbox.create_user()
    first = zoom_sandbox.tokens_for(user["id"])
    second = exchange(
        zoom_sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"]
    ).json()
    assert bearer(zoom_sandbox, first["access_token"]).status_code == 200
    assert bearer(zoom_sandbox, second["access_token"]).status_code == 200
    zoom_sandbox.expire_tokens(user["id"])
    assert bearer(zoom_sandbox, first["access_token"]).json()["message"] == (
        "Access token is expired."
    )


def test_client_credentials_may_come_as_form_fields(configured: ZoomSandbox) -> None:
    """The token and revoke endpoints also take client_id and client_secret in the form body
    (RFC 6749 §2.3.1 client_secret_post, https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1;
    Zoom's Postman collection); wrong ones get Zoom's invalid_client body."""
    user = configured.create_user()
    code = get_code(configured, user)
    client = {"client_id": configured.client_id, "client_secret": configured.client_secret}
    tokens = exchange_with_form_credentials(
        configured, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    )
    assert tokens.status_code == 200, tokens.text
    wrong = httpx.post(
        configured.token_url,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens.json()["refresh_token"],
            "client_id": configured.client_id,
            "client_secret": "wrong",
        },
    )
    assert (wrong.status_code, wrong.json()) == (
        400,
        {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
    )
    nothing = httpx.post(configured.token_url, data={"grant_type": "refresh_token"})
    assert nothing.json()["error"] == "invalid_client"
    revoked = httpx.post(
        configured.revoke_url, data={"token": tokens.json()["access_token"], **client}
    )
    assert revoked.json() == {"status": "success"}
