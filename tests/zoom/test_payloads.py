"""Every payload fixture (tests/zoom/payloads, each from Zoom's documented examples; its
README cites them) is posted to /zoom/webhook as it is, signed as Zoom signs, and does what
it must: an echo changes nothing, a meeting or webinar deleted or moved in Zoom shows and
its host is told once, an occurrence that is not slotlink's is ignored. Where Zoom's sources
differ (`object.id` a number or a string, `scope` or `operation` or neither, `start_time`
or not) every variant has a file, and each is taken."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from slotlink.zoom.models import WebhookEvent, ZoomMeeting, ZoomWebinar
from slotlink.zoom.timeparse import parse_time
from tests.fixtures.task_queue import queued_tasks
from tests.zoom.meeting_helpers import deliver, drain
from tests.zoom.test_webhook import post, signed_headers

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = Path(__file__).parent / "payloads"
# What each meeting and webinar fixture must do, given a row of slotlink's with its Zoom id.
EFFECTS = {
    "meeting_created__basic": "echo",
    "meeting_deleted__single": "removed",
    "meeting_deleted__no_operation": "removed",
    "meeting_deleted__id_string": "removed",
    "meeting_deleted__occurrence": "ignored",  # slotlink's meetings never recur
    "meeting_updated__scope": "moved",
    "meeting_updated__operation": "moved",
    "meeting_updated__settings_only": "echo",
    "meeting_updated__occurrence": "ignored",
    "webinar_created__basic": "echo",
    "webinar_updated__scope": "moved",
    "webinar_updated__occurrence": "moved",  # the session's occurrence of an attached webinar
    "webinar_deleted__single": "removed",
    "webinar_deleted__id_string": "removed",
    "webinar_deleted__occurrence": "removed",
}
# Run by tests/zoom/test_webhook.py with their ids filled in.
ELSEWHERE = {
    "app_deauthorized__basic",
    "app_deauthorized__event_ts_top_level",
    "app_deauthorized__user_data_retention",
}


def fixture(name: str) -> bytes:
    return (PAYLOADS / f"{name}.json").read_bytes().strip()


def test_every_fixture_file_is_run():
    """A fixture file without a test would prove nothing: each one has its expected effect
    here (or is run by the webhook tests), and the README cites each."""
    names = {path.stem for path in PAYLOADS.glob("*.json")}
    assert names == set(EFFECTS) | ELSEWHERE | {"endpoint_url_validation__basic"}
    readme = (PAYLOADS / "README.md").read_text()
    assert [name for name in sorted(names) if f"`{name}.json`" not in readme] == []


def test_the_documented_url_validation_is_answered():
    """endpoint.url_validation, as Zoom's webhooks page shows it (REFERENCE §4.3), gets its
    plainToken back with the token's HMAC-SHA256 under the secret token, hex."""
    body = fixture("endpoint_url_validation__basic")
    plain = json.loads(body)["payload"]["plainToken"]
    response = post(body, **signed_headers(body))
    assert response.status_code == 200
    secret = settings.ZOOM_WEBHOOK_SECRET_TOKEN.encode()
    encrypted = hmac.new(secret, plain.encode(), hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": plain, "encryptedToken": encrypted}


def _starts(payload: dict[str, Any]) -> tuple[str, str]:
    """The start the row had before the event, and the one the event reports now."""
    now = payload["object"]
    before = payload.get("old_object") or now
    occurrence = (before.get("occurrences") or [{}])[0]
    was = before.get("start_time") or occurrence.get("start_time") or "2021-07-13T21:44:51Z"
    moved = (now.get("occurrences") or [{}])[0].get("start_time") or now.get("start_time")
    return was, moved or was


def _row(name: str, payload: dict[str, Any], host_id: int, organization) -> Any:
    """slotlink's synced row for the fixture's Zoom id, at the start it had before."""
    was, _ = _starts(payload)
    common = {
        "organization": organization,
        "host_id": host_id,
        "topic": "Intro call",
        "start": parse_time(was),
        "duration_minutes": 60,
        "state": "synced",
        "synced_version": 1,
    }
    zoom_id = int(payload["object"]["id"])
    if name.startswith("webinar"):
        recurring = bool(payload["object"].get("occurrences"))
        return ZoomWebinar.objects.create(
            group_session_id=1,
            event_type_id=1,
            zoom_webinar_id=zoom_id,
            attached=recurring,
            **common,
        )
    return ZoomMeeting.objects.create(
        zoom_meeting_id=zoom_id,
        join_url=f"https://example.com/j/{zoom_id}",
        synced_start=parse_time(was),
        **common,
    )


@pytest.mark.parametrize("name", sorted(EFFECTS))
def test_each_documented_meeting_and_webinar_event_does_what_it_must(
    name, member_membership, organization
):
    """Each fixture, posted as Zoom would, has its effect on the row whose Zoom id it names:
    echoes and occurrences that are not slotlink's change nothing and run no task; a
    deletion records "removed in Zoom", a move "moved in Zoom" to the reported start; the
    host is emailed once about either."""
    body = fixture(name)
    payload = json.loads(body)["payload"]
    row = _row(name, payload, member_membership.user_id, organization)
    before = type(row).objects.values().get(pk=row.pk)
    assert deliver(body) == 204
    effect = EFFECTS[name]
    (event,) = WebhookEvent.objects.all()
    if effect in ("echo", "ignored"):
        assert queued_tasks() == []
        assert event.handled_at is not None
        assert effect in event.result
        assert type(row).objects.values().get(pk=row.pk) == before
        return
    drain()
    row.refresh_from_db()
    assert WebhookEvent.objects.get().handled_at is not None
    assert row.drift == effect
    if effect == "moved":
        assert row.drift_start == parse_time(_starts(payload)[1])
        assert row.drift_start != row.start
    notices = [m.to for m in mail.outbox if "needs your attention" in m.subject]
    assert notices == [[member_membership.user.email]]
    assert deliver(body) == 204  # Zoom's redelivery: stored once, told once
    drain()
    assert [m.to for m in mail.outbox if "needs your attention" in m.subject] == notices
