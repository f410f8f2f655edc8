"""A task's row on the database queue, written with one INSERT of its own.

django-tasks' database backend enqueues through its model's `objects.create` and sends its
`task_enqueued` signal with a TaskResult built for it: about 580 Python calls a task, paid
under the booking's lock (a booking POST with Zoom writes two tasks). This writes the same
row, column for column (tests/core/test_task_rows.py compares a row made both ways), with
the library's own validation and id, and the fields' own conversions where a database
stores a value its own way (UUID, date-times, JSON).

The signal's one receiver is the library's debug log line, which is written here alike;
should anything else listen, the library's enqueue runs instead, so it hears every task.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django_tasks.base import Task
from django_tasks.signals import log_task_enqueued, task_enqueued
from django_tasks.utils import normalize_json
from django_tasks_db import DatabaseBackend

library_log = logging.getLogger("django_tasks")  # the library's logger, for its own line

COLUMNS = (
    "id",
    "status",
    "enqueued_at",
    "started_at",
    "finished_at",
    "args_kwargs",
    "priority",
    "task_path",
    "worker_ids",
    "queue_name",
    "backend_name",
    "run_after",
    "return_value",
    "exception_class_path",
    "traceback",
)


def only_the_library_listens() -> bool:
    """Whether `task_enqueued` has no receiver but the library's debug log."""
    sync, asynchronous = task_enqueued._live_receivers(DatabaseBackend)
    return not asynchronous and all(receiver is log_task_enqueued for receiver in sync)


def task_row_insert(task: Task[Any, Any], args: Any, kwargs: Any, *, using: str) -> str:
    """Write `task`'s queue row on the `using` database as the library's enqueue does;
    returns the task's id."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    assert isinstance(backend, DatabaseBackend)
    backend.validate_task(task)  # the same errors for a task the queue can't run
    connection = connections[using]
    fields = _fields(DBTaskResult)
    result_id = backend._get_id()
    datetime = fields["enqueued_at"].get_db_prep_value
    values = (
        fields["id"].get_db_prep_value(result_id, connection),
        fields["status"].get_db_prep_save(fields["status"].default, connection),
        datetime(timezone.now(), connection),
        None,
        None,
        fields["args_kwargs"].get_db_prep_save(
            normalize_json({"args": args, "kwargs": kwargs}), connection
        ),
        task.priority,
        task.module_path,
        fields["worker_ids"].get_db_prep_save([], connection),
        task.queue_name,
        backend.alias,
        datetime(task.run_after or get_date_max(), connection),
        None,
        "",
        "",
    )
    batch = _batch.get()
    if batch is not None and batch.takes(connection):
        batch.rows.append(values)
    else:
        _rows_insert(connection, [values])
    library_log.debug(
        "Task id=%s path=%s enqueued backend=%s", result_id, task.module_path, backend.alias
    )
    return str(result_id)


class _Batch:
    """The rows of tasks enqueued in one stretch of a transaction, written at its end."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.depth = len(connection.atomic_blocks)
        self.rows: list[tuple[Any, ...]] = []

    def takes(self, connection: BaseDatabaseWrapper) -> bool:
        # Not from inside a savepoint opened since: it may roll back without the batch.
        return connection is self.connection and len(connection.atomic_blocks) == self.depth


_batch: ContextVar[_Batch | None] = ContextVar("task_rows_batch", default=None)


@contextmanager
def task_rows_batched(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """The tasks enqueued inside (on the database queue, in the open transaction) are
    written with one INSERT at the end: one round trip under a booking's lock instead of
    one a task. Nothing is written when the block raises (its transaction rolls back)."""
    batch = _Batch(connections[using])
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch.rows:
        _rows_insert(batch.connection, batch.rows)


def _rows_insert(connection: BaseDatabaseWrapper, rows: list[tuple[Any, ...]]) -> None:
    sql = _insert_sql(connection)
    more = sql[sql.rindex(" VALUES ") + len(" VALUES ") :]
    with connection.cursor() as cursor:
        cursor.execute(sql + f", {more}" * (len(rows) - 1), [v for row in rows for v in row])


@cache
def _fields(model: Any) -> dict[str, Any]:
    return {field.attname: field for field in model._meta.concrete_fields}


_insert_sqls: dict[str, str] = {}  # by database vendor: its quoting is the vendor's


def _insert_sql(connection: BaseDatabaseWrapper) -> str:
    sql = _insert_sqls.get(connection.vendor)
    if sql is None:
        from django_tasks_db.models import DBTaskResult

        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in COLUMNS)
        marks = ", ".join(["%s"] * len(COLUMNS))
        table = quote(DBTaskResult._meta.db_table)
        sql = _insert_sqls[connection.vendor] = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    return sql
