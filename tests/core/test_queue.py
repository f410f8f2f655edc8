"""The queue page: how much work waits and for how long, what failed, which workers live.
It is for the people who run the installation (staff), and in the demo for its admin."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.accounts.access import ADMIN_ONLY_MESSAGE, PLATFORM_STAFF_MESSAGE
from slotlink.core.heartbeats import worker_heartbeat
from slotlink.core.models import WorkerHeartbeat
from slotlink.core.selectors import queue_stats
from tests.core.tasks_for_tests import write_marker
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    user = make_user()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def enqueue(n: int) -> list[DBTaskResult]:
    return [
        DBTaskResult.objects.get(id=write_marker.enqueue("/dev/null", "x").id) for _ in range(n)
    ]


def test_queue_numbers_count_what_waits_runs_and_failed():
    """Depth counts ready tasks only; the oldest wait is the longest-waiting ready task's;
    a task due later is scheduled, not waiting; failures count for an hour."""
    now = timezone.now()
    waiting, running, failed, old_failure, later = enqueue(5)
    DBTaskResult.objects.filter(id=waiting.id).update(enqueued_at=now - timedelta(seconds=90))
    DBTaskResult.objects.filter(id=running.id).update(status="RUNNING")
    DBTaskResult.objects.filter(id=failed.id).update(
        status="FAILED", finished_at=now - timedelta(minutes=10)
    )
    DBTaskResult.objects.filter(id=old_failure.id).update(
        status="FAILED", finished_at=now - timedelta(hours=2)
    )
    DBTaskResult.objects.filter(id=later.id).update(run_after=now + timedelta(minutes=5))

    stats = queue_stats(now=now)

    assert stats is not None
    assert stats.depth == 1
    assert stats.oldest_wait_seconds == pytest.approx(90, abs=1)
    assert stats.running == 1
    assert stats.failed_last_hour == 1
    assert stats.scheduled == 1


def test_a_retry_has_waited_since_it_became_due():
    """A task enqueued an hour ago to run a minute ago has waited a minute, not an hour."""
    now = timezone.now()
    (retry,) = enqueue(1)
    DBTaskResult.objects.filter(id=retry.id).update(
        enqueued_at=now - timedelta(hours=1), run_after=now - timedelta(minutes=1)
    )
    stats = queue_stats(now=now)
    assert stats is not None
    assert stats.oldest_wait_seconds == pytest.approx(60, abs=1)


def test_an_empty_queue_has_no_oldest_wait():
    stats = queue_stats()
    assert stats is not None
    assert (stats.depth, stats.oldest_wait_seconds) == (0, None)


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_a_backend_slotlink_cannot_read_has_no_queue_numbers(staff_client):
    """A backend other than the database queue or RQ (whose numbers test_queue_rq.py
    tests): the page says to use its own tools instead of showing numbers."""
    assert queue_stats() is None
    page = staff_client.get("/360/queue").content.decode()
    assert "use the backend's own tools" in page
    assert "queue-depth" not in page


def test_staff_see_the_queue_and_the_workers_seen_recently(staff_client):
    enqueue(3)
    worker_heartbeat(name="worker-a", backend="database")
    silent = worker_heartbeat(name="worker-b", backend="database")
    WorkerHeartbeat.objects.filter(id=silent.id).update(
        last_seen_at=timezone.now() - timedelta(minutes=2)
    )
    gone = worker_heartbeat(name="worker-gone", backend="database")
    WorkerHeartbeat.objects.filter(id=gone.id).update(
        last_seen_at=timezone.now() - timedelta(hours=1)
    )

    page = staff_client.get("/360/queue")

    assert page.status_code == 200
    html = page.content.decode()
    assert '<td id="queue-depth">3</td>' in html
    assert "worker-a" in html
    assert "worker-b" in html
    assert "Silent" in html
    assert "worker-gone" not in html  # silent for over ten minutes: no longer listed


def test_staff_read_a_workers_times_in_their_zone_on_their_clock():
    """Staff in New York on a 12-hour clock read when a worker started there, under
    headers naming the zone: 01:30:15 UTC on 8 Dec is 8:30:15 PM on 7 Dec."""
    user = make_user(time_zone="America/New_York")
    user.is_staff = True
    user.time_format = "12"
    user.save()
    client = Client()
    client.force_login(user)
    worker = worker_heartbeat(name="worker-a", backend="database")
    WorkerHeartbeat.objects.filter(id=worker.id).update(
        started_at=datetime(2026, 12, 8, 1, 30, 15, tzinfo=UTC)
    )
    html = client.get("/360/queue").content.decode()
    assert "<th>Started (America/New_York)</th><th>Last seen (America/New_York)</th>" in html
    assert "2026-12-07, 8:30:15 PM" in html
    assert "1:30:15" not in html
    assert "(UTC)" not in html


def test_the_page_says_when_no_worker_runs(staff_client):
    page = staff_client.get("/360/queue")
    assert "No worker has been seen in the last 10 minutes" in page.content.decode()


def test_organization_admins_are_not_platform_staff(admin_client, member_client):
    """Outside the demo an organization's admin (or member) gets a 403 that says who may
    see the page: the queue holds every organization's work."""
    for client in (admin_client, member_client):
        page = client.get("/360/queue")
        assert page.status_code == 403
        assert PLATFORM_STAFF_MESSAGE in page.content.decode()
        assert ADMIN_ONLY_MESSAGE not in page.content.decode()


@override_settings(DEMO=True)
def test_in_the_demo_its_admin_sees_the_queue(admin_client, member_client):
    assert admin_client.get("/360/queue").status_code == 200
    assert member_client.get("/360/queue").status_code == 403


def test_the_queue_is_in_the_navigation_of_those_who_may_see_it(staff_client, admin_client):
    assert 'href="/360/queue"' in staff_client.get("/360/queue").content.decode()
    assert 'href="/360/queue"' not in admin_client.get("/360/members").content.decode()
