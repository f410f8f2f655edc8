"""Users over REST v2: /users/me, settings (incl. the account's passcode rules), changes."""

from __future__ import annotations

from sandbox_helpers import Connected, connect
from zoom_sandbox.testing import ZoomSandbox

BOOKING = {"topic": "Call", "type": 2, "start_time": "2030-05-04T09:00:00Z", "duration": 30}


def create(host: Connected, **changes: object) -> dict:
    response = host.api.post("/users/me/meetings", json={**BOOKING, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def test_users_me_and_settings(host: Connected) -> None:
    """GET /users/me describes the user; settings show and change the meeting defaults."""
    me = host.api.get("/users/me").json()
    assert me["id"] == host.user["id"]
    assert me["account_id"] == host.user["account_id"]
    assert me["type"] == 2
    assert len(me["id"]) == 22
    settings = host.api.get("/users/me/settings").json()
    assert settings["in_meeting"]["waiting_room"] is True
    assert settings["feature"]["webinar"] is True
    changed = host.api.patch("/users/me/settings", json={"in_meeting": {"waiting_room": False}})
    assert changed.status_code == 204
    assert host.api.get("/users/me/settings").json()["in_meeting"]["waiting_room"] is False
    assert create(host, settings={})["settings"]["waiting_room"] is False
    security = host.api.get("/users/me/settings", params={"option": "meeting_security"}).json()
    assert security["meeting_security"]["meeting_password_requirement"]["length"] == 6


def test_users_can_be_found_by_id_or_email(host: Connected) -> None:
    """`{userId}` is `me`, the user's id or their email; strangers are 1001."""
    assert host.api.get(f"/users/{host.user['id']}").json()["id"] == host.user["id"]
    assert host.api.get(f"/users/{host.user['email']}").json()["id"] == host.user["id"]
    unknown = host.api.get("/users/nobody@example.com")
    assert (unknown.status_code, unknown.json()["code"]) == (404, 1001)


def test_free_users_are_basic(basic_host: Connected) -> None:
    """A user on the free plan is type 1 (Basic)."""
    assert basic_host.api.get("/users/me").json()["type"] == 1


def test_profile_update(host: Connected) -> None:
    """PATCH /users/me changes the name and time zone, which new meetings then use."""
    assert (
        host.api.patch(
            "/users/me", json={"first_name": "Ren", "timezone": "Asia/Tokyo"}
        ).status_code
        == 204
    )
    me = host.api.get("/users/me").json()
    assert (me["first_name"], me["timezone"]) == ("Ren", "Asia/Tokyo")
    meeting = host.api.post(
        "/users/me/meetings", json={"topic": "x", "start_time": "2030-01-01T10:00:00"}
    ).json()
    assert (meeting["timezone"], meeting["start_time"]) == ("Asia/Tokyo", "2030-01-01T01:00:00Z")


def test_only_admins_change_the_accounts_passcode_rules(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """Passcode rules belong to the account: a member gets "No permission.", an admin succeeds."""
    member = connect(zoom_sandbox, account_id=host.user["account_id"])
    rules = {"schedule_meeting": {"meeting_password_requirement": {"only_allow_numeric": True}}}
    refused = member.api.patch("/users/me/settings", json=rules)
    assert refused.status_code == 400
    assert refused.json() == {"code": 200, "message": "No permission."}
    assert host.api.patch("/users/me/settings", json=rules).status_code == 204
    assert create(member)["password"].isdigit()


def test_admins_delete_users_of_their_account(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """An admin-scoped delete removes the user, their meetings and their tokens."""
    member = connect(zoom_sandbox, account_id=host.user["account_id"])
    create(member)
    # Without the admin scope the member is out of the admin's reach, like any other user.
    own_tokens = zoom_sandbox.tokens_for(host.user["id"], scopes="user:delete:user")
    host.api.headers["Authorization"] = f"Bearer {own_tokens['access_token']}"
    assert host.api.delete(f"/users/{member.user['id']}").json()["code"] == 1001
    admin_tokens = zoom_sandbox.tokens_for(
        host.user["id"], scopes="user:delete:user:admin user:read:user:admin"
    )
    host.api.headers["Authorization"] = f"Bearer {admin_tokens['access_token']}"
    assert host.api.delete(f"/users/{member.user['id']}").status_code == 204
    assert member.api.get("/users/me").status_code == 401
    assert zoom_sandbox.meetings() == []
    refused = member.api.delete(f"/users/{host.user['id']}")
    assert refused.status_code == 401
