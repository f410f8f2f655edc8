"""The queue page's numbers with RQ on Redis (SLOTLINK_TASK_BACKEND=rq): what waits, what is
due later, what failed and which workers live, read from RQ's own queue, registries and
worker records. CI's RQ run (.ci/run) runs this file; the database queue's numbers are
tested in test_queue.py."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from slotlink.core.selectors import queue_stats, workers_seen
from tests.core.tasks_for_tests import fail, write_marker
from tests.core.test_tasks import run_worker_until_idle
from tests.factories import make_user
from tests.fixtures.workers import WorkerProcess, worker_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.TASK_BACKEND != "rq",
        reason="RQ's numbers need the RQ backend: CI's RQ run (.ci/run) runs this file",
    ),
]


def test_rq_numbers_count_what_waits_what_is_due_later_and_what_failed(tmp_path):
    """Ready jobs are the depth and the oldest of them has waited; a job asked to run
    later is scheduled; after a real `slotlink rqworker` ran them, the one that raised
    counts as failed in the last hour."""
    for text in ("one", "two"):
        write_marker.enqueue(str(tmp_path / text), text)
    fail.enqueue("on purpose")
    write_marker.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue(
        str(tmp_path / "later"), "later"
    )
    # Read half a minute later: the oldest has waited that long (and the later one is
    # still not due).
    before = queue_stats(now=timezone.now() + timedelta(seconds=30))

    assert before is not None
    assert (before.depth, before.scheduled, before.running, before.failed_last_hour) == (
        3,
        1,
        0,
        0,
    )
    assert before.oldest_wait_seconds is not None
    assert before.oldest_wait_seconds >= 30
    run_worker_until_idle()
    after = queue_stats()
    assert after is not None
    assert (after.depth, after.scheduled, after.failed_last_hour) == (0, 1, 1)
    assert after.oldest_wait_seconds is None
    assert (tmp_path / "one").read_text() == "one"


def test_a_live_rq_worker_shows_on_the_queue_page():
    """RQ's record of a running worker is a worker seen recently, alive, on the page."""
    worker = WorkerProcess("rq-page-test", worker_env())
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            seen = [w for w in workers_seen() if w.name == "rq-page-test"]
            if seen:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the RQ worker never showed up: {''.join(worker.output)}")
        (shown,) = seen
        assert (shown.backend, shown.silent, shown.pid) == ("rq", False, worker.process.pid)
        staff = make_user(email="ops@example.test")
        staff.is_staff = True
        staff.save(update_fields=["is_staff"])
        client = Client()
        client.force_login(staff)
        page = client.get("/360/queue").content.decode()
        assert "rq-page-test" in page
        assert 'id="queue-depth">0<' in page
    finally:
        worker.stop()
