"""The larger Zoom soak: the CI soak test (tests/zoom/test_soak.py) with more bookings.

Runs `pytest tests/zoom/test_soak.py` with SLOTLINK_SOAK_BOOKINGS (default 2000) under the
same faults (5xx, timeouts, creates committed then their answers dropped, an outage, a 429
storm) and random reschedules and cancels; one more host with their own Zoom per 100
bookings, and Zoom's daily cap per user lifted (the test says why). Prints how long it
took and what the test counted. Exits non-zero if the comparison of the sandbox's meetings
with the database finds any duplicate, orphan, missing or mistimed meeting: counted when
the queue has run dry and before any reconcile (which deletes orphans, so would hide a
duplicate the sync made), and then if the hourly reconcile finds anything to do.

    .venv/bin/python -m benchmarks.zoom_soak [--bookings 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bookings", type=int, default=2000)
    parser.add_argument("--database-url", default="", help="postgres://... (default: SQLite)")
    results.json_option(parser)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="slotlink-bench-soak-") as temporary:
        report = Path(temporary) / "soak.json"
        env = {
            **os.environ,
            "SLOTLINK_SOAK_BOOKINGS": str(args.bookings),
            "SLOTLINK_SOAK_REPORT": str(report),
            "SLOTLINK_MODE": "test",
        }
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        started = time.monotonic()
        completed = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "tests/zoom/test_soak.py"),
                *("-q", "-p", "no:cacheprovider"),
            ],
            env=env,
            check=False,
        )
        took = time.monotonic() - started
        counted = json.loads(report.read_text()) if report.exists() else {}
    passed = completed.returncode == 0
    calls = counted.get("zoom_calls", {})
    verdict = (
        "no duplicate, orphan, missing or mistimed meeting before the reconcile, and nothing "
        "for it to do"
        if passed
        else "FAILED"
    )
    print(f"zoom soak: {args.bookings} bookings under faults in {took:.0f} s: {verdict}")
    if counted:
        print(f"  {json.dumps(counted)}")
    database = "PostgreSQL" if args.database_url else "SQLite"
    results.write(
        results.Result(
            benchmark="benchmarks.zoom_soak",
            title="Zoom soak: bookings, reschedules and cancels under Zoom's faults",
            argv=results.argv_without_json(argv),
            notes=[database],
            rows=[
                results.Row(
                    f"{args.bookings} bookings ({counted.get('live', '?')} live, "
                    f"{counted.get('cancelled', '?')} cancelled) on "
                    f"{counted.get('zoom_accounts', '?')} Zoom accounts; Zoom's answers: "
                    + ", ".join(f"{n} {outcome}" for outcome, n in sorted(calls.items())),
                    f"{'0 duplicates, orphans, missing, wrong times' if passed else 'FAILED'}"
                    f" ({counted.get('meetings_in_zoom', '?')} meetings in Zoom) before the "
                    f"reconcile, which deleted {counted.get('reconcile_deleted', '?')}, "
                    f"{took / 60:.1f} min",
                    "0 of each",
                    passed,
                )
            ],
        ),
        args.json,
    )
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main())
