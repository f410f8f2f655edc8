"""Periodic work (Zoom's sweep and reconcile, the email sweep...), enqueued by
`slotlink scheduler`.

Apps register their jobs in `AppConfig.ready`. The scheduler process wakes every few
seconds and, for each job that is due, claims its run with one conditional UPDATE of the
job's row (`next_run_at` moves forward only if it still holds the due time it read), then
enqueues `periodic_run` for it. Two schedulers, on one machine or many, never enqueue one
run twice. The work itself happens in the workers, like any task, under a lease on the
job's row (`running_until`): a run that finds the previous one still going (a slow Zoom,
a backed-up queue handing two runs to two workers) skips, so no job ever runs twice at
once anywhere; a lease left by a worker that died runs out.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from slotlink.core.models import PeriodicJob

log = logging.getLogger("slotlink.core")

# How long one run may take before another may start: longer than any job's work.
RUN_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: Task[Any, Any]


_jobs: dict[str, Job] = {}


def register_periodic(name: str, *, every: timedelta, task: Task[Any, Any]) -> None:
    _jobs[name] = Job(name=name, every=every, task=task)


def periodic_jobs() -> list[Job]:
    return list(_jobs.values())


def _every(job: Job) -> timedelta:
    """The job's period; PERIODIC_EVERY (seconds by job name) overrides it."""
    seconds = settings.PERIODIC_EVERY.get(job.name)
    return job.every if seconds is None else timedelta(seconds=seconds)


def periodic_run_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every due job this scheduler wins; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in _jobs.values():
        row = PeriodicJob.objects.filter(name=job.name).first()
        if row is None:
            try:
                row = PeriodicJob.objects.create(name=job.name, next_run_at=now)
            except IntegrityError:
                row = PeriodicJob.objects.get(name=job.name)
        if row.next_run_at > now:
            continue
        won = PeriodicJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=now + _every(job), last_run_at=now, runs=row.runs + 1
        )
        if won:
            periodic_run.enqueue(job.name)
            enqueued.append(job.name)
            log.info("core.periodic.enqueued job=%s", job.name)
    return enqueued


def periodic_job_run(*, name: str) -> bool:
    """Run the job's work here, unless a run of it holds the job's lease; whether it ran."""
    job = _jobs.get(name)
    if job is None:
        log.warning("core.periodic.unknown job=%s", name)
        return False
    owner = uuid.uuid4().hex
    now = timezone.now()
    free = Q(running_until__isnull=True) | Q(running_until__lt=now)
    taken = PeriodicJob.objects.filter(Q(name=name) & free).update(
        running_until=now + RUN_LEASE, running_owner=owner
    )
    if not taken:
        log.info("core.periodic.busy job=%s", name)
        return False
    try:
        job.task.call()
    finally:
        PeriodicJob.objects.filter(name=name, running_owner=owner).update(
            running_until=None, running_owner=""
        )
    return True


@task()
def periodic_run(name: str) -> None:
    periodic_job_run(name=name)
