"""Loaded at start-up by every process of a benchmark run with `--lock-trace` (this folder
is put first on PYTHONPATH): each explicit SQLite transaction is noted with how long its
BEGIN waited for the write lock, how long it then held it, and the code that opened it,
in `locks-<pid>.tsv` under SLOTLINK_LOCK_TRACE_DIR. benchmarks/sqlite_locks.py sums them.
A benchmark diagnostic only: the product never loads it."""

import os

if os.environ.get("SLOTLINK_LOCK_TRACE_DIR"):
    from benchmarks.sqlite_locks import trace_transactions

    trace_transactions(os.environ["SLOTLINK_LOCK_TRACE_DIR"])
