"""The control API's fixed shapes, which tests outside the sandbox rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sandbox_helpers import Connected
from zoom_sandbox.control import MAX_TTL_SECONDS
from zoom_sandbox.testing import ZoomSandbox

MEETING = {"topic": "Call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}


def test_create_user_returns_ids_and_settings(zoom_sandbox: ZoomSandbox) -> None:
    """POST /_sandbox/users makes an account (its owner an admin) and answers 201 with ids."""
    response = zoom_sandbox.control.post(
        "/users",
        json={
            "email": "owner@example.com",
            "password": "pw",
            "first_name": "Olga",
            "last_name": "Owner",
            "plan": "business",
            "webinar": True,
            "account_admin": True,
            "requires_preapproval": True,
        },
    )
    assert response.status_code == 201
    user = response.json()
    assert len(user["id"]) == 22
    assert len(user["account_id"]) == 22
    assert user["plan"] == "business"
    assert user["requires_preapproval"] is True
    assert user["account_admin"] is True
    assert "password" not in user


def test_users_can_join_an_existing_account(zoom_sandbox: ZoomSandbox) -> None:
    """account_id joins a user to an account, as a member unless said otherwise."""
    owner = zoom_sandbox.create_user(plan="business")
    member = zoom_sandbox.create_user(account_id=owner["account_id"])
    assert member["account_id"] == owner["account_id"]
    assert member["account_admin"] is False
    assert member["plan"] == "business"
    clash = zoom_sandbox.control.post(
        "/users",
        json={
            "email": "x@example.com",
            "password": "pw",
            "account_id": owner["account_id"],
            "plan": "basic",
        },
    )
    assert clash.status_code == 400


def test_user_creation_errors(zoom_sandbox: ZoomSandbox) -> None:
    """Duplicates, unknown accounts, missing fields and impossible licences are refused."""
    zoom_sandbox.create_user(email="dup@example.com")
    post = zoom_sandbox.control.post
    assert post("/users", json={"email": "dup@example.com", "password": "pw"}).status_code == 409
    unknown_account = {"email": "a@example.com", "password": "pw", "account_id": "nope"}
    assert post("/users", json=unknown_account).status_code == 404
    assert post("/users", json={"password": "pw"}).status_code == 400
    assert post("/users", json={"email": "b@example.com"}).status_code == 400
    gold = {"email": "c@example.com", "password": "pw", "plan": "gold"}
    assert post("/users", json=gold).status_code == 400
    basic_webinar = post(
        "/users",
        json={"email": "d@example.com", "password": "pw", "plan": "basic", "webinar": True},
    )
    assert basic_webinar.status_code == 400
    assert "error" in basic_webinar.json()


def test_request_log_shape(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Each logged request has at, method, path, query, status and both bodies."""
    host.api.post("/users/me/meetings", json=MEETING)
    host.api.get("/users/me/meetings", params={"page_size": 5})
    log = zoom_sandbox.requests()
    create, listing = log[-2], log[-1]
    assert {"at", "method", "path", "query", "status", "request_body", "response_body"} <= set(
        create
    )
    assert create["method"] == "POST"
    assert create["path"] == "/v2/users/me/meetings"
    assert create["status"] == 201
    assert create["request_body"] == MEETING
    assert create["response_body"]["topic"] == "Call"
    assert create["at"].endswith("Z")
    assert listing["query"] == {"page_size": "5"}
    assert zoom_sandbox.requests(method="GET", path_prefix="/v2/users/me/meetings") == [listing]
    assert all(not entry["path"].startswith("/_sandbox") for entry in log)
    zoom_sandbox.control.delete("/requests")
    assert zoom_sandbox.requests() == []


