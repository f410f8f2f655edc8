"""Meetings over REST v2: Zoom's shapes, settings rules, passcodes, errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from sandbox_helpers import Connected, connect
from zoom_sandbox.testing import ZoomSandbox

BOOKING = {
    "topic": "Intro call",
    "type": 2,
    "start_time": "2030-05-04T09:00:00Z",
    "duration": 30,
    "timezone": "Europe/Paris",
    "agenda": "slotlink:attempt:1234",
    "settings": {"waiting_room": True, "join_before_host": False},
}


def create(host: Connected, **changes: object) -> dict:
    response = host.api.post("/users/me/meetings", json={**BOOKING, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_returns_zoom_shapes(host: Connected) -> None:
    """A created meeting has an 11-digit id, uuid, host_id and a join_url with ?pwd=."""
    meeting = create(host)
    assert isinstance(meeting["id"], int)
    assert len(str(meeting["id"])) == 11
    assert meeting["id"] > 2**32
    assert meeting["host_id"] == host.user["id"]
    assert meeting["host_email"] == host.user["email"]
    assert meeting["uuid"].endswith("==")
    assert meeting["start_time"] == "2030-05-04T09:00:00Z"
    assert meeting["timezone"] == "Europe/Paris"
    assert meeting["duration"] == 30
    assert meeting["status"] == "waiting"
    join = urlsplit(meeting["join_url"])
    assert join.path == f"/j/{meeting['id']}"
    assert parse_qs(join.query)["pwd"] == [meeting["encrypted_password"]]
    assert f"/s/{meeting['id']}?zak=" in meeting["start_url"]


def test_passcode_is_generated_when_the_account_requires_one(host: Connected) -> None:
    """Without a password, the meeting gets one made by the account's rules (max 10 chars)."""
    meeting = create(host)
    assert 6 <= len(meeting["password"]) <= 10
    assert meeting["password"].isalnum()


