"""`make benchmarks`: every benchmark in turn, with its default options.

Each prints its own numbers; docs/benchmarks.md says what they mean and keeps the last
recorded results. Exits non-zero if any benchmark does.
"""

import subprocess
import sys

BENCHMARKS = [
    "benchmarks.sandbox_creates",
    "benchmarks.scheduling_booking",
    "benchmarks.zoom_sync_log",
    "benchmarks.zoom_meetings",
]


def main() -> int:
    failed = []
    for module in BENCHMARKS:
        print(f"\n=== {module} ===", flush=True)
        if subprocess.run([sys.executable, "-m", module], check=False).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
