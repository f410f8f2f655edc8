"""Prometheus metrics: what slotlink counts as it works, and what `/metrics` reads at scrape.

Counters and histograms are prometheus_client's, each defined by the app that records it
(e.g. zoom/metrics.py), where the work happens: the web processes (webhooks) and the
workers (a provider's calls, syncs). Web and workers are separate processes, so a
deployment sets `PROMETHEUS_MULTIPROC_DIR` to a directory that every slotlink process on
the machine shares (`slotlink run` creates and empties `<data dir>/metrics`): each process
writes its samples there and `/metrics` sums them (prometheus_client's multiprocess mode,
chosen when that variable is set at start-up).

Gauges of shared state (the task queue, a provider's broken connections) are not counted
in any process: they are read from the database at scrape time by the collectors apps
register with `register_scrape_gauges`, so they are the same whichever web process answers.
"""

import os
from collections.abc import Callable, Iterable

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from slotlink.core.selectors import queue_stats, workers_seen

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

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
