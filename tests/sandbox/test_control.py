"""The control API's fixed shapes, which tests outside the sandbox rely on."""

from __future__ import annotations

from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.sandbox.conftest import Connected

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
