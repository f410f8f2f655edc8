"""Enqueueing background work so it only happens if the data it needs was committed; the
core's own periodic task."""

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks.base import Task


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits; never if it rolls back.

    Pass ids, not model instances: the worker loads fresh rows itself.
    """
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


@task()
def lost_tasks_recover() -> None:
    """Run again the tasks dead workers left RUNNING (see core/lost_tasks.py)."""
    from slotlink.core.lost_tasks import lost_tasks_recover as recover

    recover()
