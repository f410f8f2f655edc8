"""meeting.* and webinar.* events: the app's own changes echoed, and occurrence payloads.

Shapes from Zoom's Meetings events reference (https://developers.zoom.us/docs/api/meetings/events/),
as Zoom's own SDK types them from it (https://zoom.github.io/rivet-javascript/, e.g.
`Meetings.MeetingUpdatedEvent`): created and deleted say `operation`, updated says `scope`.
"""

from __future__ import annotations

from typing import Any

import pytest

from sandbox_helpers import Connected, WebhookReceiver
from zoom_sandbox.testing import ZoomSandbox

MEETING = {"topic": "Call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}
DAILY = {"type": 1, "repeat_interval": 1, "end_times": 3}


def payload_of(zoom_sandbox: ZoomSandbox, event: str) -> dict[str, Any]:
    """The payload of the one `event` delivered, once it is."""
    delivery = zoom_sandbox.wait_for_webhooks(1, event=event)[0]
    assert delivery["state"] == "delivered", delivery
    event_body = delivery["payload"]
    assert event_body["event"] == event
    assert isinstance(event_body["event_ts"], int)
    return dict(event_body["payload"])


def assert_operator(payload: dict[str, Any], user: dict[str, Any]) -> None:
    assert payload["operator"] == user["email"]
    assert payload["operator_id"] == user["id"]
    assert payload["account_id"] == user["account_id"]


def test_api_create_sends_meeting_created(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Zoom sends meeting.created for a meeting the app creates through the API too: the
    meeting with its join_url, password and settings, by the token's user
    (https://developers.zoom.us/docs/api/meetings/events/)."""
    assert zoom_sandbox.app()["api_change_events"] is True
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    payload = payload_of(zoom_sandbox, "meeting.created")
    assert_operator(payload, host.user)
    assert payload["operation"] == "single"
    created = payload["object"]
    for name in ("id", "uuid", "host_id", "topic", "type", "start_time", "duration", "timezone"):
        assert created[name] == meeting[name], name
    assert created["join_url"] == meeting["join_url"]
    assert created["password"] == meeting["password"]
    assert created["settings"]["use_pmi"] is False
    assert created["settings"]["join_before_host"] == meeting["settings"]["join_before_host"]
    assert "alternative_hosts" in created["settings"]


def test_api_reschedule_and_cancel_are_echoed(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """The app's own PATCH and DELETE come back as meeting.updated (changed fields in
    `object`, their previous values in `old_object`) and meeting.deleted
    (https://developers.zoom.us/docs/api/meetings/events/)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    moved = {"start_time": "2030-01-02T11:00:00Z", "agenda": "Bring notes"}
    assert host.api.patch(f"/meetings/{meeting['id']}", json=moved).status_code == 204
    updated = payload_of(zoom_sandbox, "meeting.updated")
    assert_operator(updated, host.user)
    assert updated["scope"] == "single"
    assert isinstance(updated["time_stamp"], int)
    ids = {"id": meeting["id"], "uuid": meeting["uuid"]}
    assert updated["object"] == {**ids, **moved}
    assert updated["old_object"] == {**ids, "start_time": "2030-01-01T10:00:00Z", "agenda": ""}
    assert host.api.delete(f"/meetings/{meeting['id']}").status_code == 204
    deleted = payload_of(zoom_sandbox, "meeting.deleted")
    assert_operator(deleted, host.user)
    assert deleted["operation"] == "single"
    assert deleted["object"]["id"] == meeting["id"]
    assert "occurrences" not in deleted["object"]


def test_webinar_api_changes_send_webinar_events(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Webinars made, changed and deleted through the API send webinar.created,
    webinar.updated and webinar.deleted (https://developers.zoom.us/docs/api/meetings/events/)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    webinar = host.api.post(
        "/users/me/webinars", json={"topic": "W", "start_time": "2030-01-01T10:00:00Z"}
    ).json()
    created = payload_of(zoom_sandbox, "webinar.created")
    assert_operator(created, host.user)
    assert created["object"]["join_url"] == webinar["join_url"]
    assert created["object"]["creation_source"] == "open_api"
    host.api.patch(f"/webinars/{webinar['id']}", json={"topic": "Renamed"})
    updated = payload_of(zoom_sandbox, "webinar.updated")
    assert (updated["object"]["topic"], updated["old_object"]["topic"]) == ("Renamed", "W")
    host.api.delete(f"/webinars/{webinar['id']}")
    assert payload_of(zoom_sandbox, "webinar.deleted")["object"]["id"] == webinar["id"]


@pytest.mark.parametrize("kind", ["meetings", "webinars"])
def test_whole_series_changes_say_all(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver, kind: str
) -> None:
    """Changing or deleting a recurring series as a whole says "all"
    (https://developers.zoom.us/docs/api/meetings/events/)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    body = {**MEETING, "type": 8 if kind == "meetings" else 9, "recurrence": DAILY}
    item = host.api.post(f"/users/me/{kind}", json=body).json()
    host.api.patch(f"/{kind}/{item['id']}", json={"topic": "Daily", "recurrence": DAILY})
    event = kind.removesuffix("s")
    updated = payload_of(zoom_sandbox, f"{event}.updated")
    assert updated["scope"] == "all"
    assert updated["object"]["topic"] == "Daily"
    host.api.delete(f"/{kind}/{item['id']}")
    assert payload_of(zoom_sandbox, f"{event}.deleted")["operation"] == "all"


@pytest.mark.parametrize("kind", ["meetings", "webinars"])
def test_one_occurrence_moved_sends_a_single_update(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver, kind: str
) -> None:
    """PATCH with occurrence_id sends an updated event with scope "single" and the
    occurrence, as it is and as it was, in `object.occurrences` / `old_object.occurrences`
    (https://developers.zoom.us/docs/api/meetings/events/)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    body = {**MEETING, "type": 8 if kind == "meetings" else 9, "recurrence": DAILY}
    item = host.api.post(f"/users/me/{kind}", json=body).json()
    second = item["occurrences"][1]
    answer = host.api.patch(
        f"/{kind}/{item['id']}",
        params={"occurrence_id": second["occurrence_id"]},
        json={"start_time": "2030-01-02T15:00:00Z"},
    )
    assert answer.status_code == 204
    updated = payload_of(zoom_sandbox, f"{kind.removesuffix('s')}.updated")
    assert_operator(updated, host.user)
    assert updated["scope"] == "single"
    ids = {"id": item["id"], "uuid": item["uuid"]}
    occurrence_id = second["occurrence_id"]
    assert updated["object"] == {
        **ids,
        "occurrences": [{"occurrence_id": occurrence_id, "start_time": "2030-01-02T15:00:00Z"}],
    }
    assert updated["old_object"] == {
        **ids,
        "occurrences": [{"occurrence_id": occurrence_id, "start_time": second["start_time"]}],
    }


@pytest.mark.parametrize("kind", ["meetings", "webinars"])
def test_one_occurrence_deleted_sends_deleted_with_it(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver, kind: str
) -> None:
    """DELETE with occurrence_id sends a deleted event with operation "single" and the
    deleted occurrence in `object.occurrences`; the series stays
    (https://developers.zoom.us/docs/api/meetings/events/)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    body = {**MEETING, "type": 8 if kind == "meetings" else 9, "recurrence": DAILY}
    item = host.api.post(f"/users/me/{kind}", json=body).json()
    first = item["occurrences"][0]
    answer = host.api.delete(
        f"/{kind}/{item['id']}", params={"occurrence_id": first["occurrence_id"]}
    )
    assert answer.status_code == 204
    deleted = payload_of(zoom_sandbox, f"{kind.removesuffix('s')}.deleted")
    assert_operator(deleted, host.user)
    assert deleted["operation"] == "single"
    assert deleted["object"]["id"] == item["id"]
    assert deleted["object"]["occurrences"] == [{**first, "status": "deleted"}]
    assert host.api.get(f"/{kind}/{item['id']}").status_code == 200


def test_updated_events_can_say_operation(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Older published payloads name the updated event's single/all field `operation`
    (REFERENCE §4.5: dereekb/dbx-components, ExabeamLabs parsers); Zoom's current reference
    says `scope` (https://developers.zoom.us/docs/api/meetings/events/). A setting chooses."""
    assert zoom_sandbox.app()["updated_scope_field"] == "scope"
    bad = zoom_sandbox.control.put("/app", json={"updated_scope_field": "kind"})
    assert bad.status_code == 400
    assert "updated_scope_field" in bad.json()["error"]
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, updated_scope_field="operation")
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    zoom_sandbox.move_meeting_in_zoom(meeting["id"], duration=45)
    updated = payload_of(zoom_sandbox, "meeting.updated")
    assert updated["operation"] == "single"
    assert "scope" not in updated
