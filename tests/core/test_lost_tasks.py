"""Tasks a dead worker left RUNNING are marked failed once it has stopped beating; those of
live workers, and those just started, are left alone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.core.lost_tasks import tasks_of_lost_workers_fail
from slotlink.core.models import WorkerHeartbeat
from tests.core.tasks_for_tests import write_marker

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.TASK_BACKEND != "db", reason="the rows are django-tasks-db's; RQ keeps its own"
    ),
]


def running(worker: str, *, started_ago: timedelta) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=write_marker.enqueue("/dev/null", worker).id)
    result.claim(worker)
    DBTaskResult.objects.filter(id=result.id).update(started_at=timezone.now() - started_ago)
    return result


def test_the_tasks_of_a_worker_that_stopped_beating_are_marked_failed():
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="alive", host="a", pid=1, backend="database")
    WorkerHeartbeat.objects.create(
        name="killed", host="b", pid=2, backend="database", last_seen_at=now - timedelta(minutes=5)
    )
    of_the_killed = running("killed", started_ago=timedelta(minutes=6))
    of_a_stranger = running("never-beat", started_ago=timedelta(minutes=6))
    of_the_living = running("alive", started_ago=timedelta(minutes=6))
    just_started = running("killed", started_ago=timedelta(seconds=5))  # a beat may be due

    failed = tasks_of_lost_workers_fail(now=now)

    assert sorted(failed) == sorted([str(of_the_killed.id), str(of_a_stranger.id)])
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses[of_the_killed.id] == "FAILED"
    assert statuses[of_the_living.id] == "RUNNING"
    assert statuses[just_started.id] == "RUNNING"
    lost = DBTaskResult.objects.get(id=of_the_killed.id)
    assert lost.exception_class_path == "slotlink.core.lost_tasks.WorkerLost"
    assert "'killed' stopped before finishing" in lost.traceback
    assert tasks_of_lost_workers_fail(now=now) == []  # once
