"""What the queue page and the metrics say about the task queue, whichever backend runs it
(the readers are selectors.py and, for RQ, rq_queue.py)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

# A worker that has not beaten for this long is listed as silent: stopped, stuck or killed.
SILENT_AFTER = timedelta(seconds=30)


@dataclass(frozen=True)
class QueueStats:
    depth: int  # tasks ready to run now, waiting for a worker
    oldest_wait_seconds: float | None  # how long the longest-waiting of them has waited
    running: int
    failed_last_hour: int
    scheduled: int  # tasks waiting for a later time (retries, rate limits)


@dataclass(frozen=True)
class WorkerSeen:
    name: str
    host: str
    pid: int
    backend: str
    started_at: datetime
    last_seen_at: datetime
    silent: bool
