"""OAuth in the browser: sign-in, consent, pre-approval, the session, error pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from sandbox_oauth import (
    REDIRECT_URI,
    authorize_url,
    code_from,
    exchange,
)
from zoom_sandbox.testing import ZoomSandbox, form_token


def test_authorize_with_unregistered_redirect_uri_shows_an_error_page(
    configured: ZoomSandbox,
) -> None:
    """A redirect_uri that is not exactly the registered one is never redirected to."""
    for wrong in (REDIRECT_URI.rstrip("/"), REDIRECT_URI + "?x=1", "http://evil.example/cb"):
        response = httpx.get(authorize_url(configured, redirect_uri=wrong))
        assert response.status_code == 400
        assert "Invalid redirect url" in response.text
        assert "location" not in response.headers


def test_unknown_client_id_gets_an_error_page(configured: ZoomSandbox) -> None:
    """An authorize request for an app Zoom does not know is refused."""
    response = httpx.get(authorize_url(configured, client_id="nobody"))
    assert response.status_code == 400
    assert "Invalid client_id" in response.text


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
        login = {"email": user["email"], "csrf_token": form_token(form)}
        bad = browser.post("/signin", data={**login, "password": "nope", "next": "/"})
        assert bad.status_code == 401
        assert "Incorrect email or password." in bad.text
        next_path = parse_qs(urlsplit(first.headers["location"]).query)["next"][0]
        signed_in = browser.post(
            "/signin", data={**login, "password": user["password"], "next": next_path}
        )
        assert signed_in.status_code == 303
        consent = browser.get(signed_in.headers["location"])
        assert "slotlink would like to access your Zoom account" in consent.text
        assert user["email"] in consent.text
        allowed = browser.post(
            "/oauth/authorize/consent",
            data={
                "authorize": urlsplit(url).query,
                "decision": "allow",
                "csrf_token": form_token(consent),
            },
        )
    assert allowed.status_code == 302
    query = parse_qs(urlsplit(allowed.headers["location"]).query)
    assert query["state"] == ["opaque-state"]
    assert len(query["code"][0]) >= 20


def test_declining_consent_redirects_with_access_denied(configured: ZoomSandbox) -> None:
    """Decline sends the user back with error=access_denied and the state (RFC 6749
    §4.1.2.1, which the product's callback reads as a decline)."""
    user = configured.create_user()
    url = authorize_url(configured)
    with configured.browser() as browser:
        configured.sign_in(browser, email=user["email"], password=user["password"])
        declined = browser.post(
            "/oauth/authorize/consent",
            data={
                "authorize": urlsplit(url).query,
                "decision": "decline",
                "csrf_token": form_token(browser.get(url)),
            },
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
    """A user of a pre-approval account asks; the admin pre-approves; the user can authorize.
    The block stays on Zoom's own pages, never a redirect back to the app (REFERENCE §1.3:
    no source has Zoom send `error=` for it), so the app never mistakes it for a decline."""
    admin = configured.create_user(requires_preapproval=True)
    member = configured.create_user(account_id=admin["account_id"])
    assert member["account_admin"] is False
    url = authorize_url(configured)
    with configured.browser() as browser:
        configured.sign_in(browser, email=member["email"], password=member["password"])
        blocked = browser.get(url)
        assert "location" not in blocked.headers
        assert "You cannot authorize slotlink" in blocked.text
        assert "Request pre-approve" in blocked.text
        requested = browser.post(
            "/oauth/authorize/request-preapproval",
            data={"authorize": urlsplit(url).query, "csrf_token": form_token(blocked)},
        )
        assert "Your request has been sent to your account admin." in requested.text
        assert "You cannot authorize slotlink" in browser.get(url).text

        with configured.browser() as admin_browser:
            configured.sign_in(admin_browser, email=admin["email"], password=admin["password"])
            listing = admin_browser.get("/marketplace/manage/app-requests")
            assert member["email"] in listing.text
            assert "Pre-approve" in listing.text
            request_id = configured.control.get("/app-requests").json()[0]["id"]
            approve = f"/marketplace/manage/app-requests/{request_id}/approve"
            # Without the page's token (a form posted from another site): refused.
            assert admin_browser.post(approve).status_code == 403
            approved = admin_browser.post(approve, data={"csrf_token": form_token(listing)})
            assert approved.status_code == 303

        consent = browser.get(url)
        assert "would like to access your Zoom account" in consent.text
    assert configured.control.get("/app-requests").json()[0]["status"] == "approved"


def test_members_cannot_see_app_requests(configured: ZoomSandbox) -> None:
    """Manage > App Requests is for account admins."""
    admin = configured.create_user(requires_preapproval=True)
    member = configured.create_user(account_id=admin["account_id"])
    with configured.browser() as browser:
        configured.sign_in(browser, email=member["email"], password=member["password"])
        page = browser.get("/marketplace/manage/app-requests")
    assert page.status_code == 403


def test_a_sign_in_posted_from_another_site_signs_nobody_in(configured: ZoomSandbox) -> None:
    """Login CSRF: another site's page posts the attacker's email and password to /signin
    from the person's browser, with no token, a made-up one, or the token of the
    attacker's own browser. Each answers 403 saying the form is out of date or from
    another site, sets no session, and the next authorize still asks who is signing in."""
    attacker = configured.create_user()
    login = {"email": attacker["email"], "password": attacker["password"], "next": "/"}
    with configured.browser() as attackers_browser:
        attackers_token = form_token(attackers_browser.get("/signin"))
    with configured.browser() as browser:
        fresh = browser.post("/signin", data=login)
        browser.get("/signin")  # the person once opened the sign-in page themselves
        for token in ("made-up", attackers_token):
            forged = browser.post("/signin", data={**login, "csrf_token": token})
            assert forged.status_code == 403
            assert "sent from another site" in forged.text
            assert "_zm_ssid" not in forged.cookies
        assert fresh.status_code == 403
        assert "_zm_ssid" not in browser.cookies
        assert browser.get(authorize_url(configured)).headers["location"].startswith("/signin")


def test_consent_and_pre_approval_need_the_pages_token(configured: ZoomSandbox) -> None:
    """Allow on the consent page and Request pre-approve, posted without the page's token,
    answer 403: no code is issued and no request is made."""
    user = configured.create_user()
    admin = configured.create_user(requires_preapproval=True)
    member = configured.create_user(account_id=admin["account_id"])
    query = urlsplit(authorize_url(configured)).query
    with configured.browser() as browser:
        configured.sign_in(browser, email=user["email"], password=user["password"])
        allow = browser.post(
            "/oauth/authorize/consent", data={"authorize": query, "decision": "allow"}
        )
        assert allow.status_code == 403
        assert "location" not in allow.headers
        assert configured.authorized_apps(user["id"]) == []
    with configured.browser() as browser:
        configured.sign_in(browser, email=member["email"], password=member["password"])
        asked = browser.post("/oauth/authorize/request-preapproval", data={"authorize": query})
        assert asked.status_code == 403
    assert configured.control.get("/app-requests").json() == []
