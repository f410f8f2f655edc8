"""Enqueueing background work so it only happens if the data it needs was committed, and
again later when the mail server refused an email; the core's own periodic task."""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

from slotlink.core.task_rows import only_the_library_listens, task_row_insert

log = logging.getLogger("slotlink.core")

MAIL_ATTEMPTS = 5
FIRST_MAIL_RETRY_AFTER = timedelta(seconds=30)  # then 1, 2 and 4 minutes


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` so that it runs only if the current transaction commits.

    On the database backend the task's row is written inside the transaction, an outbox:
    it commits with the data it needs or not at all, no crash between the two can lose it,
    and the request makes no second write transaction for it (on SQLite each one waits its
    turn for the one write lock). Other backends (RQ) are only told after the commit.

    Pass ids, not model instances: the worker loads fresh rows itself.
    """
    alias = _queue_in_this_transaction(task)
    if alias is not None:
        if only_the_library_listens():
            # The same row, written for about a fifth of the library's calls (task_rows.py).
            task_row_insert(task, args, kwargs, using=alias)
        else:
            task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def _queue_in_this_transaction(task: Task[Any, Any]) -> str | None:
    """The database alias of the task's queue when it is a table of the database whose
    transaction is open, else None."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    alias = router.db_for_write(DBTaskResult)
    if alias == DEFAULT_DB_ALIAS and transaction.get_connection(alias).in_atomic_block:
        return alias
    return None


def mail_retried_later(task_: Task[Any, Any], attempt: int, *args: Any) -> bool:
    """Core's retry rule, which `core/mail.py: mail_task_run` applies when the mail server
    refuses an email (an OSError): enqueue `task_` again with `*args` and `attempt + 1`
    (its last argument) after a pause that doubles with each attempt. False when the
    attempts are used up: the caller re-raises, so the task fails visibly."""
    if attempt >= MAIL_ATTEMPTS:
        return False
    log.warning("mail.retry task=%s attempt=%s", task_.name, attempt, exc_info=True)
    retry_at = timezone.now() + FIRST_MAIL_RETRY_AFTER * 2 ** (attempt - 1)
    task_.using(run_after=retry_at).enqueue(*args, attempt + 1)
    return True


@task()
def lost_tasks_recover() -> None:
    """Run again the tasks dead workers left RUNNING (see core/lost_tasks.py)."""
    from slotlink.core.lost_tasks import lost_tasks_recover as recover

    recover()
