import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from slotlink.core.tasks import enqueue_on_commit
from tests.core.tasks_for_tests import write_marker
from tests.fixtures.task_queue import queued_tasks
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


def test_a_task_enqueued_in_a_committed_transaction_runs_in_the_worker(tmp_path):
    """Work enqueued on commit is picked up and run by the worker process."""
    marker = tmp_path / "ran.txt"
    with transaction.atomic():
        enqueue_on_commit(write_marker, str(marker), "hello")
        assert queued_tasks() == []  # nothing before the commit
    assert [task.name for task in queued_tasks()] == ["write_marker"]
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
