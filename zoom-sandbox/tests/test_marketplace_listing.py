"""Installs started on the Zoom App Marketplace: a code with no state and no PKCE."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from sandbox_oauth import REDIRECT_URI, code_from, exchange
from zoom_sandbox.testing import ZoomSandbox, form_token


def signed_in(zoom_sandbox: ZoomSandbox, browser: httpx.Client, user: dict, path: str) -> str:
    """Open `path`, sign in where it sends us, and come back; returns the page's path."""
    first = browser.get(path)
    assert first.status_code == 302
    assert first.headers["location"].startswith("/signin?next=")
    next_path = parse_qs(urlsplit(first.headers["location"]).query)["next"][0]
    back = zoom_sandbox.sign_in(
        browser, email=user["email"], password=user["password"], next_path=next_path
    )
    assert back.status_code == 303
    return str(back.headers["location"])


def test_adding_the_app_on_its_listing_redirects_with_a_code_only(
    configured: ZoomSandbox,
) -> None:
    """Add on the Marketplace listing sends the browser to the redirect URL with `?code=`
    and no state, and the code exchanges without a PKCE verifier; once added the button
    reads Reauthorize (https://github.com/zoom/zoomapps-advancedsample-react/issues/15)."""
    user = configured.create_user()
    listing = f"/marketplace/apps/{configured.client_id}"
    with configured.browser() as browser:
        assert signed_in(configured, browser, user, listing) == listing
        page = browser.get(listing)
        assert page.status_code == 200
        assert ">Add</button>" in page.text
        assert "<code>meeting:write:meeting</code>" in page.text
        forged = browser.post(f"{listing}/install", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        added = browser.post(f"{listing}/install", data={"csrf_token": form_token(page)})
        assert added.status_code == 302
        location = added.headers["location"]
        assert set(parse_qs(urlsplit(location).query)) == {"code"}
        tokens = exchange(
            configured,
            grant_type="authorization_code",
            code=code_from(location),
            redirect_uri=REDIRECT_URI,
        )
        assert tokens.status_code == 200, tokens.text
        assert ">Reauthorize</button>" in browser.get(listing).text


def test_the_listing_asks_for_pre_approval_where_the_account_requires_it(
    configured: ZoomSandbox,
) -> None:
    """On an account that requires pre-approval, the listing says "You cannot authorize
    <app>" and offers "Request pre-approve", as the authorize page does; once the admin
    pre-approves, Add works (https://marketplace.zoom.us/docs/guides/using-apps/end-users/)."""
    admin = configured.create_user(requires_preapproval=True)
    member = configured.create_user(account_id=admin["account_id"])
    listing = f"/marketplace/apps/{configured.client_id}"
    with configured.browser() as browser:
        signed_in(configured, browser, member, listing)
        page = browser.get(listing)
        assert "You cannot authorize slotlink" in page.text
        assert "Request pre-approve" in page.text
        refused = browser.post(f"{listing}/install", data={"csrf_token": form_token(page)})
        assert refused.status_code == 200
        assert "You cannot authorize slotlink" in refused.text
        requested = browser.post(
            f"{listing}/request-preapproval", data={"csrf_token": form_token(page)}
        )
        assert "Your request has been sent to your account admin." in requested.text
        requests = configured.control.get("/app-requests").json()
        assert [(r["user_id"], r["status"]) for r in requests] == [(member["id"], "pending")]
        configured.update_account(admin["account_id"], preapproved=True)
        page = browser.get(listing)
        added = browser.post(f"{listing}/install", data={"csrf_token": form_token(page)})
    assert added.status_code == 302
    assert added.headers["location"].startswith(f"{REDIRECT_URI}?code=")


def test_an_unknown_app_has_no_listing(configured: ZoomSandbox) -> None:
    """Only the registered app has a listing."""
    assert httpx.get(f"{configured.base_url}/marketplace/apps/nobody").status_code == 404


def test_the_control_api_installs_from_the_marketplace(configured: ZoomSandbox) -> None:
    """The control call does what Add on the listing does: a code alone, single use, no
    PKCE (https://github.com/zoom/zoomapps-advancedsample-react/issues/15)."""
    user = configured.create_user()
    location = configured.marketplace_install(user["id"])
    assert location.startswith(REDIRECT_URI)
    assert set(parse_qs(urlsplit(location).query)) == {"code"}
    form = {
        "grant_type": "authorization_code",
        "code": code_from(location),
        "redirect_uri": REDIRECT_URI,
    }
    tokens = exchange(configured, **form)
    assert tokens.status_code == 200, tokens.text
    me = httpx.get(
        f"{configured.api_base_url}/users/me",
        headers={"Authorization": f"Bearer {tokens.json()['access_token']}"},
    )
    assert me.json()["id"] == user["id"]
    assert exchange(configured, **form).json()["error"] == "invalid_grant"
    assert configured.control.get(f"/users/{user['id']}").json()["authorized_apps"] == [
        configured.client_id
    ]


def test_a_marketplace_code_lasts_the_apps_code_lifetime(configured: ZoomSandbox) -> None:
    """A Marketplace code expires like any other code (5 minutes at Zoom)."""
    user = configured.create_user()
    location = configured.marketplace_install(user["id"])
    configured.advance_clock(300)
    expired = exchange(
        configured,
        grant_type="authorization_code",
        code=code_from(location),
        redirect_uri=REDIRECT_URI,
    )
    assert expired.json() == {"reason": "Invalid authorization code", "error": "invalid_grant"}


def test_the_control_install_honours_pre_approval(configured: ZoomSandbox) -> None:
    """Without pre-approval a user of such an account cannot install; the control API
    says so and how to pre-approve."""
    admin = configured.create_user(requires_preapproval=True)
    member = configured.create_user(account_id=admin["account_id"])
    refused = configured.control.post(f"/users/{member['id']}/marketplace-install")
    assert refused.status_code == 403
    assert "requires pre-approval" in refused.json()["error"]


def test_the_home_page_links_to_the_listing(configured: ZoomSandbox) -> None:
    """The sandbox's home page points at the app's Marketplace listing."""
    home = httpx.get(configured.base_url + "/")
    assert f'href="/marketplace/apps/{configured.client_id}"' in home.text
