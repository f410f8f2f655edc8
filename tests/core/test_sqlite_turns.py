"""SQLite writers queue for the write lock (core/backends/sqlite3): each connection holds
an exclusive flock on `<database>-turn` from BEGIN to COMMIT or ROLLBACK, so a writer that
finds the lock held waits its turn instead of polling SQLite's busy handler, and is never
told "database is locked" while another transaction merely runs long.

These tests open their own SQLite file beside whatever database the suite runs on, so
they run on the PostgreSQL step of CI too."""

import fcntl
import os
import threading

import pytest
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper as DjangoSQLite

from slotlink.core.backends.sqlite3.base import DatabaseWrapper as TurnSQLite


def _connection(wrapper_class, path, *, timeout: float = 20):
    settings = {
        "NAME": str(path),
        "ENGINE": "slotlink.core.backends.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
    connection = wrapper_class(settings, alias=f"turns-{id(settings)}")
    connection.ensure_connection()
    return connection


def _begin(connection) -> None:
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(connection, how: str) -> None:
    getattr(connection, how)()
    connection.set_autocommit(True)


def _turn_is_free(path) -> bool:
    probe = os.open(f"{path}-turn", os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(probe)
    return True


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """A fresh SQLite file of the test's own (not the suite's database)."""
    django_db_blocker.unblock()
    path = tmp_path / "turns.sqlite3"
    setup = _connection(TurnSQLite, path)
    with setup.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (n INTEGER)")
    setup.close()
    yield path
    django_db_blocker.restore()


@pytest.mark.parametrize("how", ["commit", "rollback"])
def test_a_transaction_holds_the_turn_from_begin_until_it_ends(database, how):
    """The turn is taken at BEGIN and given back at COMMIT or ROLLBACK, not later."""
    connection = _connection(TurnSQLite, database)
    assert _turn_is_free(database)
    _begin(connection)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    assert not _turn_is_free(database)
    _end(connection, how)
    assert _turn_is_free(database)
    connection.close()


def test_a_connection_closed_mid_transaction_gives_its_turn_back(database):
    """A worker that drops its connection (or dies) doesn't keep everyone else waiting."""
    connection = _connection(TurnSQLite, database)
    _begin(connection)
    assert not _turn_is_free(database)
    connection.close()
    assert _turn_is_free(database)


def _writer(path, results: list, *, wrapper_class, started: threading.Event) -> None:
    connection = _connection(wrapper_class, path, timeout=0.2)
    started.set()
    try:
        _begin(connection)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        _end(connection, "commit")
        results.append("written")
    except OperationalError as error:
        results.append(str(error))
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("wrapper_class", "outcome"),
    [(TurnSQLite, "written"), (DjangoSQLite, "database is locked")],
    ids=["with turns", "Django's SQLite, for comparison"],
)
def test_a_writer_waits_its_turn_behind_a_long_transaction_instead_of_failing(
    database, wrapper_class, outcome
):
    """A second writer whose busy timeout (0.2 s) runs out long before the first
    transaction ends still writes, once it is its turn: it was queued, not polling.
    Django's own backend, given the same timeout, fails with "database is locked", which is
    what a booking POST got when a worker's writes kept winning the race."""
    holder = _connection(TurnSQLite, database)
    _begin(holder)
    with holder.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    results: list[str] = []
    started = threading.Event()
    waiter = threading.Thread(
        target=_writer,
        args=(database, results),
        kwargs={"wrapper_class": wrapper_class, "started": started},
    )
    waiter.start()
    assert started.wait(10)
    waiter.join(1.0)  # five times the waiter's busy timeout
    if outcome == "written":
        assert waiter.is_alive(), "the waiter should still be waiting for its turn"
        assert results == []
    _end(holder, "commit")
    waiter.join(10)
    holder.close()
    assert len(results) == 1
    assert outcome in results[0]
    check = _connection(TurnSQLite, database)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        rows = [n for (n,) in cursor.fetchall()]
    check.close()
    assert rows == ([1, 2] if outcome == "written" else [1])


def test_the_settings_give_sqlite_installs_the_queued_backend(tmp_path):
    """`make run` and any SQLite install get the backend; PostgreSQL keeps Django's."""
    from tests.config.test_settings import settings_in

    result = settings_in("demo", "s.DATABASES['default']['ENGINE']", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "slotlink.core.backends.sqlite3"


def test_a_background_process_queues_one_thread_at_a_time_for_the_turn(database, monkeypatch):
    """In the task worker (`writes_in_background`), a thread that wants the turn while
    another of the worker's threads holds it waits in the process's own line, not at the
    turn itself: a web request waiting for the turn then competes with at most one of
    the worker's threads, however many it runs. The line is free again once both end."""
    from slotlink.core.backends.sqlite3 import base

    monkeypatch.setattr(base, "_in_background", True)
    holder = _connection(TurnSQLite, database)
    _begin(holder)
    assert holder._in_line
    waiting: list = []
    done = threading.Event()

    def second() -> None:
        connection = _connection(TurnSQLite, database)
        waiting.append(connection)
        _begin(connection)
        _end(connection, "commit")
        connection.close()
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not done.wait(1.0), "the second thread should be waiting"
    (second_connection,) = waiting
    assert not second_connection._in_line, "it waits in the line, not at the turn"
    _end(holder, "commit")
    thread.join(10)
    holder.close()
    assert done.is_set()
    assert not base._background_line.locked()
    assert _turn_is_free(database)
