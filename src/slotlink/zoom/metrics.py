"""Zoom's metrics: the counters its code records, and its gauges read at scrape time."""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

from slotlink.zoom.models import ZoomConnection, ZoomUser

# Seconds, from a fast local Zoom call to a sync that waited out Zoom's timeout twice.
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)
# Booking committed → join link stored: seconds normally, minutes while Zoom is down.
TIME_TO_LINK_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600)

ZOOM_CALLS = Counter(
    "slotlink_zoom_calls",
    "Calls to Zoom's API and OAuth endpoints, by sync-log action and outcome.",
    ["endpoint", "outcome"],
)
ZOOM_CALL_SECONDS = Histogram(
    "slotlink_zoom_call_duration_seconds",
    "How long each call to Zoom took, by sync-log action.",
    ["endpoint"],
    buckets=DURATION_BUCKETS,
)
ZOOM_SYNC_SECONDS = Histogram(
    "slotlink_zoom_sync_duration_seconds",
    "How long one run of a meeting's or webinar's sync task took.",
    ["kind"],
    buckets=DURATION_BUCKETS,
)
TIME_TO_LINK_SECONDS = Histogram(
    "slotlink_time_to_link_seconds",
    "From the booking's Zoom meeting being wanted (the booking's commit) to its join link "
    "being stored.",
    buckets=TIME_TO_LINK_BUCKETS,
)
WEBHOOK_EVENTS = Counter(
    "slotlink_zoom_webhook_events",
    "Zoom event notifications received at /zoom/webhook, by event and outcome.",
    ["event", "outcome"],
)


def zoom_call_observe(*, action: str, outcome: str, seconds: float) -> None:
    ZOOM_CALLS.labels(endpoint=action, outcome=outcome).inc()
    ZOOM_CALL_SECONDS.labels(endpoint=action).observe(seconds)


@contextmanager
def sync_timed(kind: str) -> Iterator[None]:
    """Time one run of a sync task (`kind`: meeting or webinar), however it ends."""
    started = time.monotonic()
    try:
        yield
    finally:
        ZOOM_SYNC_SECONDS.labels(kind=kind).observe(time.monotonic() - started)


def link_ready_observe(*, wanted_at: datetime, ready_at: datetime) -> None:
    TIME_TO_LINK_SECONDS.observe(max(0.0, (ready_at - wanted_at).total_seconds()))


def webhook_event_observe(*, event: str, outcome: str) -> None:
    WEBHOOK_EVENTS.labels(event=event, outcome=outcome).inc()


def zoom_gauges() -> Iterable[GaugeMetricFamily]:
    yield GaugeMetricFamily(
        "slotlink_zoom_connections_broken",
        "Zoom connections whose Zoom user's authorization is broken (the owner must reconnect).",
        ZoomConnection.objects.filter(zoom_user__status=ZoomUser.Status.BROKEN).count(),
    )
    yield GaugeMetricFamily(
        "slotlink_zoom_connections",
        "Zoom connections of every organization.",
        ZoomConnection.objects.count(),
    )
