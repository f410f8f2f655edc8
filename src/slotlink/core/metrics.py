"""Prometheus metrics: what slotlink counts as it works, and what `/metrics` reads at scrape.

Counters and histograms are prometheus_client's, recorded where the work happens: the web
processes (webhooks) and the workers (Zoom calls, syncs). Web and workers are separate
processes, so a deployment sets `PROMETHEUS_MULTIPROC_DIR` to a directory that every
slotlink process on the machine shares (`slotlink run` creates and empties
`<data dir>/metrics`): each process writes its samples there and `/metrics` sums them
(prometheus_client's multiprocess mode, chosen when that variable is set at start-up).

Gauges of shared state (the task queue, broken Zoom connections) are not counted in any
process: they are read from the database at scrape time by the collectors apps register
with `register_scrape_gauges`, so they are the same whichever web process answers.
"""

import os
from collections.abc import Callable, Iterable

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from slotlink.core.selectors import queue_stats, workers_seen

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

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

BOOKINGS_REFUSED = Counter(
    "slotlink_bookings_refused",
    "Public bookings refused by a booking limit or a block, by which (scheduling/limits).",
    ["limit"],
)

ScrapeGauges = Callable[[], Iterable[GaugeMetricFamily]]
_scrape_gauges: list[ScrapeGauges] = []


def register_scrape_gauges(collect: ScrapeGauges) -> None:
    """Add gauges read at each scrape (from the database); apps call this in `ready`."""
    if collect not in _scrape_gauges:
        _scrape_gauges.append(collect)


def queue_gauges() -> Iterable[GaugeMetricFamily]:
    stats = queue_stats()
    if stats is not None:
        yield GaugeMetricFamily(
            "slotlink_task_queue_depth", "Tasks ready to run, waiting for a worker.", stats.depth
        )
        yield GaugeMetricFamily(
            "slotlink_task_queue_oldest_wait_seconds",
            "How long the longest-waiting ready task has waited (0 when none waits).",
            stats.oldest_wait_seconds or 0.0,
        )
        yield GaugeMetricFamily("slotlink_task_queue_running", "Tasks running now.", stats.running)
        yield GaugeMetricFamily(
            "slotlink_task_queue_scheduled",
            "Tasks waiting for a later time (retries after rate limits or outages).",
            stats.scheduled,
        )
        yield GaugeMetricFamily(
            "slotlink_task_failures_last_hour",
            "Tasks that failed in the last hour.",
            stats.failed_last_hour,
        )
    workers = workers_seen()
    yield GaugeMetricFamily(
        "slotlink_workers_alive",
        "Task workers seen alive (a db_worker beat in the last 30 s; an RQ worker within its TTL).",
        sum(1 for worker in workers if not worker.silent),
    )


class _ScrapeCollector(Collector):
    def collect(self) -> Iterable[GaugeMetricFamily]:
        for collect in [queue_gauges, *_scrape_gauges]:
            yield from collect()


def metrics_exposition() -> bytes:
    """Everything `/metrics` serves, in Prometheus' text format."""
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(_ScrapeCollector())
    return generate_latest(counted) + generate_latest(scraped)
