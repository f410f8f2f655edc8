"""Zoom's metrics: the counters its code records, and its gauges read at scrape time."""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily

from slotlink.core.metrics import (
    TIME_TO_LINK_SECONDS,
    WEBHOOK_EVENTS,
    ZOOM_CALL_SECONDS,
    ZOOM_CALLS,
    ZOOM_SYNC_SECONDS,
)
from slotlink.zoom.models import ZoomConnection, ZoomUser


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
