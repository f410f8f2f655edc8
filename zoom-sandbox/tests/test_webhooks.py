"""Webhooks to the app: Zoom's signature, deauthorization, meeting events, retries."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from datetime import datetime

import httpx

from sandbox_helpers import Connected, Received, WebhookReceiver
from zoom_sandbox.testing import ZoomSandbox

MEETING = {"topic": "Call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}


# Zoom's retry delays: 5, 20 and 60 minutes after the attempt before.
RETRY_DELAYS_SECONDS = [300, 1200, 3600]


def attempt_gaps_ms(attempts: list[dict]) -> list[float]:
    moments = [datetime.fromisoformat(a["at"].replace("Z", "+00:00")) for a in attempts]
    return [(b - a).total_seconds() * 1000 for a, b in itertools.pairwise(moments)]


def assert_scaled_schedule(attempts: list[dict], scale: float) -> None:
    """The sandbox waited Zoom's delays times `scale` before each retry, and the recorded
    attempts are at least that far apart. (A lower bound only: a slow machine makes the
    gaps longer, never shorter. `at` is cut to milliseconds, hence the 1 ms.)"""
    retries = [round(delay * scale, 3) for delay in RETRY_DELAYS_SECONDS]
    expected = [0, *retries[: len(attempts) - 1]]
    assert [a["waited_seconds"] for a in attempts] == expected
    for gap, waited in zip(attempt_gaps_ms(attempts), expected[1:], strict=True):
        assert gap >= waited * 1000 - 1, (gap, waited)


def wait_for(receiver: WebhookReceiver, count: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while len(receiver.received) < count:
        assert time.monotonic() < deadline, f"only {len(receiver.received)} webhooks arrived"
        time.sleep(0.02)


def wait_for_event(receiver: WebhookReceiver, event: str, timeout: float = 10) -> Received:
    """The first `event` the receiver got; others (such as meeting.created) may come too."""
    deadline = time.monotonic() + timeout
    while True:
        with receiver.lock:
            found = [r for r in receiver.received if r.json["event"] == event]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no {event} arrived"
        time.sleep(0.02)


def test_revoke_sends_a_signed_app_deauthorized(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """/oauth/revoke sends app_deauthorized, signed with the secret token like Zoom."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    httpx.post(
        zoom_sandbox.revoke_url,
        data={"token": host.tokens["access_token"]},
        auth=(zoom_sandbox.client_id, zoom_sandbox.client_secret),
    )
    wait_for(webhook_receiver, 1)
    received = webhook_receiver.received[0]
    assert received.signed_by(zoom_sandbox.webhook_secret_token)
    assert not received.signed_by("some other secret")
    assert received.headers["x-zm-signature"].startswith("v0=")
    # Seconds, not milliseconds.
    assert abs(int(received.headers["x-zm-request-timestamp"]) - time.time()) < 60
    assert received.headers["user-agent"] == "Zoom Marketplace/1.0a"
    event = received.json
    assert event["event"] == "app_deauthorized"
    payload = event["payload"]
    assert payload["user_id"] == host.user["id"]
    assert payload["account_id"] == host.user["account_id"]
    assert payload["client_id"] == zoom_sandbox.client_id
    assert payload["deauthorization_time"].endswith("Z")
    assert len(payload["signature"]) == 64


