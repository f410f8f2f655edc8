"""Tasks a dead worker left RUNNING go back in the queue once it has stopped beating, and
run again; a task whose workers keep dying is marked failed instead. Those of live
workers, and those just started, are left alone."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.core.lost_tasks import MAX_CLAIMS, lost_tasks_recover
from slotlink.core.models import WorkerHeartbeat
from tests.core.tasks_for_tests import write_marker
from tests.fixtures.task_queue import run_ready_tasks

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.TASK_BACKEND != "db", reason="the rows are django-tasks-db's; RQ keeps its own"
    ),
]


def running(path: Path, *workers: str, started_ago: timedelta) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=write_marker.enqueue(str(path), "ran").id)
    for worker in workers:
        result.claim(worker)
    DBTaskResult.objects.filter(id=result.id).update(started_at=timezone.now() - started_ago)
    return result


def test_the_tasks_of_a_worker_that_stopped_beating_run_again(tmp_path):
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="alive", host="a", pid=1, backend="database")
    WorkerHeartbeat.objects.create(
        name="killed", host="b", pid=2, backend="database", last_seen_at=now - timedelta(minutes=5)
    )
    old = timedelta(minutes=6)
    of_the_killed = running(tmp_path / "killed", "killed", started_ago=old)
    of_a_stranger = running(tmp_path / "stranger", "never-beat", started_ago=old)
    of_the_living = running(tmp_path / "living", "alive", started_ago=old)
    just_started = running(tmp_path / "just", "killed", started_ago=timedelta(seconds=5))

    recovered = lost_tasks_recover(now=now)

    assert sorted(recovered.requeued) == sorted([str(of_the_killed.id), str(of_a_stranger.id)])
    assert recovered.failed == []
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses[of_the_living.id] == "RUNNING"
    assert statuses[just_started.id] == "RUNNING"
    assert lost_tasks_recover(now=now).requeued == []  # once
    assert run_ready_tasks(rounds=10, only_due=True) == 2
    assert (tmp_path / "killed").read_text() == "ran"
    assert (tmp_path / "stranger").read_text() == "ran"


def test_a_task_whose_workers_keep_dying_is_marked_failed(tmp_path):
    workers = [f"killed-{n}" for n in range(MAX_CLAIMS)]
    poison = running(tmp_path / "poison", *workers, started_ago=timedelta(minutes=6))

    recovered = lost_tasks_recover()

    assert recovered.failed == [str(poison.id)]
    lost = DBTaskResult.objects.get(id=poison.id)
    assert lost.status == "FAILED"
    assert lost.exception_class_path == "slotlink.core.lost_tasks.WorkerLost"
    assert "killed-2 stopped before finishing" in lost.traceback
