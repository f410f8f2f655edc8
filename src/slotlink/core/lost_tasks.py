"""Tasks a dead worker left RUNNING are marked failed, so the queue says what happened.

A worker killed mid-task (SIGKILL, a lost machine) never finishes the row django-tasks-db
marked RUNNING when it claimed the task. The work itself is not lost: meeting syncs, claimed
emails and periodic jobs hold leases that run out, and the sweeps hand them to another
worker. Only the row misleads: the queue page would count it running for ever. Once its
worker has not beaten (core/heartbeats.py) for `LOST_AFTER`, the row is marked FAILED with
`WorkerLost`. With another task backend (RQ) there are no such rows: RQ finds its own.
"""

import logging
from datetime import datetime, timedelta
from traceback import format_exception

from django.utils import timezone

from slotlink.core.models import WorkerHeartbeat
from slotlink.core.selectors import DATABASE_BACKEND, task_backend_path

log = logging.getLogger("slotlink.core")

# Workers beat every 5 s: one silent this long is gone.
LOST_AFTER = timedelta(minutes=2)


class WorkerLost(Exception):
    """The worker running the task stopped (killed, its machine lost) before it finished."""


def tasks_of_lost_workers_fail(
    *, now: datetime | None = None, silent_for: timedelta = LOST_AFTER
) -> list[str]:
    """Mark FAILED the RUNNING tasks whose worker has been silent for `silent_for`; their
    ids."""
    if task_backend_path() != DATABASE_BACKEND:
        return []
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    since = now - silent_for
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=since).values_list("name", flat=True)
    )
    failed = []
    for task_id, worker_ids in (
        DBTaskResult.objects.running().filter(started_at__lt=since).values_list("id", "worker_ids")
    ):
        worker = worker_ids[-1] if worker_ids else ""
        if worker in alive:
            continue
        lost = WorkerLost(f"Worker {worker!r} stopped before finishing this task.")
        # Only if still RUNNING: a worker that did finish meanwhile keeps its outcome.
        marked = DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback="".join(format_exception(lost)),
        )
        if marked:
            log.warning("core.task.worker-lost task=%s worker=%s", task_id, worker)
            failed.append(str(task_id))
    return failed
