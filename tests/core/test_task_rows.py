"""core/task_rows.py writes the row django-tasks' database backend writes, and the library
still hears of each task it should (the rows compared column by column, as stored)."""

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from slotlink.core.task_rows import COLUMNS, task_rows_batched
from slotlink.core.tasks import enqueue_on_commit
from tests.core.tasks_for_tests import write_marker
from tests.fixtures.task_queue import uses_rq

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(uses_rq(), reason="RQ's queue is in Redis: no row is written"),
]


def shape(text: str) -> str:
    """A stored value's form: its digits as 0, without a fraction of a second."""
    return re.sub(r"[0-9a-f]", "0", re.sub(r"\.\d+", "", text))


def stored(result_id: Any) -> dict[str, Any]:
    """The row as the database holds it, each column as text (Django's SQLite driver
    would parse date-times), read without the model's conversions."""
    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    columns = ", ".join(f"CAST({connection.ops.quote_name(c)} AS TEXT)" for c in COLUMNS)
    id_value = DBTaskResult._meta.pk.get_db_prep_value(result_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [id_value])  # noqa: S608
        return dict(zip(COLUMNS, cursor.fetchone(), strict=True))


def both_ways(task: Any, *args: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The row the library's enqueue writes, and the one enqueue_on_commit writes, for
    the same task and arguments (in one transaction, as a booking writes them)."""
    with transaction.atomic():
        library = task.enqueue(*args)
        enqueue_on_commit(task, *args)
    ours = DBTaskResult.objects.exclude(id=library.id).get()
    return stored(library.id), stored(ours.id)


@pytest.mark.parametrize(
    "using",
    [{}, {"run_after": timedelta(minutes=5)}, {"priority": 7, "queue_name": "mail"}],
    ids=["plain", "run-after", "priority-and-queue"],
)
def test_a_task_enqueued_in_a_transaction_is_the_row_the_library_writes(using, settings):
    """Every column of the row is what django-tasks writes for the same task: the same
    values, stored the same way; only its id and its enqueue time are its own, stored
    alike."""
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "QUEUES": ["default", "mail"]},
    }
    if "run_after" in using:
        using = {"run_after": timezone.now() + using["run_after"]}
    task = write_marker.using(**using) if using else write_marker
    library, ours = both_ways(task, "/nonexistent/ran.txt", "hello ✓")
    own = ("id", "enqueued_at")
    assert {k: v for k, v in ours.items() if k not in own} == {
        k: v for k, v in library.items() if k not in own
    }
    for column in own:
        assert shape(ours[column]) == shape(library[column])  # stored alike
    assert ours["id"] != library["id"]
    library_at, ours_at = (
        DBTaskResult.objects.get(id=DBTaskResult._meta.pk.to_python(row["id"])).enqueued_at
        for row in (library, ours)
    )
    assert timedelta(0) <= ours_at - library_at < timedelta(seconds=5)


def test_a_task_written_by_hand_runs_as_the_library_reads_it():
    """The model reads the row back as the task it is, ready to run, with its arguments."""
    with transaction.atomic():
        enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "hello")
    result = DBTaskResult.objects.ready().get().task_result
    assert result.task.func is write_marker.func
    assert result.args == ["/nonexistent/ran.txt", "hello"]
    assert result.kwargs == {}


def test_the_library_debug_line_is_written_for_a_task_written_by_hand(caplog):
    """The enqueue's debug line in django-tasks' log, the one thing its signal did here."""
    caplog.set_level(logging.DEBUG, logger="django_tasks")
    with transaction.atomic():
        enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "hello")
    result_id = DBTaskResult.objects.get().id
    assert [r.getMessage() for r in caplog.records if r.name == "django_tasks"] == [
        f"Task id={result_id} path=tests.core.tasks_for_tests.write_marker enqueued backend=default"
    ]


def test_a_receiver_of_task_enqueued_hears_every_task_enqueued_in_a_transaction():
    """Should anything but the library listen to `task_enqueued`, the library's enqueue
    runs, so it hears the task."""
    heard: list[str] = []

    def receiver(sender: Any, task_result: Any, **kwargs: Any) -> None:
        heard.append(task_result.id)

    task_enqueued.connect(receiver)
    try:
        with transaction.atomic():
            enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "hello")
    finally:
        task_enqueued.disconnect(receiver)
    assert heard == [str(DBTaskResult.objects.get().id)]


def test_tasks_enqueued_in_a_batch_are_written_in_one_insert_at_its_end():
    """A booking's tasks (Zoom's sync, the email) are one INSERT: each the row it would be
    alone, written when the batch ends, in its transaction."""
    with transaction.atomic():
        enqueue_on_commit(write_marker, "/nonexistent/alone.txt", "one")
        with CaptureQueriesContext(connection) as queries, task_rows_batched():
            enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "two")
            enqueue_on_commit(write_marker.using(priority=3), "/nonexistent/ran.txt", "three")
            assert queries.captured_queries == []
        assert len(queries.captured_queries) == 1
    rows = [stored(task.id) for task in DBTaskResult.objects.order_by("args_kwargs")]
    alone, *batched = rows
    own = ("id", "enqueued_at", "args_kwargs", "priority")
    for row in batched:
        assert {k: v for k, v in row.items() if k not in own} == {
            k: v for k, v in alone.items() if k not in own
        }
    assert sorted(DBTaskResult.objects.values_list("priority", flat=True)) == [0, 0, 3]


def batch_that_fails() -> None:
    with task_rows_batched():
        enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "never")
        raise RuntimeError("the booking failed")


def test_a_batch_writes_no_task_of_a_savepoint_rolled_back_or_a_block_that_raised():
    """A task enqueued in a savepoint opened inside the batch is written there (so it
    goes if the savepoint rolls back); a batch whose block raises writes nothing."""
    with transaction.atomic():
        with task_rows_batched():
            enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "kept")
            try:
                with transaction.atomic():
                    enqueue_on_commit(write_marker, "/nonexistent/ran.txt", "rolled back")
                    raise RuntimeError("the provider failed")
            except RuntimeError:
                pass
        with pytest.raises(RuntimeError):
            batch_that_fails()
    assert [r.args_kwargs["args"][1] for r in DBTaskResult.objects.all()] == ["kept"]
