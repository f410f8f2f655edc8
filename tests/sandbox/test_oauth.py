"""OAuth against the sandbox: the browser pages, the token endpoint, rotation, revocation."""

from __future__ import annotations

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client

from tests.fixtures.zoom_sandbox import ZoomSandbox

REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback/"


def authorize_url(zoom_sandbox: ZoomSandbox, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": zoom_sandbox.client_id,
        "redirect_uri": REDIRECT_URI,
        "state": "opaque-state",
        **extra,
    }
    return f"{zoom_sandbox.authorize_url}?{urlencode(params)}"


def code_from(location: str) -> str:
    assert location.startswith(REDIRECT_URI)
    return parse_qs(urlsplit(location).query)["code"][0]


def exchange(zoom_sandbox: ZoomSandbox, **form: str) -> httpx.Response:
    return httpx.post(
        zoom_sandbox.token_url,
        data=form,
        auth=(zoom_sandbox.client_id, zoom_sandbox.client_secret),
    )


def get_code(zoom_sandbox: ZoomSandbox, user: dict, **extra: str) -> str:
    with zoom_sandbox.browser() as browser:
        location = zoom_sandbox.authorize(
            browser,
            authorize_url(zoom_sandbox, **extra),
            email=user["email"],
            password=user["password"],
        )
    return code_from(location)


@pytest.fixture
def configured(zoom_sandbox: ZoomSandbox) -> ZoomSandbox:
    zoom_sandbox.configure_app(redirect_uri=REDIRECT_URI)
    return zoom_sandbox


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
    """A code past its lifetime (5 minutes at Zoom) no longer works."""
    configured.configure_app(authorization_code_ttl=0)
    user = configured.create_user()
    code = get_code(configured, user)
    response = exchange(
        configured, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    )
    assert response.json() == {"reason": "Invalid authorization code", "error": "invalid_grant"}


def test_authorize_with_unregistered_redirect_uri_shows_an_error_page(
    configured: ZoomSandbox,
) -> None:
    """A redirect_uri that is not exactly the registered one is never redirected to."""
    for wrong in (REDIRECT_URI.rstrip("/"), REDIRECT_URI + "?x=1", "http://evil.example/cb"):
        response = httpx.get(authorize_url(configured, redirect_uri=wrong))
        assert response.status_code == 400
        assert "Invalid redirect url" in response.text
        assert "location" not in response.headers


