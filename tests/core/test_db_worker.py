"""`slotlink db_worker` runs several tasks at once, each in its own thread, and otherwise
behaves as django-tasks-db's worker: a batch ends when the queue is empty and nothing is
running, and --max-tasks stops it after that many."""

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.core.management.commands.db_worker import ThreadedWorker, in_turn
from tests.core.tasks_for_tests import (
    BARRIERS,
    enqueue_marker,
    meet,
    write_marker,
    write_niceness,
)
from tests.fixtures.workers import worker_env

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def worker(*, threads: int, max_tasks: int | None = None) -> ThreadedWorker:
    return ThreadedWorker(
        threads=threads,
        queue_names=["default"],
        interval=0.01,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_a_worker_with_threads_runs_its_tasks_at_the_same_time(tmp_path):
    """Four tasks that can only finish together (they meet at one barrier) all succeed
    with four threads: a worker running one at a time could never finish the first."""
    BARRIERS["four"] = threading.Barrier(4)
    markers = [tmp_path / f"{n}.txt" for n in range(4)]
    for marker in markers:
        meet.enqueue("four", str(marker))
    worker(threads=4).run()
    assert [marker.read_text() for marker in markers] == ["met"] * 4
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_batch_waits_for_the_tasks_that_running_tasks_enqueue(tmp_path):
    """The queue is empty while the first task runs, but the batch goes on to the task it
    enqueued."""
    marker = tmp_path / "second.txt"
    enqueue_marker.enqueue(str(marker), "second")
    worker(threads=2).run()
    assert marker.read_text() == "second"
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_max_tasks_stops_the_worker_after_that_many(tmp_path):
    for n in range(3):
        write_marker.enqueue(str(tmp_path / f"{n}.txt"), "ran")
    worker(threads=2, max_tasks=2).run()
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "READY",
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]


def test_one_thread_is_django_tasks_db_worker(tmp_path):
    marker = tmp_path / "one.txt"
    write_marker.enqueue(str(marker), "one")
    worker(threads=1).run()
    assert marker.read_text() == "one"


def test_tasks_are_taken_in_the_order_they_became_due(tmp_path):
    """A task asked to wait (a retry, a confirmation's bound) takes its turn from when it
    came due: it does not jump ahead of work enqueued before then, as django-tasks-db's own
    order (by run_after, with "now" held as the far future) would have it."""
    now = timezone.now()
    backlog = write_marker.enqueue(str(tmp_path / "backlog"), "waiting since 10 s ago")
    DBTaskResult.objects.filter(id=backlog.id).update(enqueued_at=now - timedelta(seconds=10))
    came_due = write_marker.using(run_after=now - timedelta(seconds=5)).enqueue(
        str(tmp_path / "due"), "due since 5 s ago"
    )
    newest = write_marker.enqueue(str(tmp_path / "new"), "enqueued now")
    ready = DBTaskResult.objects.ready()
    assert [str(task.id) for task in ready][:1] == [came_due.id]  # django-tasks-db's order
    assert [str(task.id) for task in in_turn(ready)] == [backlog.id, came_due.id, newest.id]
    claimed = worker(threads=2)._claim(1)[0]
    assert [str(task.id) for task in claimed] == [backlog.id]


def test_a_niced_worker_runs_its_tasks_at_the_lower_priority(tmp_path):
    """`--nice N` lowers the worker's CPU priority before its threads start, so the tasks
    run niced too (`slotlink run` starts its worker with 10, below the web processes)."""
    marker = tmp_path / "niceness"
    write_niceness.enqueue(str(marker))
    subprocess.run(
        [sys.executable, "-m", "slotlink", "db_worker", "--batch", "--threads=2", "--nice=7"],
        env=worker_env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert int(marker.read_text()) == os.nice(0) + 7
    refused = subprocess.run(
        [sys.executable, "-m", "slotlink", "db_worker", "--batch", "--nice=25"],
        env=worker_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode != 0
    assert "must be 0 to 19" in refused.stderr


def test_a_stop_signal_while_the_worker_counts_its_tasks_stops_it():
    """SIGTERM's handler runs in the main thread wherever that thread is, also while it holds
    the lock of the worker's count of running tasks: with none running, the worker exits
    at once instead of waiting forever for a lock its own thread holds."""
    stopping = worker(threads=4)
    exit_codes: list[object] = []

    def main_thread_counting() -> None:
        with stopping._lock:  # as run() holds it to count the tasks it claimed
            try:
                stopping.shutdown(signal.SIGTERM, None)
            except SystemExit as exit:
                exit_codes.append(exit.code)

    counting = threading.Thread(target=main_thread_counting, daemon=True)
    counting.start()
    counting.join(timeout=60)  # a bail-out: a deadlocked handler never returns
    assert exit_codes == [0]
    assert not stopping.running
