"""Taking turns on a key, so parallel requests can't all slip past one count.

A limit that reads a count and then writes ("3 tries left, so this one may go") lets
requests sent at once all read the same count. Requests that count the same thing take a
turn on a key naming it, inside the transaction that counts and writes, and hold it until
that transaction ends: each then sees every write made before it.

SQLite's IMMEDIATE transactions (the settings open every one so) already take turns on the
whole database. PostgreSQL takes a transaction-scoped advisory lock on the key (row ids
alone don't say which earlier writes have committed). Used by sign-in throttling
(accounts/throttle.py) and the public booking limits (scheduling/limits).
"""

import hashlib

from django.db import connection


def turn_take(*keys: str) -> None:
    """Wait for the turn on each of `keys`, in the order given; each is held until the
    current transaction ends. Callers taking several keys take them in one fixed order, so
    two never wait for each other, and in one call: on PostgreSQL that is one statement,
    one round trip to the server however many keys (the locks are taken left to right, as
    PostgreSQL evaluates a select list)."""
    if not connection.in_atomic_block:
        raise RuntimeError("A turn is held by a transaction: take it inside transaction.atomic.")
    if connection.vendor == "postgresql" and keys:
        numbers = [_lock_number(key) for key in keys]
        locks = ", ".join(["pg_advisory_xact_lock(%s)"] * len(numbers))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {locks}", numbers)


def _lock_number(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") - 2**63
