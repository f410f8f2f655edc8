"""JSON null in an optional field of a request body: Zoom treats it as absent.

The bodies below are what working Zoom clients send. cal.com's Zoom adapter sends
`"agenda": null` for an event without a description
(https://github.com/calcom/cal.com/blob/main/packages/app-store/zoomvideo/lib/VideoApiAdapter.ts,
`truncateAgenda`); Indico's Zoom plugin sends `"start_time": null, "duration": null`
when a meeting loses its fixed time
(https://github.com/indico/indico-plugins/blob/master/vc_zoom/indico_vc_zoom/plugin.py,
`update_data_association`); pyzoom sends its pydantic settings model whole, so every
unset optional setting goes out as null
(https://github.com/licht1stein/pyzoom/blob/master/pyzoom/schemas.py,
`ZoomMeetingSettings.default_settings().dict()`, and `MeetingRegistrant.dict()` for
registrants).
"""

from __future__ import annotations

from typing import Any

from sandbox_helpers import Connected
from zoom_sandbox.testing import ZoomSandbox

START = "2030-05-04T09:00:00Z"
# pyzoom's ZoomMeetingSettings.default_settings().dict(): its Optional fields are None.
PYZOOM_SETTINGS = {
    "host_video": True,
    "participant_video": True,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": True,
    "mute_upon_entry": True,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 0,
    "registration_type": 1,
    "audio": "voip",
    "auto_recording": "none",
    "enforce_login": True,
    "enforce_login_domains": None,
    "alternative_hosts": None,
    "close_registration": None,
    "waiting_room": False,
    "global_dial_in_countries": None,
    "contact_name": "UFY",
    "contact_email": "ufyit@support.com",
    "registrants_email_notification": False,
    "meeting_authentication": True,
    "authentication_option": None,
    "authentication_domains": None,
}


