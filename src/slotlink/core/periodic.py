"""Periodic work (Zoom's sweep and reconcile, ...), enqueued by `slotlink scheduler`.

Apps register their jobs in `AppConfig.ready`. The scheduler process wakes every few
seconds and, for each job that is due, claims its run with one conditional UPDATE of the
job's row (`next_run_at` moves forward only if it still holds the due time it read), then
enqueues the job's task. Two schedulers, on one machine or many, never enqueue one run
twice; the work itself happens in the workers, like any task.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django_tasks.base import Task

from slotlink.core.models import PeriodicJob

log = logging.getLogger("slotlink.core")


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
            next_run_at=now + job.every, last_run_at=now, runs=row.runs + 1
        )
        if won:
            job.task.enqueue()
            enqueued.append(job.name)
            log.info("core.periodic.enqueued job=%s", job.name)
    return enqueued
