"""Enqueueing background work so it only happens if the data it needs was committed; the
core's own periodic task."""

from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` so that it runs only if the current transaction commits.

    On the database backend the task's row is written inside the transaction, an outbox:
    it commits with the data it needs or not at all, no crash between the two can lose it,
    and the request makes no second write transaction for it (on SQLite each one waits its
    turn for the one write lock). Other backends (RQ) are only told after the commit.

    Pass ids, not model instances: the worker loads fresh rows itself.
    """
    enqueue = partial(task.enqueue, *args, **kwargs)
    if _queued_in_this_transaction(task):
        enqueue()
    else:
        transaction.on_commit(enqueue)


def _queued_in_this_transaction(task: Task[Any, Any]) -> bool:
    """Whether the task's queue is a table of the database whose transaction is open."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    alias = router.db_for_write(DBTaskResult)
    return alias == DEFAULT_DB_ALIAS and transaction.get_connection(alias).in_atomic_block


@task()
def lost_tasks_recover() -> None:
    """Run again the tasks dead workers left RUNNING (see core/lost_tasks.py)."""
    from slotlink.core.lost_tasks import lost_tasks_recover as recover

    recover()
