"""Scopes per endpoint: granular names by default, classic ones for older apps, 4711."""

from __future__ import annotations

import httpx
import pytest

from sandbox_oauth import authorize_url
from zoom_sandbox.config import DEFAULT_SCOPES
from zoom_sandbox.testing import ZoomSandbox

GRANULAR_DOCS = "https://developers.zoom.us/docs/integrations/oauth-scopes-granular/"
MEETING = {"topic": "Scoped", "type": 2, "start_time": "2030-05-04T09:00:00Z", "duration": 30}

# (method, path, the endpoint's granular scope), as Zoom's granular scope list has them.
# Ids need not exist: the scope is checked before anything is looked up.
ENDPOINTS = [
    ("POST", "/users/me/meetings", "meeting:write:meeting"),
    ("GET", "/users/me/meetings", "meeting:read:list_meetings"),
    ("GET", "/meetings/12345678901", "meeting:read:meeting"),
    ("PATCH", "/meetings/12345678901", "meeting:update:meeting"),
    ("DELETE", "/meetings/12345678901", "meeting:delete:meeting"),
    ("GET", "/past_meetings/12345678901/participants", "meeting:read:list_past_participants"),
    ("GET", "/users/me", "user:read:user"),
    ("PATCH", "/users/me", "user:update:user"),
    ("DELETE", "/users/me", "user:delete:user"),
    ("GET", "/users/me/settings", "user:read:settings"),
    ("PATCH", "/users/me/settings", "user:update:settings"),
    ("POST", "/users/me/webinars", "webinar:write:webinar"),
    ("GET", "/users/me/webinars", "webinar:read:list_webinars"),
    ("GET", "/webinars/12345678901", "webinar:read:webinar"),
    ("PATCH", "/webinars/12345678901", "webinar:update:webinar"),
    ("DELETE", "/webinars/12345678901", "webinar:delete:webinar"),
    ("GET", "/past_webinars/12345678901/participants", "webinar:read:list_past_participants"),
    ("POST", "/webinars/12345678901/registrants", "webinar:write:registrant"),
    ("GET", "/webinars/12345678901/registrants", "webinar:read:list_registrants"),
    ("GET", "/webinars/12345678901/registrants/r1", "webinar:read:registrant"),
    ("PUT", "/webinars/12345678901/registrants/status", "webinar:update:registrant_status"),
    ("DELETE", "/webinars/12345678901/registrants/r1", "webinar:delete:registrant"),
]
ALL_GRANULAR = {scope for _, _, scope in ENDPOINTS}
REPORT = "/report/webinars/12345678901/participants"


def call(sandbox: ZoomSandbox, token: str, method: str, path: str) -> httpx.Response:
    return httpx.request(
        method,
        f"{sandbox.api_base_url}{path}",
        headers={"Authorization": f"Bearer {token}"},
        json={} if method in ("POST", "PATCH", "PUT") else None,
    )


def missing(*scopes: str) -> dict[str, object]:
    listed = ", ".join(scopes)
    return {"code": 4711, "message": f"Invalid access token, does not contain scopes:[{listed}]."}


