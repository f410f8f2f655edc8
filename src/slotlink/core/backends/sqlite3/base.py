"""SQLite whose writers queue for the write lock instead of polling for it.

Every slotlink process (web threads, worker threads, the scheduler) opens its write
transactions with `BEGIN IMMEDIATE`, so they take SQLite's one write lock in turn. But a
writer that finds the lock held doesn't queue: SQLite's busy handler sleeps and tries
again, up to 100 ms between tries once it has failed a dozen times, and whoever tries at
the right moment wins. Under load (a burst of bookings while the worker sends their emails,
each email a few write transactions) a booking could lose that race again and again: the
booking POST's p95 was 646 ms at 20 bookings a second when its p50 was 35 ms
(docs/benchmarks.md, "SQLite's write turns").

So each connection first takes an exclusive `flock` on a file beside the database
(`<database>-turn`, like SQLite's own `-wal` and `-shm`) and holds it until its
transaction commits or rolls back. The kernel wakes a waiter the moment the holder lets
go, and whoever holds the turn finds SQLite's lock free (outside a transaction, an
autocommit write still takes its chances with the busy handler, as before). The turn is
exactly as long as the write lock it stands for, so it adds no wait that SQLite's lock
didn't already impose. Its file is the operating system's: a process that dies lets go.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from typing import Any

from django.db.backends.sqlite3 import base, creation

# A background process (the task worker, with its many threads) lets one thread at a time
# queue for the turn; the others wait in this line, inside the process. So a booking
# request waiting for the turn waits among the web's requests and at most one of the
# worker's transactions, not behind each of the worker's threads in turn.
_background_line = threading.Lock()
_in_background = False


def writes_in_background() -> None:
    """Called by a worker process as it starts, before its threads: see `_background_line`."""
    global _in_background
    _in_background = True


# django-stubs declares none of the private hooks overridden here.
_Creation: Any = creation.DatabaseCreation
_Wrapper: Any = base.DatabaseWrapper


class DatabaseCreation(_Creation):
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)
        # A test database's turn file goes with it; a real database's never does, since a
        # process may still hold it (a new file would be a second, separate turn).
        if test_database_name and not self.is_in_memory_db(test_database_name):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{test_database_name}-turn")


class DatabaseWrapper(_Wrapper):
    creation_class = DatabaseCreation
    _turn_file: int | None = None
    _in_line = False  # holds _background_line

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        database = str(conn_params.get("database", ""))
        if not self.creation.is_in_memory_db(database):
            # One open file per connection: a flock belongs to its open file, so threads
            # sharing one would not exclude each other.
            self._turn_file = os.open(f"{database}-turn", os.O_RDWR | os.O_CREAT, 0o600)
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=TurnTakingCursor)
        cursor.turns = self
        return cursor

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._turn_give()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._turn_give()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._turn_give()  # should it be held
            if self._turn_file is not None:
                os.close(self._turn_file)
                self._turn_file = None

    def _turn_take(self) -> None:
        if self._turn_file is None:
            return
        if _in_background:
            _background_line.acquire()
            self._in_line = True
        try:
            fcntl.flock(self._turn_file, fcntl.LOCK_EX)
        except BaseException:
            self._line_leave()
            raise

    def _turn_give(self) -> None:
        if self._turn_file is not None:
            fcntl.flock(self._turn_file, fcntl.LOCK_UN)
        self._line_leave()

    def _line_leave(self) -> None:
        if self._in_line:
            self._in_line = False
            _background_line.release()


class TurnTakingCursor(base.SQLiteCursorWrapper):
    """Takes the connection's turn just as it sends BEGIN, where SQLite would take its lock
    (so whatever wraps the statement, a trace or a test's gate, runs before the wait)."""

    turns: DatabaseWrapper | None = None

    def execute(self, query: str, params: Any = None) -> Any:
        if self.turns is None or not query.startswith("BEGIN"):
            return super().execute(query, params)
        self.turns._turn_take()
        try:
            return super().execute(query, params)
        except BaseException:
            self.turns._turn_give()
            raise
