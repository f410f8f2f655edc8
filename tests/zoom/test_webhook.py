"""`/zoom/webhook`: signatures over the raw bytes, the status ladder, events stored once,
and `app_deauthorized` purging tokens and breaking connections."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from slotlink.zoom.models import SyncLogEntry, WebhookEvent, ZoomUser
from tests.fixtures.task_queue import queued_tasks
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import run_queued_tasks
from tests.zoom.factories import connected

PAYLOADS = Path(__file__).parent / "payloads"
URL = "/zoom/webhook"


def signed_headers(body: bytes, *, timestamp: int | None = None, secret: str | None = None):
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    key = (secret or settings.ZOOM_WEBHOOK_SECRET_TOKEN).encode()
    digest = hmac.new(key, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_ZM_REQUEST_TIMESTAMP": stamp, "HTTP_X_ZM_SIGNATURE": f"v0={digest}"}


def post(body: bytes, **headers: Any):
    return Client().post(URL, data=body, content_type="application/json", **headers)


def payload(name: str, **values: str) -> bytes:
    text = (PAYLOADS / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace(key, value)
    return text.strip().encode()


def test_the_url_validation_challenge_is_answered():
    """endpoint.url_validation gets plainToken back with its HMAC-SHA256 under the secret
    token, hex (REFERENCE §4.3, https://developers.zoom.us/docs/api/webhooks/)."""
    body = b'{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}'  # noqa: E501
    response = post(body, **signed_headers(body))
    assert response.status_code == 200
    expected = hmac.new(
        settings.ZOOM_WEBHOOK_SECRET_TOKEN.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256
    ).hexdigest()
    assert response.json() == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": expected,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"HTTP_X_ZM_REQUEST_TIMESTAMP": "1", "HTTP_X_ZM_SIGNATURE": "v0=00"}, 401),
        ("wrong-secret", 401),
        ("stale", 401),
        ("reserialised", 401),
    ],
)
def test_unsigned_wrongly_signed_stale_or_altered_bodies_get_401_and_change_nothing(
    headers, status
):
    """Only a signature by the secret token over these exact bytes, made within 5 minutes,
    passes; a body re-serialised after signing (spaces after separators) fails."""
    body = b'{"event":"app_deauthorized","payload":{"user_id":"u1"}}'
    if headers == "wrong-secret":
        headers = signed_headers(body, secret="not-the-secret")
    elif headers == "stale":
        headers = signed_headers(body, timestamp=int(time.time()) - 301)
    elif headers == "reserialised":
        headers = signed_headers(body)
        body = json.dumps(json.loads(body)).encode()
    assert post(body, **headers).status_code == status
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b'{"event":"x"}', b'{"payload":{}}'])
def test_a_signed_body_that_is_not_a_zoom_event_gets_400(body):
    """Signed but not an event (no `event` name or no `payload` object): 400, nothing kept."""
    assert post(body, **signed_headers(body)).status_code == 400
    assert not WebhookEvent.objects.exists()


