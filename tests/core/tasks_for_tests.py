"""Tasks the task-queue tests enqueue: they leave a file behind, so a test sees they ran."""

import os
import threading
from pathlib import Path

from django_tasks import task


@task()
def write_marker(path: str, text: str) -> None:
    Path(path).write_text(text)


# Barriers the worker tests' tasks meet at, by name: the worker runs them in this process.
BARRIERS: dict[str, threading.Barrier] = {}


@task()
def meet(barrier: str, path: str) -> None:
    """Wait until every task of `barrier` runs at once (a broken barrier fails the task)."""
    BARRIERS[barrier].wait(timeout=30)
    Path(path).write_text("met")


@task()
def enqueue_marker(path: str, text: str) -> None:
    """A task whose work is another task."""
    write_marker.enqueue(path, text)


# A periodic job that runs until released, so a test can try to start it twice at once.
SLOW_RUNS: list[str] = []
SLOW_STARTED = threading.Event()
SLOW_RELEASE = threading.Event()


@task()
def slow_job() -> None:
    SLOW_RUNS.append(threading.current_thread().name)
    SLOW_STARTED.set()
    SLOW_RELEASE.wait(timeout=30)


@task()
def fail(reason: str) -> None:
    """A task that raises, for the queue's failure counts."""
    raise RuntimeError(reason)


@task()
def write_niceness(path: str) -> None:
    """Note the CPU niceness of the thread that runs the task."""
    Path(path).write_text(str(os.nice(0)))
