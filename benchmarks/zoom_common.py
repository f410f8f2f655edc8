"""What the Zoom meeting benchmark's phases share: the bars, the result row, and reading
the sandbox's request log."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from benchmarks import results
from benchmarks.results import NO_BAR
from benchmarks.zoom_seed import Host

P1_BAR = 1.2
P2_SLACK_SECONDS = 0.5
P3_LIMIT = 20.0  # Pro, Medium, per account and second
P3_SHARE = 0.9
P3_429_SHARE = 0.01
P8_FIRST_SHARE = 0.99
SECONDS_TO_LINK_TIMEOUT = 180


@dataclass
class Line:
    """One row of the result table."""

    name: str
    measured: str
    bar: str
    passed: bool


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def wait_for(what: str, check: Any, *, timeout: float, every: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    print(f"  gave up waiting: {what}", flush=True)
    return False


def take(host: Host, count: int) -> list[datetime]:
    """The host's next `count` free starts, taken from the list in place (a host's event
    types share one calendar, and so one list)."""
    starts = host.starts[:count]
    del host.starts[:count]
    return starts


def zoom_calls(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requests slotlink made to Zoom (the sandbox logs only its Zoom side)."""
    return [e for e in entries if e["path"].startswith(("/v2/", "/oauth/token"))]


def refreshes(entries: list[dict[str, Any]]) -> int:
    return sum(
        1
        for e in entries
        if e["method"] == "POST"
        and e["path"] == "/oauth/token"
        and isinstance(e["request_body"], dict)
        and e["request_body"].get("grant_type") == "refresh_token"
    )


def at(entry: dict[str, Any]) -> float:
    return datetime.fromisoformat(entry["at"].replace("Z", "+00:00")).timestamp()


def lines_report(
    lines: list[Line],
    *,
    benchmark: str,
    title: str,
    argv: list[str] | None,
    notes: list[str],
    json_path: str | None,
    samples: dict[str, Any] | None = None,
) -> None:
    """Print the result table and write it for `make bench` (`--json`)."""
    print("| measure | measured | bar | result |")
    print("|---|---|---|---|")
    for line in lines:
        result = "-" if line.bar == NO_BAR else "pass" if line.passed else "MISSED"
        print(f"| {line.name} | {line.measured} | {line.bar} | {result} |")
    results.write(
        results.Result(
            benchmark=benchmark,
            title=title,
            argv=results.argv_without_json(argv),
            notes=notes,
            rows=[
                results.Row(
                    line.name, line.measured, line.bar, None if line.bar == NO_BAR else line.passed
                )
                for line in lines
            ],
            samples=samples or {},
        ),
        json_path,
    )
