"""Searching what people typed in any case, in any script.

SQLite's LIKE, LOWER and UPPER fold ASCII letters only, so a search for "émile" misses
"Émile" and "zoë" misses "ZOË". `lowered` lowers text as Python does, on SQLite through a
function registered on each connection (`on_connection_created`), on PostgreSQL with its
own LOWER, which folds every script; `contains_any_case` compares two lowered texts.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func, Q
from django.db.models.lookups import Contains

SQLITE_LOWER = "slotlink_lower"


def _lower(text: str | None) -> str | None:
    return None if text is None else text.lower()


class Lowered(Func):
    """The text of a column in lower case, in every script."""

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function=SQLITE_LOWER, **extra_context)


def contains_any_case(field: str, text: str) -> Q:
    """Rows whose `field` contains `text`, whatever the case of either; `%` and `_` in
    `text` are characters, not patterns."""
    return Q(Contains(Lowered(field), text.lower()))


def on_connection_created(*, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """A `connection_created` receiver: SQLite learns `slotlink_lower`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)