def test_deauthorization_can_go_to_its_own_url(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """A separate deauthorization URL receives app_deauthorized."""
    zoom_sandbox.configure_app(
        webhook_url="http://127.0.0.1:9/", deauthorization_url=webhook_receiver.url
    )
    zoom_sandbox.remove_app(host.user["id"])
    wait_for(webhook_receiver, 1)
    assert webhook_receiver.received[0].json["event"] == "app_deauthorized"


def test_retries_on_5xx_follow_the_scaled_schedule(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """A 5xx is retried after 5, 20 and 60 minutes, scaled; a 2xx ends the retries."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, webhook_retry_scale=0.0005)
    webhook_receiver.statuses = [500, 503]
    zoom_sandbox.remove_app(host.user["id"])
    delivery = zoom_sandbox.wait_for_webhooks(1)[0]
    assert delivery["state"] == "delivered"
    assert [a["status"] for a in delivery["attempts"]] == [500, 503, 200]
    assert len(webhook_receiver.received) == 3
    # After 5 minutes, then 20, scaled: 150 ms and 600 ms.
    assert_scaled_schedule(delivery["attempts"], 0.0005)
    # The same event each time, signed afresh.
    bodies = {r.body for r in webhook_receiver.received}
    assert len(bodies) == 1
    assert all(r.signed_by(zoom_sandbox.webhook_secret_token) for r in webhook_receiver.received)


def test_gives_up_after_three_retries(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Four failed attempts in all, then the event is dropped."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, webhook_retry_scale=0.0002)
    webhook_receiver.statuses = [500, 500, 500, 500, 500]
    zoom_sandbox.remove_app(host.user["id"])
    delivery = zoom_sandbox.wait_for_webhooks(1)[0]
    assert delivery["state"] == "failed"
    assert len(delivery["attempts"]) == 4
    # 5, 20 and 60 minutes, scaled: 60, 240 and 720 ms.
    assert_scaled_schedule(delivery["attempts"], 0.0002)


def test_4xx_is_not_retried(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Zoom does not retry 3xx or 4xx answers."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    webhook_receiver.statuses = [401]
    zoom_sandbox.remove_app(host.user["id"])
    delivery = zoom_sandbox.wait_for_webhooks(1)[0]
    assert (delivery["state"], len(delivery["attempts"])) == ("failed", 1)


def test_unreachable_endpoint_is_retried(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """No connection counts like a 5xx: retried, then dropped."""
    zoom_sandbox.configure_app(webhook_url="http://127.0.0.1:9/hook", webhook_retry_scale=0.0001)
    zoom_sandbox.remove_app(host.user["id"])
    delivery = zoom_sandbox.wait_for_webhooks(1)[0]
    assert delivery["state"] == "failed"
    assert len(delivery["attempts"]) == 4
    assert all(a["status"] is None for a in delivery["attempts"])


def test_no_webhook_url_skips_delivery(zoom_sandbox: ZoomSandbox, host: Connected) -> None:
    """Without a URL the event is recorded as skipped."""
    zoom_sandbox.configure_app(webhook_url="", deauthorization_url="")
    zoom_sandbox.remove_app(host.user["id"])
    assert zoom_sandbox.webhooks()[0]["state"] == "skipped"


def test_meeting_deleted_in_zoom(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """The host deleting a meeting "in Zoom" sends meeting.deleted with the meeting."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    zoom_sandbox.delete_meeting_in_zoom(meeting["id"])
    event = wait_for_event(webhook_receiver, "meeting.deleted").json
    assert isinstance(event["event_ts"], int)
    payload = event["payload"]
    assert payload["operator_id"] == host.user["id"]
    assert payload["operator"] == host.user["email"]
    assert payload["operation"] == "single"
    assert payload["object"]["id"] == meeting["id"]
    assert payload["object"]["uuid"] == meeting["uuid"]
    assert payload["object"]["host_id"] == host.user["id"]
    assert host.api.get(f"/meetings/{meeting['id']}").status_code == 404


def test_meeting_moved_in_zoom(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """The host moving a meeting "in Zoom" sends meeting.updated with old and new values."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    zoom_sandbox.move_meeting_in_zoom(meeting["id"], start_time="2030-01-02T11:00:00Z")
    payload = wait_for_event(webhook_receiver, "meeting.updated").json["payload"]
    assert payload["object"] == {
        "id": meeting["id"],
        "uuid": meeting["uuid"],
        "start_time": "2030-01-02T11:00:00Z",
    }
    assert payload["old_object"]["start_time"] == "2030-01-01T10:00:00Z"
    assert host.api.get(f"/meetings/{meeting['id']}").json()["start_time"] == (
        "2030-01-02T11:00:00Z"
    )


def test_api_change_events_off_quiets_the_apps_own_changes(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """With api_change_events off, only changes made "in Zoom" send events (a switch for
    tests that want the older, quieter sandbox; Zoom itself echoes the app's changes)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, api_change_events=False)
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    host.api.patch(f"/meetings/{meeting['id']}", json={"duration": 45})
    host.api.delete(f"/meetings/{meeting['id']}")
    assert zoom_sandbox.webhooks() == []
    meeting = host.api.post("/users/me/meetings", json=MEETING).json()
    zoom_sandbox.delete_meeting_in_zoom(meeting["id"])
    assert [d["event"] for d in zoom_sandbox.wait_for_webhooks(1)] == ["meeting.deleted"]


def test_webinar_deleted_in_zoom(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Webinars deleted in Zoom send webinar.deleted."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    webinar = host.api.post(
        "/users/me/webinars", json={"topic": "W", "start_time": "2030-01-01T10:00:00Z"}
    ).json()
    zoom_sandbox.control.delete(f"/webinars/{webinar['id']}")
    assert zoom_sandbox.wait_for_webhooks(1, event="webinar.deleted")[0]["event"] == (
        "webinar.deleted"
    )


def test_url_validation(zoom_sandbox: ZoomSandbox, webhook_receiver: WebhookReceiver) -> None:
    """endpoint.url_validation passes when the app answers with the HMAC of plainToken."""
    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    result = zoom_sandbox.control.post("/webhooks/validate").json()
    assert result["valid"] is True
    challenge = webhook_receiver.validations[-1]
    assert challenge.json["event"] == "endpoint.url_validation"
    assert challenge.signed_by(zoom_sandbox.webhook_secret_token)
    webhook_receiver.answer_validation_with = "wrong secret"
    assert zoom_sandbox.control.post("/webhooks/validate").json()["valid"] is False


def test_bodies_are_compact_json_signed_as_sent(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """Zoom sends compact JSON (no spaces, non-ASCII as UTF-8) and signs those exact bytes,
    so only the raw body verifies: a receiver that re-serialises the parsed body with
    Python's default json.dumps gets another signature
    (https://developers.zoom.us/docs/api/webhooks/)."""
    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    host.api.post("/users/me/meetings", json={**MEETING, "topic": "Café call"})
    received = wait_for_event(webhook_receiver, "meeting.created")
    for request in (received, webhook_receiver.wait_for_validations(1)[0]):
        body = request.body
        assert b", " not in body
        assert b": " not in body
        assert body == json.dumps(request.json, separators=(",", ":"), ensure_ascii=False).encode()
        assert request.signed_by(zoom_sandbox.webhook_secret_token)
    assert "Café call".encode() in received.body
    reserialised = json.dumps(received.json).encode()
    assert reserialised != received.body
    timestamp = received.headers["x-zm-request-timestamp"]
    secret = zoom_sandbox.webhook_secret_token.encode()
    message = f"v0:{timestamp}:".encode() + reserialised
    wrong = "v0=" + hmac.new(secret, message, hashlib.sha256).hexdigest()
    assert wrong != received.headers["x-zm-signature"]
