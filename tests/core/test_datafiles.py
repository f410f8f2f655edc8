"""The data directory and the SQLite database are readable by their owner only."""

import os
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from slotlink.core.datafiles import data_dir_make_private


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_data_directory_is_made_private_whether_new_or_made_by_hand(tmp_path):
    """A new data directory is created 0o700, and one that others could read becomes 0o700."""
    new = tmp_path / "new" / "data"
    data_dir_make_private(new)
    assert mode(new) == 0o700
    by_hand = tmp_path / "by-hand"
    by_hand.mkdir(mode=0o755)
    by_hand.chmod(0o755)
    data_dir_make_private(by_hand)
    assert mode(by_hand) == 0o700


@pytest.mark.django_db
def test_a_sqlite_database_opened_under_a_permissive_umask_becomes_private():
    """However the SQLite file and its WAL files came to be readable by others, opening the
    database makes them 0o600."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its own files; this is about the SQLite file")
    database = Path(connection.settings_dict["NAME"])
    files = [database.with_name(database.name + suffix) for suffix in ("", "-wal", "-shm")]
    present = [path for path in files if path.exists()]
    assert database in present
    for path in present:
        path.chmod(0o644)
    previous = os.umask(0o022)
    another = connections.create_connection(DEFAULT_DB_ALIAS)  # as another process would
    try:
        another.ensure_connection()
    finally:
        another.close()
        os.umask(previous)
    assert {path: mode(path) for path in files if path.exists()} == {
        path: 0o600 for path in files if path.exists()
    }
