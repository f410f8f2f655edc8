"""Tasks a dead worker left RUNNING run again elsewhere, so nothing is lost with a worker.

A worker killed mid-task (SIGKILL, a lost machine) never finishes the row django-tasks-db
marked RUNNING when it claimed the task. Once that worker has not beaten
(core/heartbeats.py) for `LOST_AFTER`, the task goes back in the queue for another worker:
every task is safe to run again (meeting syncs and emails hold leases and claims, the rest
only look and then act). A task whose workers died `MAX_CLAIMS` times (one that kills its
worker, say) is marked FAILED with `WorkerLost` instead, for a person to look at. With
another task backend (RQ) there are no such rows: RQ finds its own abandoned jobs.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from traceback import format_exception

from django.utils import timezone

from slotlink.core.models import WorkerHeartbeat
from slotlink.core.selectors import DATABASE_BACKEND, task_backend_path

log = logging.getLogger("slotlink.core")

# Workers beat every 5 s: one silent this long is gone.
LOST_AFTER = timedelta(minutes=2)
MAX_CLAIMS = 3


class WorkerLost(Exception):
    """The workers running the task stopped (killed, their machine lost) before it finished."""


@dataclass(frozen=True)
class Recovered:
    requeued: list[str] = field(default_factory=list)  # task ids, back in the queue
    failed: list[str] = field(default_factory=list)  # task ids, given up on


def lost_tasks_recover(
    *, now: datetime | None = None, silent_for: timedelta = LOST_AFTER
) -> Recovered:
    """Put back in the queue (or, after `MAX_CLAIMS` lost workers, mark failed) the RUNNING
    tasks whose worker has been silent for `silent_for`."""
    recovered = Recovered()
    if task_backend_path() != DATABASE_BACKEND:
        return recovered
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    since = now - silent_for
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=since).values_list("name", flat=True)
    )
    running = DBTaskResult.objects.running().filter(started_at__lt=since)
    for task_id, worker_ids in running.values_list("id", "worker_ids"):
        worker = worker_ids[-1] if worker_ids else ""
        if worker in alive:
            continue
        # Only if still RUNNING: a worker that did finish meanwhile keeps its outcome.
        still_running = DBTaskResult.objects.filter(id=task_id, status="RUNNING")
        if len(worker_ids) < MAX_CLAIMS:
            if still_running.update(status="READY", started_at=None):
                log.warning("core.task.worker-lost task=%s worker=%s requeued", task_id, worker)
                recovered.requeued.append(str(task_id))
            continue
        lost = WorkerLost(f"Workers {', '.join(worker_ids)} stopped before finishing this task.")
        marked = still_running.update(
            status="FAILED",
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback="".join(format_exception(lost)),
        )
        if marked:
            log.error("core.task.worker-lost task=%s worker=%s failed", task_id, worker)
            recovered.failed.append(str(task_id))
    return recovered