def signed_with_stamp(body: bytes, stamp: str) -> dict[str, str]:
    key = settings.ZOOM_WEBHOOK_SECRET_TOKEN.encode()
    digest = hmac.new(key, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_ZM_REQUEST_TIMESTAMP": stamp, "HTTP_X_ZM_SIGNATURE": f"v0={digest}"}


@pytest.mark.django_db
@pytest.mark.parametrize("stamp", ["9" * 400, "1" + "0" * 30, "\u00b2\u00b3", "-1", "1e9"])
def test_a_signed_body_with_an_impossible_timestamp_gets_401(stamp):
    """Issue 19 (8): a 400-digit `x-zm-request-timestamp`, correctly signed, answered 500
    (OverflowError comparing it with now); any timestamp that is not epoch seconds is
    refused like a missing one, and nothing is kept."""
    body = b'{"event":"app_deauthorized","event_ts":1,"payload":{"user_id":"u1"}}'
    assert post(body, **signed_with_stamp(body, stamp)).status_code == 401
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # beyond Python's recursion limit: RecursionError
        b'{"event":"meeting.deleted","event_ts":1,"payload":{"object":'
        + b'{"a":' * 500
        + b"1"
        + b"}" * 500
        + b"}}",  # parses, but nests deeper than any Zoom event
    ],
)
def test_a_signed_deeply_nested_body_gets_400(body):
    """Issue 19 (8): deeply nested JSON answered 500 (RecursionError); it is not a Zoom
    event, so it gets 400 and nothing is kept."""
    assert post(body, **signed_headers(body)).status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_unknown_events_are_accepted_and_ignored():
    """Events slotlink does not handle get 204 and are not kept."""
    body = b'{"event":"recording.completed","event_ts":1,"payload":{"object":{}}}'
    assert post(body, **signed_headers(body)).status_code == 204
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_a_redelivered_event_is_stored_once(django_capture_on_commit_callbacks):
    """Zoom retries deliver the same event again (with a new signature); it is kept once
    and handled once."""
    body = payload("app_deauthorized__basic", USER_ID="nobody", CLIENT_ID="x", ACCOUNT_ID="a")
    with django_capture_on_commit_callbacks(execute=True):  # a queue told after the commit
        assert post(body, **signed_headers(body)).status_code == 204
        assert post(body, **signed_headers(body, timestamp=int(time.time()) + 1)).status_code == 204
    assert [t.name for t in queued_tasks()] == ["webhook_event_handle"]
    event = WebhookEvent.objects.get()
    assert event.deliveries == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "variant",
    [
        "app_deauthorized__basic",
        "app_deauthorized__event_ts_top_level",
        "app_deauthorized__user_data_retention",
    ],
)
def test_app_deauthorized_purges_tokens_and_breaks_every_connection_to_that_zoom_user(
    zoom: ZoomSandbox, member_membership, variant, django_capture_on_commit_callbacks
):
    """Every published shape of app_deauthorized (event_ts at the top or in the payload,
    with or without user_data_retention; REFERENCE §4.6) purges that Zoom user's tokens,
    marks the connection Connection broken, logs it, and emails the owner to reconnect."""
    connection, zoom_user = connected(zoom, member_membership)
    body = payload(
        variant,
        USER_ID=zoom_user["id"],
        ACCOUNT_ID=zoom_user["account_id"],
        CLIENT_ID=settings.ZOOM_CLIENT_ID,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post(body, **signed_headers(body)).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    run_queued_tasks()
    stored = ZoomUser.objects.get()
    assert (stored.status, stored.access_token, stored.refresh_token) == ("broken", "", "")
    assert "removed from this Zoom account in Zoom" in stored.last_error
    entry = SyncLogEntry.objects.get(action="webhook.app_deauthorized")
    assert (entry.organization_id, entry.connection_id) == (
        connection.organization_id,
        connection.id,
    )
    assert [m.to for m in mail.outbox] == [[member_membership.user.email]]
    # The plain-text part reads as written, not as HTML (`&gt;`).
    assert "(App Marketplace > Manage > Added Apps)" in mail.outbox[0].body


@pytest.mark.django_db
def test_another_apps_deauthorization_is_ignored(
    zoom: ZoomSandbox, member_membership, django_capture_on_commit_callbacks
):
    """A deauthorization naming another client id leaves slotlink's connection alone."""
    _connection, zoom_user = connected(zoom, member_membership)
    body = payload(
        "app_deauthorized__basic", USER_ID=zoom_user["id"], ACCOUNT_ID="a", CLIENT_ID="other"
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(body, **signed_headers(body))
    run_queued_tasks()
    assert ZoomUser.objects.get().status == "connected"
    assert WebhookEvent.objects.get().result == "ignored: another app's deauthorization"


@pytest.mark.django_db(transaction=True)
def test_removing_the_app_in_zoom_breaks_the_connection_through_the_real_webhook(
    zoom: ZoomSandbox, member_membership, live_server, settings
):
    """Marketplace > Added Apps > Remove in the sandbox: Zoom posts app_deauthorized to
    /zoom/webhook, and once the worker runs, the connection is broken and the owner
    emailed."""
    settings.BASE_URL = live_server.url
    zoom.configure_app(webhook_url=f"{live_server.url}/zoom/webhook")
    _connection, zoom_user = connected(zoom, member_membership)
    zoom.remove_app(zoom_user["id"])
    delivered = zoom.wait_for_webhooks(event="app_deauthorized")
    assert delivered[-1]["state"] == "delivered"
    run_queued_tasks()
    run_queued_tasks()
    assert ZoomUser.objects.get().status == "broken"
    assert [m.to for m in mail.outbox] == [[member_membership.user.email]]
