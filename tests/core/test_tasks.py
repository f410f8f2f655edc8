import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from slotlink.core.tasks import enqueue_on_commit
from tests.core.tasks_for_tests import write_marker

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def run_worker_until_idle() -> subprocess.CompletedProcess[str]:
    """Run the real `slotlink db_worker` on the test database until the queue is empty."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "SLOTLINK_MODE": "test", "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "slotlink", "db_worker", "--batch", "--no-startup-delay"],
        env=env,
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
        assert DBTaskResult.objects.count() == 0  # nothing before the commit
    assert DBTaskResult.objects.count() == 1
    run_worker_until_idle()
    assert marker.read_text() == "hello"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(tmp_path):
    """Work enqueued in a transaction that rolls back is never queued, so never runs."""
    marker = tmp_path / "ran.txt"

    def book_then_fail() -> None:
        with transaction.atomic():
            enqueue_on_commit(write_marker, str(marker), "should not happen")
            raise RuntimeError("the booking failed")

    with pytest.raises(RuntimeError):
        book_then_fail()
    assert DBTaskResult.objects.count() == 0
    run_worker_until_idle()
    assert not marker.exists()
