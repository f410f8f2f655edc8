"""The data directory and the SQLite database in it are for their owner's eyes only.

The database holds people's names, emails and bookings, and Zoom tokens (encrypted, but with
a key that may sit beside them); a machine's other local users must not read it. `slotlink
run` creates everything under a 0o077 umask and makes an existing data directory 0o700;
wherever else a SQLite database is opened (`slotlink migrate`, a worker, the web server), its
file and its WAL files are made 0o600 when the connection is made, so a database created by
any command under any umask ends up private.
"""

from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def data_dir_make_private(path: Path) -> None:
    path.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIRECTORY)


def sqlite_files_make_private(database: Path) -> None:
    for suffix in SQLITE_SUFFIXES:
        path = database.with_name(database.name + suffix)
        if path.exists() and path.stat().st_mode & 0o777 != PRIVATE_FILE:
            path.chmod(PRIVATE_FILE)


def on_connection_created(*, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """A `connection_created` receiver: a SQLite database file is made private."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():  # type: ignore[attr-defined]
        return
    name = connection.settings_dict.get("NAME")
    if name:
        sqlite_files_make_private(Path(name))
