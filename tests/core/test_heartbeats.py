"""Workers beat: one row per worker, moved on while it lives."""

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from slotlink.core.heartbeats import worker_heartbeat
from slotlink.core.models import WorkerHeartbeat
from tests.fixtures.workers import database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_heartbeat_records_the_worker_and_moves_on():
    first = worker_heartbeat(name="w1", backend="database")
    assert (first.host, first.pid, first.backend) == (socket.gethostname(), os.getpid(), "database")
    WorkerHeartbeat.objects.filter(id=first.id).update(
        last_seen_at=first.last_seen_at - timedelta(seconds=30)
    )
    again = worker_heartbeat(name="w1", backend="database")
    assert again.id == first.id
    assert again.started_at == first.started_at
    assert again.last_seen_at > first.last_seen_at - timedelta(seconds=30)
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.django_db
def test_a_new_worker_clears_the_rows_of_workers_silent_for_a_day():
    old = worker_heartbeat(name="old", backend="database")
    WorkerHeartbeat.objects.filter(id=old.id).update(
        last_seen_at=timezone.now() - timedelta(days=2)
    )
    worker_heartbeat(name="new", backend="rq")
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["new"]


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_slotlink_db_worker_beats_while_it_runs():
    """A real `slotlink db_worker` process appears as a worker within seconds, named by
    its worker id, with its own pid."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "slotlink", "db_worker", "--worker-id=beating-worker"],
        cwd=ROOT,
        env={
            **os.environ,
            "SLOTLINK_MODE": "test",
            "DATABASE_URL": database_url(),
            "PYTHONPATH": str(ROOT),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        beat = None
        while beat is None and time.monotonic() < deadline:
            beat = WorkerHeartbeat.objects.filter(name="beating-worker").first()
            time.sleep(0.2)
        assert beat is not None, "the worker never beat"
        assert beat.pid == worker.pid
        assert beat.backend == "database"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
