"""Zoom's metrics are counted where the work happens: each call to Zoom by endpoint and
outcome, each sync's duration, each booking's time to link, each webhook event; broken
connections are read at scrape time."""

from __future__ import annotations

import json
import time

import pytest
from django.db import transaction
from django.test import Client
from prometheus_client import REGISTRY

from slotlink.core.metrics import metrics_exposition
from slotlink.zoom.connections import zoom_user_break
from slotlink.zoom.models import ZoomUser
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book
from tests.zoom.meeting_helpers import ZoomHost, deliver, drain, meeting_of

pytestmark = pytest.mark.django_db(transaction=True)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_booking_counts_its_zoom_calls_sync_and_time_to_link(zoom: ZoomSandbox, host: ZoomHost):
    creates = sample("slotlink_zoom_calls_total", endpoint="meeting.create", outcome="ok")
    timed = sample("slotlink_zoom_call_duration_seconds_count", endpoint="meeting.create")
    syncs = sample("slotlink_zoom_sync_duration_seconds_count", kind="meeting")
    links = sample("slotlink_time_to_link_seconds_count")

    booking = book(host.event_type)
    drain()

    assert meeting_of(booking).join_url
    assert sample("slotlink_zoom_calls_total", endpoint="meeting.create", outcome="ok") == (
        creates + 1
    )
    assert sample("slotlink_zoom_call_duration_seconds_count", endpoint="meeting.create") == (
        timed + 1
    )
    assert sample("slotlink_zoom_sync_duration_seconds_count", kind="meeting") >= syncs + 1
    assert sample("slotlink_time_to_link_seconds_count") == links + 1


def test_a_refused_call_counts_with_its_outcome(zoom: ZoomSandbox, host: ZoomHost):
    """Zoom's answer decides the outcome label: deleting a meeting Zoom doesn't have is
    `not_found`."""
    from slotlink.zoom import endpoints
    from slotlink.zoom.errors import ZoomNotFound
    from slotlink.zoom.synclog import CallContext
    from slotlink.zoom.tokens import with_access_token

    labels = {"endpoint": "meeting.delete", "outcome": "not_found"}
    before = sample("slotlink_zoom_calls_total", **labels)
    with pytest.raises(ZoomNotFound):
        with_access_token(
            zoom_user_id=host.connection.zoom_user_id,
            context=CallContext(),
            call=lambda token, context: endpoints.meeting_delete(
                access_token=token, context=context, meeting_id=1
            ),
        )
    assert sample("slotlink_zoom_calls_total", **labels) == before + 1


def test_webhook_events_count_by_event_and_outcome():
    event = {
        "event": "meeting.deleted",
        "event_ts": 1,
        "payload": {"account_id": "a", "object": {"id": 123456789, "uuid": "u=="}},
    }
    stored = sample("slotlink_zoom_webhook_events_total", event="meeting.deleted", outcome="stored")
    again = sample(
        "slotlink_zoom_webhook_events_total", event="meeting.deleted", outcome="redelivered"
    )
    refused = sample("slotlink_zoom_webhook_events_total", event="unknown", outcome="refused_401")

    assert deliver(event) == 204
    assert deliver(event) == 204
    forged = Client().post(
        "/zoom/webhook",
        data=json.dumps(event),
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=str(int(time.time())),
        HTTP_X_ZM_SIGNATURE="v0=" + "0" * 64,
    )
    assert forged.status_code == 401

    assert (
        sample("slotlink_zoom_webhook_events_total", event="meeting.deleted", outcome="stored")
        == stored + 1
    )
    assert (
        sample("slotlink_zoom_webhook_events_total", event="meeting.deleted", outcome="redelivered")
        == again + 1
    )
    assert (
        sample("slotlink_zoom_webhook_events_total", event="unknown", outcome="refused_401")
        == refused + 1
    )


def test_broken_connections_are_read_at_scrape_time(zoom: ZoomSandbox, host: ZoomHost):
    assert "slotlink_zoom_connections_broken 0.0" in metrics_exposition().decode()
    with transaction.atomic():
        zoom_user = ZoomUser.objects.select_for_update().get(id=host.connection.zoom_user_id)
        zoom_user_break(zoom_user=zoom_user, reason="removed in Zoom")
    scraped = metrics_exposition().decode()
    assert "slotlink_zoom_connections_broken 1.0" in scraped
    assert "slotlink_zoom_connections 1.0" in scraped
