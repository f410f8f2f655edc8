"""Who holds SQLite's one write lock, and for how long (`--lock-trace` of the Zoom meeting
benchmark, SQLite only).

Every write transaction of every process takes the same lock (`BEGIN IMMEDIATE`), so a
booking request waits for whatever a worker is writing at that moment; and a worker run
at a lower CPU priority (`--nice`) can be paused while it holds the lock. The trace notes,
per explicit transaction, the wait at BEGIN, the time the lock was then held, and the
code that opened it; `summary` sums them per site. Statements outside a transaction
(autocommit writes) are not seen.
"""

from __future__ import annotations

import os
import time
import traceback
from collections import defaultdict
from pathlib import Path
from typing import Any

LOCKTRACE_PATH = Path(__file__).resolve().parent / "locktrace"


def environment(trace_dir: Path) -> dict[str, str]:
    """The variables that make the processes started with them trace their transactions."""
    return {
        "SLOTLINK_LOCK_TRACE_DIR": str(trace_dir),
        "PYTHONPATH": os.pathsep.join(
            [str(LOCKTRACE_PATH), *filter(None, [os.environ.get("PYTHONPATH", "")])]
        ),
    }


def _site() -> str:
    for frame in reversed(traceback.extract_stack()[:-3]):
        if "/slotlink/" in frame.filename or "/django_tasks" in frame.filename:
            return f"{Path(frame.filename).name}:{frame.name}"
    return "(other)"


def trace_transactions(trace_dir: str) -> None:
    try:  # the wait for the turn is part of BEGIN's wait (core/backends/sqlite3)
        from slotlink.core.backends.sqlite3 import base
    except ImportError:  # a checkout from before the turns
        from django.db.backends.sqlite3 import base  # type: ignore[no-redef]

    wrapper: Any = base.DatabaseWrapper
    begin, commit, rollback = (
        wrapper._start_transaction_under_autocommit,
        wrapper._commit,
        wrapper._rollback,
    )
    path = Path(trace_dir) / f"locks-{os.getpid()}.tsv"

    def traced_begin(self: Any) -> None:
        asked = time.perf_counter()
        begin(self)
        self.lock_trace = (time.perf_counter(), time.perf_counter() - asked, _site())

    def ended(end: Any) -> Any:
        def traced_end(self: Any) -> None:
            end(self)
            started = getattr(self, "lock_trace", None)
            if started is not None:
                self.lock_trace = None
                held = time.perf_counter() - started[0]
                with path.open("a") as out:
                    out.write(f"{started[1] * 1000:.3f}\t{held * 1000:.3f}\t{started[2]}\n")

        return traced_end

    wrapper._start_transaction_under_autocommit = traced_begin
    wrapper._commit = ended(commit)
    wrapper._rollback = ended(rollback)


def summary(trace_dir: Path) -> list[str]:
    """A table row per site: transactions, BEGIN's wait p95, lock held p50/p95/total."""
    from benchmarks.zoom_common import percentile

    waits: dict[str, list[float]] = defaultdict(list)
    helds: dict[str, list[float]] = defaultdict(list)
    for file in trace_dir.glob("locks-*.tsv"):
        for line in file.read_text().splitlines():
            wait, held, site = line.split("\t")
            waits[site].append(float(wait))
            helds[site].append(float(held))
    rows = [
        "| opened in | transactions | BEGIN waited p95 | held p50 | held p95 | held in all |",
        "|---|---|---|---|---|---|",
    ]
    for site in sorted(helds, key=lambda s: -sum(helds[s])):
        held = helds[site]
        rows.append(
            f"| {site} | {len(held)} | {percentile(waits[site], 95):.1f} ms | "
            f"{percentile(held, 50):.1f} ms | {percentile(held, 95):.1f} ms | "
            f"{sum(held) / 1000:.1f} s |"
        )
    return rows
