"""The queue's health when tasks go through RQ on Redis (SLOTLINK_TASK_BACKEND=rq), read
from RQ's own queue, registries and worker records: the same numbers the queue page and the
metrics show for the database queue."""

from datetime import UTC, datetime, timedelta
from typing import Any

from slotlink.core.queue_health import SILENT_AFTER, QueueStats, WorkerSeen

# Failures are read job by job (RQ keeps no time index of them): the newest this many.
FAILURES_READ = 500


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)  # RQ's older records are naive UTC


def _queue() -> Any:
    import django_rq
    from django_tasks_rq.backend import Job

    return django_rq.get_queue("default", job_class=Job)


def rq_queue_stats(*, now: datetime) -> QueueStats:
    from rq.job import Job

    queue = _queue()
    first = queue.get_job_ids(0, 1)  # (offset, length)
    oldest_job = queue.fetch_job(first[0]) if first else None
    enqueued_at = _aware(oldest_job.enqueued_at) if oldest_job else None
    failed_ids = queue.failed_job_registry.get_job_ids(-FAILURES_READ, -1)
    failed = [
        job
        for job in Job.fetch_many(failed_ids, connection=queue.connection)
        if job is not None and (_aware(job.ended_at) or now) >= now - timedelta(hours=1)
    ]
    return QueueStats(
        depth=queue.count,
        oldest_wait_seconds=max(0.0, (now - enqueued_at).total_seconds()) if enqueued_at else None,
        running=queue.started_job_registry.count,
        failed_last_hour=len(failed),
        scheduled=queue.scheduled_job_registry.count,
    )


def rq_workers_seen(*, now: datetime, since: datetime) -> list[WorkerSeen]:
    """RQ's workers of the queue that beat since `since`. RQ keeps its own heartbeats, and
    an idle RQ worker beats only about once per its TTL (7 minutes by default), so it is
    silent only when a TTL has passed without one."""
    from rq import Worker

    seen = []
    for worker in Worker.all(queue=_queue()):
        last = _aware(worker.last_heartbeat) or _aware(worker.birth_date)
        if last is None or last < since:
            continue
        seen.append(
            WorkerSeen(
                name=worker.name,
                host=worker.hostname or "",
                pid=worker.pid or 0,
                backend="rq",
                started_at=_aware(worker.birth_date) or last,
                last_seen_at=last,
                silent=now - last > max(SILENT_AFTER, timedelta(seconds=worker.worker_ttl)),
            )
        )
    return seen
