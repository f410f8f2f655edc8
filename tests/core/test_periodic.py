"""Periodic jobs with many schedulers and workers: each run is enqueued once, by one
scheduler, however many run; and a job never runs twice at once, anywhere."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from slotlink.core import periodic
from slotlink.core.models import PeriodicJob
from slotlink.core.periodic import Job, periodic_job_run, periodic_jobs, periodic_run_due
from tests.core.tasks_for_tests import SLOW_RELEASE, SLOW_RUNS, SLOW_STARTED, slow_job
from tests.fixtures.task_queue import queued_tasks, run_ready_tasks
from tests.fixtures.workers import WorkerProcess, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = 4  # periods each job goes through with two schedulers racing for it
GIVE_UP_AFTER = 60.0  # seconds: a bail-out for a broken run, not a timed assertion


@pytest.mark.processes
def test_two_schedulers_enqueue_each_run_of_each_job_once():
    """Two `slotlink scheduler` processes poll every 50 ms for jobs due every second: every
    run each job made is in the queue once, no job ran more often than once a period, and
    the schedulers' own logs together claim exactly those runs."""
    names = [job.name for job in periodic_jobs()]
    every = ",".join(f"{name}=1" for name in names)
    env = worker_env(SLOTLINK_PERIODIC_EVERY=every)
    command = ("scheduler", "--interval=0.05")
    started = time.monotonic()
    schedulers = [WorkerProcess(f"scheduler-{n}", env, *command) for n in range(2)]
    try:
        deadline = time.monotonic() + GIVE_UP_AFTER
        while PeriodicJob.objects.filter(runs__gte=RUNS).count() < len(names):
            assert time.monotonic() < deadline, [s.output for s in schedulers]
            time.sleep(0.1)
    finally:
        for scheduler in schedulers:
            scheduler.stop()
    elapsed = time.monotonic() - started

    runs = dict(PeriodicJob.objects.values_list("name", "runs"))
    assert set(runs) == set(names)
    enqueued = Counter(task.args[0] for task in queued_tasks() if task.name == "periodic_run")
    assert enqueued == runs
    for name, count in runs.items():
        assert count <= elapsed + 1, name  # at most once a second
    logged = Counter(
        line.split("job=")[1].split()[0]
        for scheduler in schedulers
        for line in scheduler.output
        if "core.periodic.enqueued" in line
    )
    assert logged == runs


def test_a_job_never_runs_twice_at_once(monkeypatch):
    """While one worker runs a job, another run of it (a second worker, another machine)
    finds the job taken and does nothing; once the first is done the next run goes."""
    monkeypatch.setitem(
        periodic._jobs, "tests.slow", Job("tests.slow", timedelta(minutes=1), slow_job)
    )
    PeriodicJob.objects.create(name="tests.slow")
    SLOW_RUNS.clear()
    SLOW_STARTED.clear()
    SLOW_RELEASE.clear()
    first: list[bool] = []

    def run_in_another_worker() -> None:
        try:
            first.append(periodic_job_run(name="tests.slow"))
        finally:
            connection.close()

    other = threading.Thread(target=run_in_another_worker, name="other-worker")
    other.start()
    try:
        assert SLOW_STARTED.wait(timeout=GIVE_UP_AFTER)
        assert periodic_job_run(name="tests.slow") is False
        assert SLOW_RUNS == ["other-worker"]
    finally:
        SLOW_RELEASE.set()
        other.join(timeout=GIVE_UP_AFTER)
    assert first == [True]
    assert periodic_job_run(name="tests.slow") is True
    assert len(SLOW_RUNS) == 2
    assert PeriodicJob.objects.get(name="tests.slow").running_until is None


def test_a_run_left_by_a_dead_worker_does_not_block_the_job_for_ever(monkeypatch):
    """A worker killed mid-run leaves the job's lease behind; once it ran out, runs go."""
    monkeypatch.setitem(
        periodic._jobs, "tests.slow", Job("tests.slow", timedelta(minutes=1), slow_job)
    )
    SLOW_RUNS.clear()
    SLOW_RELEASE.set()
    PeriodicJob.objects.create(
        name="tests.slow",
        running_until=timezone.now() + timedelta(minutes=5),
        running_owner="dead-worker",
    )
    assert periodic_job_run(name="tests.slow") is False
    PeriodicJob.objects.filter(name="tests.slow").update(
        running_until=timezone.now() - timedelta(seconds=1)
    )
    assert periodic_job_run(name="tests.slow") is True
    assert len(SLOW_RUNS) == 1


def test_the_scheduler_enqueues_due_jobs_on_the_task_backend_in_use(monkeypatch):
    """Whatever the backend (the database or RQ), a due job is one queued `periodic_run`,
    which a worker runs."""
    monkeypatch.setattr(periodic, "_jobs", {})
    monkeypatch.setitem(
        periodic._jobs, "tests.slow", Job("tests.slow", timedelta(minutes=1), slow_job)
    )
    SLOW_RUNS.clear()
    SLOW_RELEASE.set()
    assert periodic_run_due() == ["tests.slow"]
    assert periodic_run_due() == []  # not due again for a minute
    assert [(t.name, t.args) for t in queued_tasks()] == [("periodic_run", ("tests.slow",))]
    assert run_ready_tasks(rounds=10, only_due=True) == 1
    assert len(SLOW_RUNS) == 1
