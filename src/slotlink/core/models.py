"""Shared tables: when each periodic job last ran, so many schedulers run each job once."""

from django.db import models
from django.utils import timezone


class PeriodicJob(models.Model):
    """A periodic job's next due time. A scheduler claims a run by moving `next_run_at`
    forward in one conditional UPDATE, so with any number of schedulers (or machines)
    each run is enqueued once; a worker runs it holding `running_until`, so runs never
    overlap."""

    name = models.CharField(max_length=80, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    # Held while a worker runs the job, so no two runs overlap (see core/periodic.py).
    running_until = models.DateTimeField(null=True, blank=True)
    running_owner = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"


class WorkerHeartbeat(models.Model):
    """A task worker that said it is alive: the queue page lists those seen recently.

    Each worker process beats every few seconds (`worker_heartbeat`), whatever its
    backend (the database worker, RQ), so an operator sees which machines run workers and
    which stopped beating."""

    name = models.CharField(max_length=120, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    backend = models.CharField(max_length=40)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.name} on {self.host} (pid {self.pid})"


class MailClaim(models.Model):
    """A notice being emailed (core/mail.py): held by a lease from just before it goes to
    the mail server until the app marked it told, then deleted. One that stays without a
    lease is one the mail server refused: `refused_at` says when, `gave_up` whether its
    attempts are used up. A key with "/sent:" in it is one email of a notice to several
    readers that the server took, kept until the notice is told."""

    key = models.CharField(max_length=120, unique=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    refused_at = models.DateTimeField(null=True, blank=True)
    gave_up = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.key