def nulls(value: Any, where: str = "") -> list[str]:
    """Where in a JSON answer a null is, if anywhere."""
    if value is None:
        return [where or "body"]
    if isinstance(value, dict):
        return [n for key, item in value.items() for n in nulls(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [n for i, item in enumerate(value) for n in nulls(item, f"{where}[{i}]")]
    return []


def test_null_fields_of_a_new_meeting_are_ignored(host: Connected) -> None:
    """A create with `"agenda": null` (cal.com) and pyzoom's null settings is taken as if
    those fields were left out: Zoom's defaults apply, and no answer shows a null."""
    body = {
        "topic": "Intro call",
        "type": 2,
        "start_time": START,
        "duration": 30,
        "timezone": "Europe/Paris",
        "password": None,
        "agenda": None,
        "settings": PYZOOM_SETTINGS,
    }
    created = host.api.post("/users/me/meetings", json=body)
    assert created.status_code == 201, created.text
    meeting = created.json()
    fetched = host.api.get(f"/meetings/{meeting['id']}").json()
    listed = host.api.get("/users/me/meetings").json()
    for answer in (meeting, fetched, listed):
        assert nulls(answer) == []
    assert fetched["agenda"] == ""
    assert fetched["start_time"] == START
    assert fetched["settings"]["alternative_hosts"] == ""
    assert fetched["settings"]["close_registration"] is False
    assert fetched["settings"]["mute_upon_entry"] is True
    for absent in ("global_dial_in_countries", "authentication_option", "authentication_domains"):
        assert absent not in fetched["settings"]


def test_null_fields_of_an_update_change_nothing(host: Connected) -> None:
    """A PATCH's nulls are not applied: what was set stays set; the other fields apply."""
    meeting = host.api.post(
        "/users/me/meetings",
        json={
            "topic": "Call",
            "start_time": START,
            "duration": 30,
            "agenda": "slotlink:attempt:1",
            "settings": {"alternative_hosts": "alt@example.com", "mute_upon_entry": True},
        },
    ).json()
    changed = host.api.patch(
        f"/meetings/{meeting['id']}",
        json={
            "topic": "Renamed",
            "agenda": None,
            "start_time": None,
            "duration": None,
            "timezone": None,
            "recurrence": None,
            "settings": {"alternative_hosts": None, "mute_upon_entry": None, "host_video": True},
        },
    )
    assert changed.status_code == 204, changed.text
    after = host.api.get(f"/meetings/{meeting['id']}").json()
    assert nulls(after) == []
    assert (after["topic"], after["agenda"]) == ("Renamed", "slotlink:attempt:1")
    assert (after["start_time"], after["duration"]) == (START, 30)
    assert after["settings"]["alternative_hosts"] == "alt@example.com"
    assert after["settings"]["mute_upon_entry"] is True
    assert after["settings"]["host_video"] is True


def test_a_meeting_losing_its_fixed_time_the_indico_way(host: Connected) -> None:
    """Indico's `{"start_time": null, "duration": null, "type": 3}` makes the meeting
    recurring with no fixed time, which has neither."""
    meeting = host.api.post(
        "/users/me/meetings", json={"topic": "Call", "start_time": START, "duration": 30}
    ).json()
    answer = host.api.patch(
        f"/meetings/{meeting['id']}", json={"start_time": None, "duration": None, "type": 3}
    )
    assert answer.status_code == 204, answer.text
    after = host.api.get(f"/meetings/{meeting['id']}").json()
    assert after["type"] == 3
    assert "start_time" not in after
    assert "duration" not in after
    assert nulls(after) == []


def test_null_fields_of_webinars_are_ignored(host: Connected) -> None:
    """Webinar creates and updates take null settings (close_registration,
    global_dial_in_countries, authentication_option, ...) as absent too."""
    created = host.api.post(
        "/users/me/webinars",
        json={
            "topic": "Webinar",
            "start_time": START,
            "agenda": None,
            "template_id": None,
            "settings": {
                "approval_type": 0,
                "close_registration": None,
                "global_dial_in_countries": None,
                "authentication_option": None,
                "authentication_domains": None,
                "alternative_hosts": None,
                "contact_name": None,
            },
        },
    )
    assert created.status_code == 201, created.text
    webinar = created.json()
    assert nulls(webinar) == []
    assert webinar["settings"]["global_dial_in_countries"] == []
    assert webinar["settings"]["contact_name"] == "Zoe " + host.user["last_name"]
    updated = host.api.patch(
        f"/webinars/{webinar['id']}",
        json={"duration": None, "agenda": None, "settings": {"approval_type": None}},
    )
    assert updated.status_code == 204, updated.text
    after = host.api.get(f"/webinars/{webinar['id']}").json()
    assert nulls(after) == []
    assert after["settings"]["approval_type"] == 0
    assert after["duration"] == webinar["duration"]


def test_null_optional_registrant_fields_are_ignored_but_required_ones_are_missing(
    host: Connected,
) -> None:
    """A registrant body with pyzoom's nulls (address, city, ...) registers; an email or
    first name sent as null is missing, and refused as such."""
    webinar = host.api.post(
        "/users/me/webinars",
        json={"topic": "Webinar", "start_time": START, "settings": {"approval_type": 0}},
    ).json()
    registrants = f"/webinars/{webinar['id']}/registrants"
    optional = dict.fromkeys(("address", "city", "country", "zip", "state", "phone", "org"))
    added = host.api.post(
        registrants,
        json={"email": "ana@example.com", "first_name": "Ana", "last_name": None, **optional},
    )
    assert added.status_code == 201, added.text
    listed = host.api.get(registrants).json()
    assert nulls(listed) == []
    assert [(r["email"], r["last_name"]) for r in listed["registrants"]] == [
        ("ana@example.com", "")
    ]
    for required in ("email", "first_name"):
        body = {"email": "bo@example.com", "first_name": "Bo", required: None}
        refused = host.api.post(registrants, json=body)
        assert refused.status_code == 400
        assert refused.json()["errors"] == [{"field": required, "message": "Invalid field."}]
    status = host.api.put(
        f"{registrants}/status",
        json={
            "action": "cancel",
            "registrants": [{"id": added.json()["registrant_id"], "email": None}],
        },
    )
    assert status.status_code == 204, status.text
    assert host.api.get(registrants, params={"status": "denied"}).json()["total_records"] == 1


def test_null_fields_of_user_changes_are_ignored(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """PATCH /users/me and PATCH /users/me/settings leave null fields as they were."""
    tokens = zoom_sandbox.tokens_for(
        host.user["id"],
        scopes="user:read:user user:read:settings user:update:user user:update:settings",
    )
    host.api.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    profile = host.api.patch(
        "/users/me", json={"first_name": None, "last_name": "Renamed", "timezone": None}
    )
    assert profile.status_code == 204, profile.text
    me = host.api.get("/users/me").json()
    assert (me["first_name"], me["last_name"], me["timezone"]) == ("Zoe", "Renamed", "UTC")
    settings = host.api.patch(
        "/users/me/settings",
        json={
            "schedule_meeting": {"host_video": True, "join_before_host": None},
            "in_meeting": {"waiting_room": None},
            "meeting_security": None,
        },
    )
    assert settings.status_code == 204, settings.text
    shown = host.api.get("/users/me/settings").json()
    assert nulls(shown) == []
    assert shown["schedule_meeting"]["host_video"] is True
    assert shown["in_meeting"]["waiting_room"] is True