def test_passcode_follows_account_rules(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Numeric-only rules make numeric passcodes and refuse letters with code 300."""
    zoom_sandbox.update_account(
        host.user["account_id"], passcode_rules={"only_allow_numeric": True, "length": 8}
    )
    meeting = create(host)
    assert meeting["password"].isdigit()
    assert len(meeting["password"]) == 8
    refused = host.api.post("/users/me/meetings", json={**BOOKING, "password": "abc12345"})
    assert refused.status_code == 400
    assert refused.json() == {"code": 300, "message": "Passcode can only contain numbers."}
    short = host.api.post("/users/me/meetings", json={**BOOKING, "password": "123"})
    assert short.json()["message"] == "Passcode must be at least 8 characters long."


def test_passcode_characters_and_length(host: Connected) -> None:
    """A passcode over 10 characters or with other characters is refused."""
    too_long = host.api.post("/users/me/meetings", json={**BOOKING, "password": "12345678901"})
    assert too_long.status_code == 400
    assert too_long.json()["code"] == 300
    odd = host.api.post("/users/me/meetings", json={**BOOKING, "password": "abc#12"})
    assert odd.json()["code"] == 300
    fine = create(host, password="ab-_*@12")
    assert fine["password"] == "ab-_*@12"


def test_no_passcode_when_the_account_does_not_require_one(
    zoom_sandbox: ZoomSandbox, host: Connected
) -> None:
    """An account without the passcode rule gets meetings without one, and no ?pwd=."""
    zoom_sandbox.update_account(host.user["account_id"], passcode_rules={"required": False})
    meeting = create(host)
    assert meeting["password"] == ""
    assert "pwd=" not in meeting["join_url"]


def test_waiting_room_forces_join_before_host_off(host: Connected) -> None:
    """Waiting room on turns join-before-host off, as Zoom does."""
    meeting = create(host, settings={"waiting_room": True, "join_before_host": True})
    assert meeting["settings"]["waiting_room"] is True
    assert meeting["settings"]["join_before_host"] is False
    open_meeting = create(host, settings={"waiting_room": False, "join_before_host": True})
    assert open_meeting["settings"]["join_before_host"] is True


def test_local_start_time_is_read_in_the_meeting_timezone(host: Connected) -> None:
    """A start time without offset is local time in `timezone`, stored in UTC."""
    meeting = create(host, start_time="2030-07-01T10:00:00", timezone="America/New_York")
    assert meeting["start_time"] == "2030-07-01T14:00:00Z"


def test_get_update_delete(host: Connected) -> None:
    """GET returns the meeting, PATCH answers 204 and changes it, DELETE 204, then 3001."""
    meeting = create(host)
    got = host.api.get(f"/meetings/{meeting['id']}")
    assert got.status_code == 200
    assert got.json()["join_url"] == meeting["join_url"]

    patched = host.api.patch(
        f"/meetings/{meeting['id']}", json={"start_time": "2030-05-05T11:00:00Z", "duration": 45}
    )
    assert patched.status_code == 204
    assert patched.content == b""
    moved = host.api.get(f"/meetings/{meeting['id']}").json()
    assert (moved["start_time"], moved["duration"]) == ("2030-05-05T11:00:00Z", 45)
    # The link stays the same across an update.
    assert moved["join_url"] == meeting["join_url"]

    assert host.api.delete(f"/meetings/{meeting['id']}").status_code == 204
    gone = host.api.get(f"/meetings/{meeting['id']}")
    assert gone.status_code == 404
    assert gone.json() == {"code": 3001, "message": f"Meeting does not exist: {meeting['id']}."}


def test_unknown_meeting_ids_get_3001(host: Connected) -> None:
    """GET, PATCH and DELETE of an unknown meeting answer 404 code 3001 in Zoom's words,
    "Meeting does not exist: {id}." (REFERENCE §2.6, third-party code quoting Zoom)."""
    for call in (
        host.api.get("/meetings/12345678901"),
        host.api.patch("/meetings/12345678901", json={"topic": "x"}),
        host.api.delete("/meetings/12345678901"),
    ):
        assert call.status_code == 404
        assert call.json() == {"code": 3001, "message": "Meeting does not exist: 12345678901."}


def test_meeting_by_uuid(host: Connected) -> None:
    """GET also takes the meeting's UUID (double-encoded when it holds a slash)."""
    meeting = create(host)
    from urllib.parse import quote

    encoded = quote(quote(meeting["uuid"], safe=""), safe="")
    assert host.api.get(f"/meetings/{encoded}").json()["id"] == meeting["id"]


def test_other_users_meetings_are_out_of_reach(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """A user-level token cannot read or delete another account's meeting."""
    meeting = create(host)
    stranger = connect(zoom_sandbox)
    assert stranger.api.get(f"/meetings/{meeting['id']}").json()["code"] == 3001
    assert stranger.api.delete(f"/meetings/{meeting['id']}").status_code == 404
    assert stranger.api.get(f"/users/{host.user['id']}/meetings").json()["code"] == 1001


def test_list_is_paginated(host: Connected) -> None:
    """The list pages with next_page_token and reports totals."""
    for day in range(1, 6):
        create(host, start_time=f"2030-06-0{day}T09:00:00Z")
    first = host.api.get("/users/me/meetings", params={"page_size": 2}).json()
    assert first["total_records"] == 5
    assert first["page_count"] == 3
    assert len(first["meetings"]) == 2
    seen = [m["id"] for m in first["meetings"]]
    token = first["next_page_token"]
    while token:
        page = host.api.get(
            "/users/me/meetings", params={"page_size": 2, "next_page_token": token}
        ).json()
        seen += [m["id"] for m in page["meetings"]]
        token = page["next_page_token"]
    assert len(seen) == len(set(seen)) == 5  # each meeting on one page, none twice
    bad = host.api.get("/users/me/meetings", params={"next_page_token": "%%%"})
    assert bad.json()["code"] == 300


def test_body_zoom_would_reject_gets_code_300(host: Connected) -> None:
    """Bodies that break the contract get Zoom's 300 error with the field named."""
    wrong_type = host.api.post("/users/me/meetings", json={**BOOKING, "type": 99})
    assert wrong_type.status_code == 400
    assert wrong_type.json() == {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "type", "message": "Invalid field."}],
    }
    wrong_setting = host.api.post(
        "/users/me/meetings", json={**BOOKING, "settings": {"jbh_time": 7}}
    )
    assert wrong_setting.json()["errors"][0]["field"] == "settings.jbh_time"
    not_json = host.api.post(
        "/users/me/meetings", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.json() == {
        "code": 300,
        "message": "Request Body should be a valid JSON object.",
    }
    long_topic = host.api.post("/users/me/meetings", json={**BOOKING, "topic": "x" * 201})
    assert long_topic.json()["errors"][0]["field"] == "topic"


def test_recurring_meeting_lists_occurrences(host: Connected) -> None:
    """A type 8 meeting gets its occurrences; one can be deleted by occurrence_id."""
    meeting = create(
        host,
        type=8,
        recurrence={"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 4},
    )
    occurrences = meeting["occurrences"]
    assert len(occurrences) == 4
    first = occurrences[0]["occurrence_id"]
    deleted = host.api.delete(f"/meetings/{meeting['id']}", params={"occurrence_id": first})
    assert deleted.status_code == 204
    left = host.api.get(f"/meetings/{meeting['id']}").json()["occurrences"]
    assert first not in [o["occurrence_id"] for o in left]
    bad = host.api.delete(f"/meetings/{meeting['id']}", params={"occurrence_id": "1"})
    assert bad.json() == {"code": 3000, "message": "Invalid occurrence_id."}


def test_a_refused_update_changes_nothing(host: Connected) -> None:
    """A PATCH answered with 400 leaves the meeting exactly as it was, field by field."""
    meeting = create(host)
    before = host.api.get(f"/meetings/{meeting['id']}").json()
    refusals = [
        # The topic and settings are fine; the passcode is not, so nothing may change.
        {"topic": "CHANGED", "settings": {"mute_upon_entry": True}, "password": "bad pass!"},
        # Recurring without a recurrence: the type must not stick.
        {"type": 8},
        {"topic": "CHANGED", "start_time": "not a time"},
    ]
    for body in refusals:
        refused = host.api.patch(f"/meetings/{meeting['id']}", json=body)
        assert refused.status_code == 400, (body, refused.text)
        assert host.api.get(f"/meetings/{meeting['id']}").json() == before, body


def test_a_refused_update_leaves_a_recurring_meeting_whole(host: Connected) -> None:
    """A recurring meeting keeps its type, recurrence and occurrences after a refused PATCH."""
    meeting = create(
        host,
        type=8,
        recurrence={"type": 1, "repeat_interval": 1, "end_times": 3},
    )
    before = host.api.get(f"/meetings/{meeting['id']}").json()
    assert len(before["occurrences"]) == 3
    refused = host.api.patch(
        f"/meetings/{meeting['id']}",
        json={"type": 2, "duration": 90, "password": "bad pass!"},
    )
    assert refused.status_code == 400
    assert host.api.get(f"/meetings/{meeting['id']}").json() == before


def start(zoom_sandbox: ZoomSandbox, meeting: dict) -> None:
    """The host starts the meeting through its start_url, as in the Zoom client."""
    path, _, query = meeting["start_url"].removeprefix(zoom_sandbox.base_url).partition("?")
    assert httpx.post(f"{zoom_sandbox.base_url}{path}/start?{query}").status_code == 303


def test_a_started_meeting_cannot_be_updated(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """PATCH of a meeting in progress answers 400 code 3000 and changes nothing."""
    meeting = create(host)
    start(zoom_sandbox, meeting)
    before = host.api.get(f"/meetings/{meeting['id']}").json()
    assert before["status"] == "started"
    refused = host.api.patch(f"/meetings/{meeting['id']}", json={"topic": "Changed live"})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": 3000,
        "message": "You cannot update or delete meetings that have started using this method.",
    }
    assert host.api.get(f"/meetings/{meeting['id']}").json() == before


def test_an_update_cannot_move_a_meeting_into_the_past(host: Connected) -> None:
    """A start_time in the past is refused with code 300, for the series and one occurrence."""
    meeting = create(host)
    before = host.api.get(f"/meetings/{meeting['id']}").json()
    past = {"start_time": "2020-01-01T10:00:00Z", "topic": "Moved back"}
    refused = host.api.patch(f"/meetings/{meeting['id']}", json=past)
    assert refused.status_code == 400
    assert refused.json() == {"code": 300, "message": "The start_time value must be a future date."}
    assert host.api.get(f"/meetings/{meeting['id']}").json() == before

    recurring = create(host, type=8, recurrence={"type": 1, "repeat_interval": 1, "end_times": 3})
    occurrence_id = recurring["occurrences"][1]["occurrence_id"]
    refused = host.api.patch(
        f"/meetings/{recurring['id']}", params={"occurrence_id": occurrence_id}, json=past
    )
    assert (refused.status_code, refused.json()["code"]) == (400, 300)
    assert (
        host.api.get(f"/meetings/{recurring['id']}").json()["occurrences"]
        == (recurring["occurrences"])
    )


def test_an_agenda_holds_at_most_2000_characters(host: Connected) -> None:
    """Zoom's agenda is a string of "maximum length of 2,000 characters" (ZoomMeetingAPISpec,
    meeting create and update `agenda`: "maxLength": 2000; ../shared/zoom/REFERENCE.md §2.1),
    counted in characters as JSON Schema counts them, so an emoji is one: 2000 are kept
    whole, on create and update; 2001 are refused with Zoom's validation error (400, code
    300, the field named) and the meeting keeps its agenda."""
    full = "\U0001f600" + "a" * 1998 + "\u00e9"
    meeting = create(host, agenda=full)
    assert host.api.get(f"/meetings/{meeting['id']}").json()["agenda"] == full
    for refused in (
        host.api.post("/users/me/meetings", json={**BOOKING, "agenda": full + "b"}),
        host.api.patch(f"/meetings/{meeting['id']}", json={"agenda": full + "b"}),
    ):
        assert refused.status_code == 400
        assert refused.json() == {
            "code": 300,
            "message": "Validation Failed.",
            "errors": [{"field": "agenda", "message": "Invalid field."}],
        }
    assert (
        host.api.patch(f"/meetings/{meeting['id']}", json={"agenda": full[::-1]}).status_code == 204
    )
    assert host.api.get(f"/meetings/{meeting['id']}").json()["agenda"] == full[::-1]


def test_a_list_holds_the_first_250_characters_of_each_agenda(host: Connected) -> None:
    """Zoom's meeting list cuts each agenda: "The length of agenda gets truncated to 250
    characters when you list all meetings for a user. To view the complete agenda of a
    meeting, retrieve details for a single meeting" (ZoomMeetingAPISpec, GET
    /users/{userId}/meetings, `meetings[].agenda`; the same for webinars). GET of the
    meeting gives it whole."""
    agenda = "\u00e9" + "a" * 248 + "b" + "c" * 100
    meeting = create(host, agenda=agenda)
    (listed,) = host.api.get("/users/me/meetings").json()["meetings"]
    assert listed["agenda"] == agenda[:250]
    assert listed["agenda"].endswith("ab")
    assert host.api.get(f"/meetings/{meeting['id']}").json()["agenda"] == agenda