def test_a_scope_for_one_verb_does_not_open_another(zoom_sandbox: ZoomSandbox) -> None:
    """A token without an endpoint's granular scope gets 400 code 4711 naming the scopes that
    would work, admin variant first: meeting:delete:meeting does not create a meeting
    (https://developers.zoom.us/docs/integrations/oauth-scopes-granular/; message as in
    https://github.com/ComposioHQ/composio/issues/2863)."""
    user = zoom_sandbox.create_user()
    token = zoom_sandbox.tokens_for(user["id"], scopes="meeting:delete:meeting")["access_token"]
    refused = httpx.post(
        f"{zoom_sandbox.api_base_url}/users/me/meetings",
        json=MEETING,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 400
    assert refused.json() == missing("meeting:write:meeting:admin", "meeting:write:meeting")
    assert zoom_sandbox.meetings() == []


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_each_endpoint_takes_its_own_granular_scope(
    zoom_sandbox: ZoomSandbox, method: str, path: str, scope: str
) -> None:
    """Each endpoint takes its own granular scope or its :admin variant, and no other
    (https://developers.zoom.us/docs/integrations/oauth-scopes-granular/)."""
    user = zoom_sandbox.create_user(webinar=True)
    others = " ".join(sorted(ALL_GRANULAR - {scope}))
    without = zoom_sandbox.tokens_for(user["id"], scopes=others)["access_token"]
    refused = call(zoom_sandbox, without, method, path)
    assert (refused.status_code, refused.json()) == (400, missing(f"{scope}:admin", scope))
    for held in (scope, f"{scope}:admin"):
        token = zoom_sandbox.tokens_for(user["id"], scopes=held)["access_token"]
        answer = call(zoom_sandbox, token, method, path)
        assert answer.status_code != 401
        assert answer.status_code == 204 or answer.json().get("code") != 4711, answer.text


def test_webinar_reports_take_the_admin_report_scope_only(zoom_sandbox: ZoomSandbox) -> None:
    """Reports have no user-level scope: the webinar participant report takes
    report:read:list_webinar_participants:admin (Zoom staff: "No user-level scopes for
    reports", https://devforum.zoom.us/t/oauth-app-sopes-access-control/71347)."""
    user = zoom_sandbox.create_user(webinar=True)
    bare = zoom_sandbox.tokens_for(user["id"], scopes="report:read:list_webinar_participants")
    refused = call(zoom_sandbox, bare["access_token"], "GET", REPORT)
    assert refused.json() == missing("report:read:list_webinar_participants:admin")
    admin = zoom_sandbox.tokens_for(
        user["id"], scopes="report:read:list_webinar_participants:admin"
    )
    assert call(zoom_sandbox, admin["access_token"], "GET", REPORT).json()["code"] == 3001


def test_an_admin_scope_reaches_the_accounts_other_users(zoom_sandbox: ZoomSandbox) -> None:
    """A granular scope's :admin variant acts on every user of the account; the bare scope
    only on the token's own user (https://developers.zoom.us/docs/integrations/oauth-scopes-granular/)."""
    admin = zoom_sandbox.create_user()
    member = zoom_sandbox.create_user(account_id=admin["account_id"])
    stranger = zoom_sandbox.create_user()
    for_member = f"/users/{member['id']}/meetings"
    own = zoom_sandbox.tokens_for(admin["id"], scopes="meeting:write:meeting")["access_token"]
    assert call(zoom_sandbox, own, "POST", for_member).json()["code"] == 1001
    wide = zoom_sandbox.tokens_for(admin["id"], scopes="meeting:write:meeting:admin")
    created = httpx.post(
        f"{zoom_sandbox.api_base_url}{for_member}",
        json=MEETING,
        headers={"Authorization": f"Bearer {wide['access_token']}"},
    )
    assert created.status_code == 201
    assert created.json()["host_id"] == member["id"]
    other_account = f"/users/{stranger['id']}/meetings"
    assert call(zoom_sandbox, wide["access_token"], "POST", other_account).json()["code"] == 1001


def test_a_classic_app_takes_classic_names_only(zoom_sandbox: ZoomSandbox) -> None:
    """An app registered with classic scopes is checked in classic names per operation, as
    Zoom's OpenAPI file lists them (meeting:write creates; user_info:read reads `me` only)."""
    app = zoom_sandbox.configure_app(scope_style="classic")
    assert app["scope_style"] == "classic"
    assert "meeting:write" in app["scopes"].split()
    user = zoom_sandbox.create_user()
    token = zoom_sandbox.tokens_for(user["id"])["access_token"]
    assert call(zoom_sandbox, token, "GET", "/users/me").status_code == 200
    granular = zoom_sandbox.tokens_for(user["id"], scopes="meeting:write:meeting")
    refused = call(zoom_sandbox, granular["access_token"], "POST", "/users/me/meetings")
    assert refused.json() == missing("meeting:write:admin", "meeting:write")
    info = zoom_sandbox.tokens_for(user["id"], scopes="user_info:read")["access_token"]
    assert call(zoom_sandbox, info, "GET", "/users/me").status_code == 200
    by_id = call(zoom_sandbox, info, "GET", f"/users/{user['id']}")
    assert by_id.json() == missing("user:read:admin", "user:read")
    back = zoom_sandbox.configure_app(scope_style="granular")
    assert back["scopes"] == DEFAULT_SCOPES
    unknown = zoom_sandbox.control.put("/app", json={"scope_style": "new"})
    assert unknown.json() == {"error": "scope_style must be one of granular, classic."}


def test_the_default_app_is_granular_with_the_products_scopes(zoom_sandbox: ZoomSandbox) -> None:
    """Apps created on the Marketplace today get granular scopes; the sandbox's default app
    has the granular set the product requests, and its tokens carry exactly those
    (https://developers.zoom.us/docs/internal-apps/oauth-scopes-overview/)."""
    app = zoom_sandbox.app()
    assert app["scope_style"] == "granular"
    assert app["scopes"] == DEFAULT_SCOPES
    user = zoom_sandbox.create_user(webinar=True)
    tokens = zoom_sandbox.tokens_for(user["id"])
    assert tokens["scope"] == DEFAULT_SCOPES
    for method, path, scope in ENDPOINTS:
        if scope in DEFAULT_SCOPES.split():
            answer = call(zoom_sandbox, tokens["access_token"], method, path)
            assert answer.status_code == 204 or answer.json().get("code") != 4711, path


def test_the_consent_page_lists_the_requested_scopes(configured: ZoomSandbox) -> None:
    """The authorize page names every scope the app requests, as Zoom's consent does."""
    user = configured.create_user()
    with configured.browser() as browser:
        configured.sign_in(browser, email=user["email"], password=user["password"])
        consent = browser.get(authorize_url(configured))
    assert consent.status_code == 200
    for scope in DEFAULT_SCOPES.split():
        assert f"<code>{scope}</code>" in consent.text
