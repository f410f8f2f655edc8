"""Enqueueing background work so it only happens if the data it needs was committed."""

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits; never if it rolls back.

    Pass ids, not model instances: the worker loads fresh rows itself.
    """
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))
