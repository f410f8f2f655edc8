import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from slotlink.core.tasks import enqueue_on_commit
from tests.core.tasks_for_tests import write_marker
from tests.fixtures.task_queue import queued_tasks, uses_rq
from tests.fixtures.workers import worker_command, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def run_worker_until_idle() -> subprocess.CompletedProcess[str]:
    """Run the real worker of this run's task backend (`slotlink db_worker`, or `slotlink
    rqworker` with RQ) on the test database until the queue is empty."""
    return subprocess.run(
        [sys.executable, "-m", "slotlink", *worker_command("tests", until_idle=True)],
        env=worker_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def queued_as_a_worker_sees_it() -> list[str]:
    """The names of the queued tasks, read on a connection of its own, as a worker would."""
    seen: list[str] = []

    def read() -> None:
        try:
            seen.extend(task.name for task in queued_tasks())
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return seen


def test_a_task_enqueued_in_a_committed_transaction_runs_in_the_worker(tmp_path):
    """Work enqueued in a transaction is seen by workers only once it commits; the worker
    process then picks it up and runs it."""
    marker = tmp_path / "ran.txt"
    with transaction.atomic():
        enqueue_on_commit(write_marker, str(marker), "hello")
        assert queued_as_a_worker_sees_it() == []  # nothing before the commit
    assert queued_as_a_worker_sees_it() == ["write_marker"]
    run_worker_until_idle()
    assert marker.read_text() == "hello"
    assert queued_tasks() == []


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(tmp_path):
    """Work enqueued in a transaction that rolls back is never queued, so never runs."""
    marker = tmp_path / "ran.txt"

    def book_then_fail() -> None:
        with transaction.atomic():
            enqueue_on_commit(write_marker, str(marker), "should not happen")
            raise RuntimeError("the booking failed")

    with pytest.raises(RuntimeError):
        book_then_fail()
    assert queued_tasks() == []
    run_worker_until_idle()
    assert not marker.exists()


@pytest.mark.skipif(uses_rq(), reason="RQ's queue is in Redis, told after the commit")
def test_the_database_queue_writes_the_task_in_the_transaction_that_needs_it():
    """On the database queue the task's row is written inside the transaction, unseen by
    workers until the COMMIT: the work and the data it needs commit together (no crash
    between the two can lose the task), and the request makes no second write for it."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "hello")
        enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "again")
        assert DBTaskResult.objects.count() == 2  # written, in this transaction
        assert queued_as_a_worker_sees_it() == []
    assert queued_as_a_worker_sees_it() == ["write_marker", "write_marker"]