def test_token_exchange_with_other_redirect_uri_is_refused(configured: ZoomSandbox) -> None:
    """The exchange must repeat the authorize request's redirect_uri."""
    user = configured.create_user()
    code = get_code(configured, user)
    response = exchange(
        configured, grant_type="authorization_code", code=code, redirect_uri="http://other/cb"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": "Redirect URI mismatch.", "error": "invalid_request"}


def test_unknown_client_id_gets_an_error_page(configured: ZoomSandbox) -> None:
    """An authorize request for an app Zoom does not know is refused."""
    response = httpx.get(authorize_url(configured, client_id="nobody"))
    assert response.status_code == 400
    assert "Invalid client_id" in response.text


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
    """An expired access token gets 401 code 124; a refresh brings a working one."""
    zoom_sandbox.configure_app(access_token_ttl=1)
    user = zoom_sandbox.create_user()
    tokens = zoom_sandbox.tokens_for(user["id"])
    assert tokens["expires_in"] == 1
    time.sleep(1.1)
    expired = httpx.get(
        f"{zoom_sandbox.api_base_url}/users/me",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert expired.status_code == 401
    assert expired.json() == {"code": 124, "message": "Invalid access token."}
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


def test_sign_in_then_consent_then_redirect_with_code_and_state(configured: ZoomSandbox) -> None:
    """The browser flow: sign-in page, consent page naming the app, redirect with code+state."""
    user = configured.create_user()
    url = authorize_url(configured)
    with configured.browser() as browser:
        first = browser.get(url)
        assert first.status_code == 302
        assert first.headers["location"].startswith("/signin?next=")
        form = browser.get(first.headers["location"])
        assert "Sign In" in form.text
        bad = browser.post(
            "/signin", data={"email": user["email"], "password": "nope", "next": "/"}
        )
        assert bad.status_code == 401
        assert "Incorrect email or password." in bad.text
        next_path = parse_qs(urlsplit(first.headers["location"]).query)["next"][0]
        signed_in = browser.post(
            "/signin",
            data={"email": user["email"], "password": user["password"], "next": next_path},
        )
        assert signed_in.status_code == 303
        consent = browser.get(signed_in.headers["location"])
        assert "slotlink would like to access your Zoom account" in consent.text
        assert user["email"] in consent.text
        allowed = browser.post(
            "/oauth/authorize/consent",
            data={"authorize": urlsplit(url).query, "decision": "allow"},
        )
    assert allowed.status_code == 302
    query = parse_qs(urlsplit(allowed.headers["location"]).query)
    assert query["state"] == ["opaque-state"]
    assert len(query["code"][0]) >= 20


def test_declining_consent_redirects_with_access_denied(configured: ZoomSandbox) -> None:
    """Decline sends the user back with error=access_denied and the state."""
    user = configured.create_user()
    url = authorize_url(configured)
    with configured.browser() as browser:
        browser.post("/signin", data={"email": user["email"], "password": user["password"]})
        declined = browser.post(
            "/oauth/authorize/consent",
            data={"authorize": urlsplit(url).query, "decision": "decline"},
        )
    query = parse_qs(urlsplit(declined.headers["location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["opaque-state"]


def test_second_authorize_in_same_browser_signs_in_as_same_user(configured: ZoomSandbox) -> None:
    """The browser session answers a second authorize as the same Zoom user, unasked."""
    first_user = configured.create_user()
    configured.create_user()
    with configured.browser() as browser:
        location = configured.authorize(
            browser,
            authorize_url(configured),
            email=first_user["email"],
            password=first_user["password"],
        )
        exchange(
            configured,
            grant_type="authorization_code",
            code=code_from(location),
            redirect_uri=REDIRECT_URI,
        )
        # "Connect Zoom" again, meaning to use the other account: no sign-in, no consent.
        again = browser.get(authorize_url(configured))
        assert again.status_code == 302
        tokens = exchange(
            configured,
            grant_type="authorization_code",
            code=code_from(again.headers["location"]),
            redirect_uri=REDIRECT_URI,
        ).json()
        me = httpx.get(
            f"{configured.api_base_url}/users/me",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        ).json()
        assert me["email"] == first_user["email"]
        # Signing out is the way to pick another account.
        signed_out = browser.get("/signout?next=/oauth/authorize")
        assert signed_out.status_code == 302
        assert browser.get(authorize_url(configured)).headers["location"].startswith("/signin")


def test_pre_approval_flow(configured: ZoomSandbox) -> None:
    """A user of a pre-approval account asks; the admin pre-approves; the user can authorize."""
    admin = configured.create_user(requires_preapproval=True)
    member = configured.create_user(account_id=admin["account_id"])
    assert member["account_admin"] is False
    url = authorize_url(configured)
    with configured.browser() as browser:
        browser.post("/signin", data={"email": member["email"], "password": member["password"]})
        blocked = browser.get(url)
        assert "You cannot authorize slotlink" in blocked.text
        assert "Request pre-approve" in blocked.text
        requested = browser.post(
            "/oauth/authorize/request-preapproval", data={"authorize": urlsplit(url).query}
        )
        assert "Your request has been sent to your account admin." in requested.text
        assert "You cannot authorize slotlink" in browser.get(url).text

        with configured.browser() as admin_browser:
            admin_browser.post(
                "/signin", data={"email": admin["email"], "password": admin["password"]}
            )
            listing = admin_browser.get("/marketplace/manage/app-requests")
            assert member["email"] in listing.text
            assert "Pre-approve" in listing.text
            request_id = configured.control.get("/app-requests").json()[0]["id"]
            approved = admin_browser.post(f"/marketplace/manage/app-requests/{request_id}/approve")
            assert approved.status_code == 303

        consent = browser.get(url)
        assert "would like to access your Zoom account" in consent.text
    assert configured.control.get("/app-requests").json()[0]["status"] == "approved"


def test_members_cannot_see_app_requests(configured: ZoomSandbox) -> None:
    """Manage > App Requests is for account admins."""
    admin = configured.create_user(requires_preapproval=True)
    member = configured.create_user(account_id=admin["account_id"])
    with configured.browser() as browser:
        browser.post("/signin", data={"email": member["email"], "password": member["password"]})
        page = browser.get("/marketplace/manage/app-requests")
    assert page.status_code == 403


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
