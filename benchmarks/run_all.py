"""`make bench`: every benchmark of the project side by side in one run, then the page.

Each benchmark runs as its own process with its default options (and `--json`, so its
numbers come back as data), on SQLite and, where it takes `--database-url`, again on
PostgreSQL when one answers. Then the "Latest run" section of docs/benchmarks.md is
rewritten with the machine's description, each benchmark's command and its rows (medians,
p95s, ratios and bars), and docs/benchmarks-zoom-latency.png is drawn from the Zoom
meeting benchmark's samples (report.py). The hand-written sections below it, which say
what each benchmark does and how to read it, are left as they are.

    .venv/bin/python -m benchmarks.run_all [--quick] [--only zoom_meetings,...]
        [--database-url postgres://...] [--no-postgres] [--no-write]

Exits non-zero if a benchmark failed or missed a bar.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report, results
from benchmarks.report import Benchmark, Run

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/slotlink_bench"


BENCHMARKS = [
    Benchmark("benchmarks.sandbox_creates", quick_args=("--seconds", "5"), uses_database=False),
    Benchmark("benchmarks.scheduling_booking", quick_args=("--seconds", "5"), postgres=True),
    Benchmark(
        "benchmarks.zoom_sync_log",
        quick_args=("--rows", "200000", "--requests", "15"),
        postgres=True,
    ),
    Benchmark("benchmarks.zoom_meetings", quick_args=("--quick",), postgres=True, plotted=True),
    Benchmark(
        "benchmarks.zoom_invitee",
        quick_args=("--singles", "4", "--bursts", "2", "--spread-bursts", "2"),
        postgres=True,
    ),
    Benchmark("benchmarks.zoom_soak", quick_args=("--bookings", "300")),
    Benchmark(
        "benchmarks.calendars_booking",
        # A p95 of fewer page loads than this swung from 0.37x to 1.42x (32 loads a case).
        quick_args=("--rounds", "3"),
        postgres=True,
    ),
]


def postgres_answers(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def run_one(benchmark: Benchmark, quick: bool, database_url: str, out: Path) -> Run:
    argv = list(benchmark.quick_args if quick else benchmark.args)
    database = "SQLite" if benchmark.uses_database else ""
    if database_url:
        argv += ["--database-url", database_url]
        database = "PostgreSQL"
    json_path = out / f"{benchmark.module}-{database or 'none'}.json"
    print(f"\n=== {benchmark.module} {database} {' '.join(argv)} ===", flush=True)
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", benchmark.module, *argv, "--json", str(json_path)], check=False
    )
    seconds = time.monotonic() - started
    result = results.read(json_path) if json_path.exists() else None
    return Run(benchmark, database, result, completed.returncode, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (about 15 minutes)")
    parser.add_argument("--only", default="", help="comma-separated module names to run")
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print, but leave docs/ as it is")
    args = parser.parse_args(argv)
    chosen = [
        b
        for b in BENCHMARKS
        if not args.only or b.module.removeprefix("benchmarks.") in args.only.split(",")
    ]
    postgres = not args.no_postgres and postgres_answers(args.database_url)
    if not postgres and not args.no_postgres:
        print(f"PostgreSQL at {args.database_url} does not answer: SQLite runs only.")
    started_at = time.time()
    machine = report.machine_description()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="slotlink-bench-") as temporary:
        out = Path(temporary)
        for benchmark in chosen:
            runs.append(run_one(benchmark, args.quick, "", out))
            if benchmark.postgres and postgres:
                runs.append(run_one(benchmark, args.quick, args.database_url, out))
    page = report.page_section(runs, machine=machine, started_at=started_at, quick=args.quick)
    print("\n" + page)
    if not args.no_write:
        plotted = next(
            (r.result for r in runs if r.benchmark.plotted and r.database == "SQLite" and r.result),
            None,
        )
        if plotted is not None:
            report.plot(plotted.samples, report.PLOT)
            # The plot's numbers, kept beside it: `python -m benchmarks.report` redraws it.
            report.PLOT_DATA.write_text(json.dumps(plotted.samples))
            print(f"Drew {report.PLOT}")
        report.rewrite_page(report.PAGE, page)
        print(f"Rewrote the latest run in {report.PAGE}")
    failed = [
        f"{r.benchmark.module} {r.database}".strip()
        for r in runs
        if r.returncode != 0 or r.result is None or not r.result.passed
    ]
    if failed:
        print(f"\nFailed or missed a bar: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
