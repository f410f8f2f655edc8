"""Reading the task queue's health, for the queue page and the metrics.

The numbers come from django-tasks-db's table when the task backend is the database one
(what `slotlink db_worker` runs), or from RQ's registries in Redis (rq_queue.py).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from slotlink.core.models import WorkerHeartbeat
from slotlink.core.queue_health import SILENT_AFTER, QueueStats, WorkerSeen

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"
# A worker that beat within this long counts as seen recently (it beats every 5 s).
RECENT_WORKERS = timedelta(minutes=10)


def task_backend_path(alias: str = "default") -> str:
    return str(settings.TASKS.get(alias, {}).get("BACKEND", ""))


def queue_stats(*, now: datetime | None = None) -> QueueStats | None:
    """The queue's numbers, from the database queue or RQ's; None for another backend."""
    now = now or timezone.now()
    if task_backend_path() == RQ_BACKEND:
        from slotlink.core.rq_queue import rq_queue_stats

        return rq_queue_stats(now=now)
    if task_backend_path() != DATABASE_BACKEND:
        return None
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.ready()
    # A task enqueued to run later has waited since its `run_after`, not since enqueued.
    unscheduled = get_date_max()
    waiting_since = [
        ready.filter(run_after=unscheduled).aggregate(at=Min("enqueued_at"))["at"],
        ready.exclude(run_after=unscheduled).aggregate(at=Min("run_after"))["at"],
    ]
    oldest = min((at for at in waiting_since if at is not None), default=None)
    return QueueStats(
        depth=ready.count(),
        oldest_wait_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else None,
        running=DBTaskResult.objects.running().count(),
        failed_last_hour=DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(hours=1)
        ).count(),
        scheduled=DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=now)
        .exclude(run_after=unscheduled)
        .count(),
    )


def workers_seen(*, now: datetime | None = None) -> list[WorkerSeen]:
    """Workers that beat within the last ten minutes, most recently seen first: the
    heartbeats `slotlink db_worker` writes, and RQ's own records of its workers."""
    now = now or timezone.now()
    beats = WorkerHeartbeat.objects.filter(last_seen_at__gte=now - RECENT_WORKERS).order_by(
        "-last_seen_at"
    )
    seen = [
        WorkerSeen(
            name=beat.name,
            host=beat.host,
            pid=beat.pid,
            backend=beat.backend,
            started_at=beat.started_at,
            last_seen_at=beat.last_seen_at,
            silent=now - beat.last_seen_at > SILENT_AFTER,
        )
        for beat in beats
    ]
    if task_backend_path() == RQ_BACKEND:
        from slotlink.core.rq_queue import rq_workers_seen

        seen += rq_workers_seen(now=now, since=now - RECENT_WORKERS)
        seen.sort(key=lambda worker: worker.last_seen_at, reverse=True)
    return seen