def test_meetings_and_webinars_listing(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """GET /_sandbox/meetings and /webinars give current objects in Zoom's shapes."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    webinar = host.api.post(
        "/users/me/webinars",
        json={"topic": "W", "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 0}},
    ).json()
    host.api.post(
        f"/webinars/{webinar['id']}/registrants", json={"email": "r@example.com", "first_name": "R"}
    )
    listed = zoom_sandbox.meetings()
    assert listed == [host.api.get(f"/meetings/{meeting['id']}").json()]
    assert listed[0]["host_id"] == host.user["id"]
    assert zoom_sandbox.meetings(host_id="someone-else") == []
    webinars = zoom_sandbox.webinars()
    assert webinars[0]["host_id"] == host.user["id"]
    assert [r["email"] for r in webinars[0]["registrants"]] == ["r@example.com"]
    assert [r["email"] for r in zoom_sandbox.registrants(webinar["id"])] == ["r@example.com"]


def test_remove_app_is_marketplace_remove(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """POST /_sandbox/users/{id}/remove-app revokes the tokens and sends app_deauthorized."""
    assert zoom_sandbox.remove_app(host.user["id"]) == {"removed": True}
    assert host.api.get("/users/me").status_code == 401
    assert zoom_sandbox.webhooks()[0]["event"] == "app_deauthorized"
    assert zoom_sandbox.remove_app(host.user["id"]) == {"removed": False}


def test_app_settings_change_at_run_time(zoom_sandbox: ZoomSandbox) -> None:
    """PUT /_sandbox/app changes the registered app; reset puts it back."""
    changed = zoom_sandbox.configure_app(
        redirect_uri="http://localhost:8123/zoom/callback/", name="Acme Scheduler"
    )
    assert changed["redirect_uri"] == "http://localhost:8123/zoom/callback/"
    assert zoom_sandbox.control.put("/app", json={"colour": "red"}).status_code == 400
    zoom_sandbox.reset()
    assert zoom_sandbox.app()["name"] == "slotlink"


def test_reset_forgets_everything(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Reset empties users, meetings, the log, faults and webhooks."""
    host.api.post("/users/me/meetings", json=MEETING)
    zoom_sandbox.set_faults(latency_ms=5)
    zoom_sandbox.reset()
    assert zoom_sandbox.control.get("/users").json() == []
    assert zoom_sandbox.meetings() == []
    assert zoom_sandbox.requests() == []
    assert zoom_sandbox.control.get("/faults").json()["latency_ms"] == 0
    assert host.api.get("/users/me").status_code == 401


def test_accounts_can_be_changed(zoom_sandbox: ZoomSandbox) -> None:
    """PUT /_sandbox/accounts/{id} sets plan, pre-approval, waiting room and passcode rules."""
    owner = zoom_sandbox.create_user()
    account = zoom_sandbox.update_account(
        owner["account_id"], requires_preapproval=True, preapproved=True, waiting_room=False
    )
    assert account["requires_preapproval"] is True
    assert account["approved_apps"] == [zoom_sandbox.client_id]
    assert account["waiting_room"] is False
    bad = zoom_sandbox.control.put(
        f"/accounts/{owner['account_id']}", json={"passcode_rules": {"colour": 1}}
    )
    assert bad.status_code == 400
    assert zoom_sandbox.control.put("/accounts/nope", json={}).status_code == 404


def test_health(zoom_sandbox: ZoomSandbox) -> None:
    """GET /_sandbox/health answers ok with counts."""
    assert zoom_sandbox.control.get("/health").json()["status"] == "ok"


def test_user_email_errors_say_what_is_wrong(zoom_sandbox: ZoomSandbox) -> None:
    """A missing email is "required"; a malformed one is told the shape it must have."""
    post = zoom_sandbox.control.post
    missing = post("/users", json={"password": "pw"})
    assert (missing.status_code, missing.json()) == (400, {"error": "email is required."})
    for malformed in ("not-an-address", "a@b", 42):
        answer = post("/users", json={"email": malformed, "password": "pw"})
        assert (answer.status_code, answer.json()) == (
            400,
            {"error": "email must be an address like name@example.com."},
        ), malformed


# (method, path, body, the field the 400 must name). Paths fill in {user}, {account} and
# {meeting} from the test's connected host.
BAD_CONTROL_BODIES = [
    ("PUT", "/limits", {"per_second": 5}, "per_second"),
    ("PUT", "/limits", {"per_second": {"pro": {"light": "many"}}}, "per_second"),
    ("PUT", "/limits", {"per_day": {"gold": {"light": 1}}}, "per_day"),
    ("PUT", "/limits", {"host_create_update_per_day": "lots"}, "host_create_update_per_day"),
    # Numbers past what the sandbox can honour (or that mean nothing Zoom has) are refused.
    ("PUT", "/limits", {"host_create_update_per_day": 1e308}, "host_create_update_per_day"),
    ("PUT", "/limits", {"per_second": {"pro": {"light": 10**12}}}, "per_second"),
    ("PUT", "/limits", {"per_day": {"basic": {"heavy": 10**400}}}, "per_day"),
    ("PUT", "/limits", {"registrant_status_per_day": 10**7}, "registrant_status_per_day"),
    ("PUT", "/app", {"access_token_ttl": 10**400}, "access_token_ttl"),
    ("PUT", "/app", {"webhook_retry_scale": 1e308}, "webhook_retry_scale"),
    (
        "PUT",
        "/limits",
        {"enabled": False, "registrant_adds_per_day": -1},
        "registrant_adds_per_day",
    ),
    ("PUT", "/app", {"access_token_ttl": "soon"}, "access_token_ttl"),
    ("PUT", "/app", {"name": "Renamed", "webhook_retry_scale": "fast"}, "webhook_retry_scale"),
    ("PUT", "/app", {"redirect_uri": 5}, "redirect_uri"),
    ("PUT", "/app", {"webhook_url": "not a url"}, "webhook_url"),
    ("PUT", "/app", {"api_change_events": "yes"}, "api_change_events"),
    ("PUT", "/app", {"client_secret": None}, "client_secret"),
    ("POST", "/clock", {"advance_seconds": -1}, "advance_seconds"),
    ("POST", "/clock", {"advance_seconds": "1h"}, "advance_seconds"),
    ("POST", "/clock", {"advance_seconds": 1e308}, "advance_seconds"),
    ("PUT", "/faults", {"paths": "/v2"}, "paths"),
    ("PUT", "/faults", {"paths": [5]}, "paths"),
    ("PUT", "/faults", {"latency_ms": "100"}, "latency_ms"),
    ("PUT", "/faults", {"error_rate": True}, "error_rate"),
    ("PUT", "/faults", {"outage": 1}, "outage"),
    ("PUT", "/faults", {"seed": [7]}, "seed"),
    ("POST", "/users", {"email": "n@example.com", "password": "pw", "webinar": "yes"}, "webinar"),
    ("POST", "/users", {"email": "n@example.com", "password": 1234}, "password"),
    ("POST", "/users", {"email": "n@example.com", "password": "pw", "plan": 3}, "plan"),
    (
        "POST",
        "/users",
        {"email": "n@example.com", "password": "pw", "timezone": "Mars"},
        "timezone",
    ),
    ("PATCH", "/users/{user}", {"webinar": "yes"}, "webinar"),
    ("PATCH", "/users/{user}", {"first_name": "Ok", "timezone": 3}, "timezone"),
    ("PATCH", "/users/{user}", {"last_name": None}, "last_name"),
    ("PATCH", "/users/{user}", {"account_admin": "true"}, "account_admin"),
    ("PATCH", "/users/{user}", {"password": 1234}, "password"),
    ("PUT", "/accounts/{account}", {"plan": "basic", "waiting_room": "off"}, "waiting_room"),
    ("PUT", "/accounts/{account}", {"requires_preapproval": 1}, "requires_preapproval"),
    ("PUT", "/accounts/{account}", {"preapproved": "yes"}, "preapproved"),
    ("PUT", "/accounts/{account}", {"passcode_rules": []}, "passcode_rules"),
    ("PUT", "/accounts/{account}", {"passcode_rules": {"length": "8"}}, "passcode_rules.length"),
    ("POST", "/users/{user}/tokens", {"scopes": ["meeting:read:meeting"]}, "scopes"),
    ("POST", "/webhooks/validate", {"url": 5}, "url"),
    ("PATCH", "/meetings/{meeting}", {"topic": "Moved", "duration": "long"}, "duration"),
    ("PATCH", "/meetings/{meeting}", {"start_time": "soon"}, "start_time"),
    (
        "POST",
        "/meetings/{meeting}/participants",
        {"participants": [{"name": "Fine"}, {"email": 5}]},
        "participants[1].email",
    ),
]


def control_snapshot(zoom_sandbox: ZoomSandbox) -> dict[str, Any]:
    get = zoom_sandbox.control.get
    return {
        **{
            path: get(path).json()
            for path in ("/app", "/limits", "/faults", "/users", "/accounts", "/meetings")
        },
        "/clock": get("/clock").json()["advanced_seconds"],  # its "now" moves on its own
    }


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD_CONTROL_BODIES)
def test_a_control_body_of_the_wrong_shape_is_refused_and_changes_nothing(
    zoom_sandbox: ZoomSandbox,
    host: Connected,
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    """400 naming the field and what it must be; the sandbox is as it was and still works."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    path = path.format(user=host.user["id"], account=host.user["account_id"], meeting=meeting["id"])
    before = control_snapshot(zoom_sandbox)
    answer = zoom_sandbox.control.request(method, path, json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"].startswith(f"{field} must be "), answer.json()
    assert control_snapshot(zoom_sandbox) == before
    # Nothing broke: the API, token issuing and creating still work.
    assert host.api.get("/users/me").status_code == 200
    assert host.api.post("/users/me/meetings", json=MEETING).status_code == 201
    assert zoom_sandbox.tokens_for(host.user["id"])["access_token"]


def test_unknown_control_fields_are_named(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """A field the control API does not know is refused by name, not silently dropped."""
    for method, path, body in (
        ("PATCH", f"/users/{host.user['id']}", {"webinars": True}),
        ("POST", "/users", {"email": "x@example.com", "password": "pw", "admin": True}),
        ("PUT", f"/accounts/{host.user['account_id']}", {"passcode_rules": {"colour": 1}}),
        ("PUT", "/faults", {"bogus": 1}),
    ):
        answer = zoom_sandbox.control.request(method, path, json=body)
        assert answer.status_code == 400
        assert "Unknown field" in answer.json()["error"], answer.json()
    plan = zoom_sandbox.control.patch(f"/users/{host.user['id']}", json={"plan": "basic"})
    assert plan.status_code == 400
    assert "belongs to the account" in plan.json()["error"]


def test_control_settings_read_back_can_be_written_back(zoom_sandbox: ZoomSandbox) -> None:
    """What GET answers for the app, limits and faults is accepted by PUT unchanged."""
    assert zoom_sandbox.configure_app(**zoom_sandbox.app()) == zoom_sandbox.app()
    limits = zoom_sandbox.control.get("/limits").json()
    assert zoom_sandbox.set_limits(**limits) == limits
    faults = {**zoom_sandbox.control.get("/faults").json(), "seed": 7}
    assert zoom_sandbox.set_faults(**faults) == faults


def test_a_webinar_licence_needs_a_paid_plan_when_patched_too(zoom_sandbox: ZoomSandbox) -> None:
    """PATCH /_sandbox/users refuses a webinar licence on a basic plan, like creating does."""
    user = zoom_sandbox.create_user(plan="basic")
    answer = zoom_sandbox.control.patch(f"/users/{user['id']}", json={"webinar": True})
    assert answer.status_code == 400
    assert zoom_sandbox.control.get(f"/users/{user['id']}").json()["webinar"] is False


def test_control_changes_need_a_json_content_type(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """What a web page can send cross-site without asking (a form, text/plain, no type) gets
    415 and changes nothing; reads need no content type."""
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    control = f"{zoom_sandbox.base_url}/_sandbox"
    before = control_snapshot(zoom_sandbox)
    as_a_web_page_could = [
        httpx.post(f"{control}/reset"),
        httpx.post(f"{control}/reset", content=b"{}", headers={"content-type": "text/plain"}),
        httpx.post(
            f"{control}/users",
            content=b'{"email": "evil@example.com", "password": "pw"}',
            headers={"content-type": "text/plain;charset=UTF-8"},
        ),
        httpx.post(f"{control}/users", data={"email": "evil@example.com", "password": "pw"}),
        httpx.put(f"{control}/faults", content=b'{"outage": true}'),
        httpx.post(f"{control}/clock", content=b'{"advance_seconds": 3600}'),
        httpx.post(f"{control}/users/{host.user['id']}/remove-app"),
        httpx.delete(f"{control}/meetings/{meeting['id']}"),
        httpx.delete(f"{control}/requests"),
    ]
    for answer in as_a_web_page_could:
        assert answer.status_code == 415, (answer.request.method, answer.request.url)
        assert "Content-Type: application/json" in answer.json()["error"]
    assert control_snapshot(zoom_sandbox) == before
    assert zoom_sandbox.requests() != []
    assert httpx.get(f"{control}/health").status_code == 200
    json_with_charset = httpx.put(
        f"{control}/faults",
        content=b'{"latency_ms": 0}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert json_with_charset.status_code == 200
    bodiless = httpx.delete(f"{control}/requests", headers={"content-type": "application/json"})
    assert bodiless.status_code == 204


def test_the_control_api_grants_no_cross_origin_access(zoom_sandbox: ZoomSandbox) -> None:
    """A browser's preflight for a JSON call from another site is not answered with CORS
    headers, so the browser never sends the call."""
    preflight = httpx.options(
        f"{zoom_sandbox.base_url}/_sandbox/reset",
        headers={
            "origin": "https://evil.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "99999999999999999999"])
def test_a_meeting_id_that_is_no_number_is_not_found(
    zoom_sandbox: ZoomSandbox, host: Connected, raw: str
) -> None:
    """Ids that str.isdigit() says yes to but int() refuses, or too long for Zoom's 64-bit
    numbers, are no meeting: 404 from the API, the control API and the join pages, never a
    500."""
    assert host.api.get(f"/meetings/{raw}").status_code == 404
    control = httpx.request(
        "DELETE", f"{zoom_sandbox.base_url}/_sandbox/meetings/{raw}", json={}, timeout=10
    )
    assert control.status_code == 404
    for join in (f"/j/{raw}", f"/w/{raw}?tk=x"):
        assert httpx.get(f"{zoom_sandbox.base_url}{join}", timeout=10).status_code == 404


def test_the_clock_moves_on_when_told_and_a_reset_puts_it_back(zoom_sandbox: ZoomSandbox) -> None:
    """`POST /_sandbox/clock` moves the sandbox's clock on (it never goes back); without
    `advance_seconds`, or past ten years in all, it is refused and the clock stays; a reset
    puts it back to the real time."""
    hour = timedelta(hours=1)
    before = datetime.now(UTC).replace(microsecond=0)  # "now" is shown to the millisecond
    moved = zoom_sandbox.advance_clock(3600)
    after = datetime.now(UTC)
    assert moved["advanced_seconds"] == 3600
    assert before + hour <= datetime.fromisoformat(moved["now"]) <= after + hour
    assert zoom_sandbox.advance_clock(0.5)["advanced_seconds"] == 3600.5
    shown = zoom_sandbox.control.get("/clock").json()
    assert shown["advanced_seconds"] == 3600.5
    assert shown["now"] >= moved["now"]
    missing = zoom_sandbox.control.post("/clock", json={})
    assert (missing.status_code, missing.json()) == (
        400,
        {"error": "advance_seconds is required."},
    )
    too_far = zoom_sandbox.control.post("/clock", json={"advance_seconds": MAX_TTL_SECONDS})
    assert too_far.status_code == 400
    assert too_far.json()["error"].startswith("The clock moves on by at most")
    assert zoom_sandbox.control.get("/clock").json()["advanced_seconds"] == 3600.5
    zoom_sandbox.reset()
    assert zoom_sandbox.control.get("/clock").json()["advanced_seconds"] == 0
