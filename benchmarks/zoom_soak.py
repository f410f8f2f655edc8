"""The larger Zoom soak: the CI soak test (tests/zoom/test_soak.py) with more bookings.

Runs `pytest tests/zoom/test_soak.py` with SLOTLINK_SOAK_BOOKINGS (default 2000) under the
same faults; prints how long it took. Exits non-zero if the comparison of the sandbox's
meetings with the database finds any duplicate, orphan, missing or mistimed meeting.

    .venv/bin/python -m benchmarks.zoom_soak [--bookings 2000]
"""

import argparse
import os
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bookings", type=int, default=2000)
    args = parser.parse_args()
    env = {**os.environ, "SLOTLINK_SOAK_BOOKINGS": str(args.bookings), "SLOTLINK_MODE": "test"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/zoom/test_soak.py", "-q", "-p", "no:cacheprovider"],
        env=env,
        check=False,
    )
    took = time.monotonic() - started
    verdict = (
        "no duplicate, orphan, missing or mistimed meeting" if result.returncode == 0 else "FAILED"
    )
    print(f"zoom soak: {args.bookings} bookings under faults in {took:.0f} s: {verdict}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
