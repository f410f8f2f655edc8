"""The page `make bench` writes: the machine, each benchmark's command and rows, and a plot
of booking latency and time to link with Zoom fast and slow."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import results

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks-zoom-latency.png"
PLOT_DATA = PLOT.with_suffix(".json")
BEGIN = "<!-- make bench: latest run (generated; edits here are overwritten) -->"
END = "<!-- make bench: end of latest run -->"


@dataclass(frozen=True)
class Benchmark:
    """One benchmark of `make bench`, with the options of its full and quick runs."""

    module: str
    args: tuple[str, ...] = ()
    quick_args: tuple[str, ...] = ()
    postgres: bool = False  # also run with --database-url
    uses_database: bool = True
    plotted: bool = False  # its samples draw the plot (the SQLite run)


@dataclass
class Run:
    """One benchmark's run: what it reported (None if it wrote nothing) and how long."""

    benchmark: Benchmark
    database: str  # "SQLite" or "PostgreSQL"; "" for a benchmark without one
    result: results.Result | None
    returncode: int
    seconds: float


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown memory"


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "not installed"


def _postgres_version() -> str:
    try:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not reachable"
    return out.stdout.strip().split(" ")[0] or "not reachable"


def machine_description() -> str:
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"{platform.machine()} ({_cpu_model()}), {os.cpu_count()} CPUs, {_memory_gib()}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"Django {_version('django')}, gunicorn {_version('gunicorn')}, SQLite "
        f"{sqlite3.sqlite_version}, PostgreSQL {_postgres_version()}; load average at the "
        f"start {load}"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def page_section(runs: list[Run], *, machine: str, started_at: float, quick: bool) -> str:
    """The generated part of docs/benchmarks.md, from BEGIN to END."""
    when = datetime.fromtimestamp(started_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    total = sum(run.seconds for run in runs)
    lines = [
        BEGIN,
        "## Latest run (`make bench`)",
        "",
        f"Run {when}{' with `--quick`' if quick else ''}, {total / 60:.0f} minutes in all, "
        f"every benchmark in turn on one machine: {machine}. "
        "Reproduce it all with `make bench` (30-40 minutes; `make bench "
        "BENCH_ARGS=--quick` for shorter runs), or one benchmark with its command below. The "
        "sections after this one say what each benchmark does and how to read it.",
        "",
        f"![Booking POST latency and time to link, without Zoom, Zoom fast and slow]({PLOT.name})",
        "",
    ]
    for run in runs:
        result = run.result
        title = result.title if result else run.benchmark.module
        lines += [f"### {title}{f' ({run.database})' if run.database else ''}", ""]
        if result is None:
            lines += [f"Did not finish (exit {run.returncode}).", ""]
            continue
        notes = "".join(f"; {note}" for note in result.notes)
        lines.append(f"`{result.command}` ({run.seconds / 60:.1f} min{notes})")
        lines += ["", "| measure | measured | bar | result |", "|---|---|---|---|"]
        for row in result.rows:
            lines.append(
                f"| {_cell(row.measure)} | {_cell(row.measured)} | {_cell(row.bar)} | "
                f"{row.verdict} |"
            )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def rewrite_page(page: Path, section: str) -> None:
    """Put `section` in place of the last one, or after the page's introduction."""
    text = page.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        page.write_text(head + section + tail)
        return
    first_section = text.find("\n## ")
    if first_section == -1:
        page.write_text(text.rstrip("\n") + "\n\n" + section + "\n")
        return
    page.write_text(text[: first_section + 1] + section + "\n\n" + text[first_section + 1 :])


def _cdf(values: list[float]) -> tuple[list[float], list[float]]:
    ordered = sorted(values)
    count = len(ordered)
    return ordered, [(index + 1) / count * 100 for index in range(count)]


def plot(samples: dict[str, Any], path: Path) -> None:
    """Two panels, as cumulative shares: the booking POST's latency from its due time
    without Zoom, with Zoom fast and slow (the request never waits for Zoom, so the curves
    should lie together), and each
    booking's time to link with Zoom fast and slow."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (posts, links) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    rate, workers = samples.get("rate", "?"), samples.get("workers", "?")
    # The same colour for the same Zoom in both panels: none, fast, slow.
    for (label, values), colour in zip(
        samples.get("post_ms", {}).items(), ("dimgrey", "tab:blue", "tab:orange"), strict=False
    ):
        if values:
            x, y = _cdf(values)
            posts.plot(x, y, label=label, color=colour)
    posts.set_xscale("log")
    posts.xaxis.set_major_locator(
        matplotlib.ticker.FixedLocator([5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000])
    )
    posts.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    posts.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    posts.set_xlabel("booking POST latency from its due time (ms, log scale)")
    posts.set_ylabel("share of bookings (%)")
    posts.set_title(f"Booking POST under load ({rate} bookings/s)")
    posts.axhline(95, color="grey", linewidth=0.6, linestyle=":")
    posts.legend(fontsize=8, loc="lower right")
    posts.grid(alpha=0.3)
    for (label, values), colour in zip(
        samples.get("link_s", {}).items(), ("tab:blue", "tab:orange"), strict=False
    ):
        if values:
            x, y = _cdf(values)
            links.plot(x, y, label=label, color=colour)
    links.set_xlabel("time from booking to stored join link (s)")
    links.set_title(f"Time to link ({rate} bookings/s, {workers} workers)")
    links.axhline(95, color="grey", linewidth=0.6, linestyle=":")
    links.legend(fontsize=8, loc="lower right")
    links.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


if __name__ == "__main__":
    import json

    plot(json.loads(PLOT_DATA.read_text()), PLOT)  # redraw from the last run's numbers
