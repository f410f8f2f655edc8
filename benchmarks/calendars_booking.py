"""Calendar connections on the booking page and the booking POST (issue 21).

The real stack over HTTP, as `slotlink run` serves it (gunicorn, 2 workers x 4 threads,
SQLite or the throwaway PostgreSQL database of `--database-url`), with a real Radicale
behind a counting, delaying proxy (benchmarks/caldav_proxy.py): every request slotlink
makes to the calendar server passes the proxy, which counts it and can hold its answer
until the server has "answered in" a chosen time. Three hosts of one organization take
30-minute meetings around the clock, each with an event type of its own:

- `with-calendars`: one connection with three ticked calendars of `--events` events each
  over the next 60 days (a third recurring: weekly and daily RRULEs with EXDATEs), read
  once in full by the product's refresh before anything is timed;
- `no-calendars`: the same host, with no calendar connected;
- `small-calendars`: three ticked calendars of `--small-events` events each, a server
  that answers within a few ms on its own, for the POST's re-check at a set pace.

1. The booking page, GET /book/<org>/<event>?tz=UTC, of `with-calendars` and of
   `no-calendars`, in `--rounds` rounds of `--seconds` each, the two cases interleaved
   (their order swapped every round) so the machine's load, shared with other work, hits
   both alike. The bar: the p95 with calendars within 1.3x the p95 without, and no
   request to the calendar server during the page loads (counted at the proxy): the
   page is served from the cache (BusyStretch).
2. The booking POST, each to a free time of its own, with the live re-check of the
   host's calendars: against no calendar, the small calendars' server answering in 50 ms
   and in 500 ms (held at the proxy), and the calendars of `--events` events at the
   server's own pace, interleaved in rounds the same way. Bookings the re-check couldn't
   confirm in its time (`SLOTLINK_CALENDAR_RECHECK_MS`, 2 s) are counted ("calendar not
   checked").

Every request is due at a fixed rate and its latency counts from when it was due (an
open loop, benchmarks/scheduling_booking.py's `run_phase`). No task worker runs: nothing
but the requests measured touches the calendar server.

    python -m benchmarks.calendars_booking [--events 2000] [--rounds 5] [--seconds 6]
        [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks import results
from benchmarks.caldav_proxy import ProxyControl
from benchmarks.calendars_server import (
    processes,
    seed_storage,
    start_radicale,
    storage_cache,
    wait_for_dav,
    warm,
)
from benchmarks.calendars_setup import CALENDARS, HOSTS, ORGANIZATION
from benchmarks.limits import BOOKING_LIMITS_OFF
from benchmarks.ports import free_port
from benchmarks.scheduling_booking import (
    INVITEE_ZONE,
    BookingPost,
    Phase,
    SlotsPage,
    csrf_token,
    run_phase,
    stack_env,
    start_stack,
    wait_until_up,
)
from benchmarks.zoom_common import percentile

PAGE_BAR = 1.3


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


class Case:
    """One case measured over the rounds: its latencies, errors and what the proxy saw."""

    def __init__(self, name: str, slug: str = "") -> None:
        self.name, self.slug = name, slug
        self.latencies_ms: list[float] = []
        self.errors: list[str] = []
        self.requests = 0  # to the calendar server
        self.server_ms: list[float] = []
        self.posted: list[str] = []  # starts booked

    def add(self, phase: Phase, seen: dict[str, Any]) -> None:
        self.latencies_ms += phase.latencies_ms
        self.errors += phase.errors
        self.requests += seen["requests"]
        self.server_ms += seen["server_ms"]

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


class CountedPost(BookingPost):
    """A booking POST that remembers which start each request took."""

    def __init__(self, url: str, starts: list[str], tokens: dict[int, str], case: Case) -> None:
        super().__init__(url, starts, tokens)
        self.case = case

    def __call__(self, client: httpx.Client, number: int) -> str:
        if number < len(self.starts):
            self.case.posted.append(self.starts[number])
        return super().__call__(client, number)


def measure(args: argparse.Namespace, data_dir: Path, database_url: str) -> dict[str, Any]:
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    collections = data_dir / "collections"
    kept = storage_cache(now.strftime("%Y%m%d"), args.events, args.small_events)
    reused = kept.is_dir()
    started = time.monotonic()
    if reused:
        shutil.copytree(kept, collections)
    else:
        seed_storage(collections, "big", CALENDARS, args.events, now, seed=0)
        seed_storage(collections, "small", CALENDARS, args.small_events, now, seed=100)
    seeded_s = time.monotonic() - started
    radicale, dav_port = start_radicale(data_dir)
    proxy_port = free_port()
    proxy_process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.caldav_proxy",
            f"--port={proxy_port}",
            f"--upstream=http://127.0.0.1:{dav_port}",
        ]
    )
    with processes(radicale, proxy_process):
        dav = f"http://127.0.0.1:{proxy_port}"
        wait_for_dav(dav)
        warmed_s = warm(dav, [f"{n}-{i}" for n in ("big", "small") for i in range(CALENDARS)])
        if not reused:
            partial = kept.with_name(kept.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(collections, partial)
            partial.rename(kept)
        port = free_port()
        env = stack_env(
            str(data_dir),
            port,
            {
                **BOOKING_LIMITS_OFF,
                "SLOTLINK_ALLOW_PRIVATE_NETWORKS": "true",
                "DATABASE_URL": database_url,
            },
        )
        prepared = data_dir / "prepared.json"
        subprocess.run(
            [sys.executable, "-m", "benchmarks.calendars_setup", "prepare", dav, str(prepared)],
            env=env,
            check=True,
        )
        found = json.loads(prepared.read_text())
        proxy = ProxyControl(dav)
        proxy.counts()  # from here on, only what the measured requests make
        with processes(*start_stack(env, port, worker=False)):
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/healthz")
            pages, posts, loads = run_cases(args, base, proxy, found["starts"])
        subprocess.run(
            [sys.executable, "-m", "benchmarks.calendars_setup", "tally", str(prepared)],
            env=env,
            check=True,
        )
        unchecked = json.loads(prepared.read_text())
    return {
        "found": found,
        "pages": pages,
        "posts": posts,
        "loads": loads,
        "unchecked": unchecked,
        "seeded_s": seeded_s,
        "warmed_s": warmed_s,
        "reused": reused,
    }


def run_cases(
    args: argparse.Namespace, base: str, proxy: ProxyControl, starts: dict[str, list[str]]
) -> tuple[list[Case], list[Case], list[float]]:
    clients = [httpx.Client(timeout=30) for _ in range(args.clients)]
    url = {slug: f"{base}/book/{ORGANIZATION}/{slug}" for slug, _, _ in HOSTS}
    tokens = {
        id(c): csrf_token(c.get(url["no-calendars"], params={"tz": INVITEE_ZONE}).text)
        for c in clients
    }
    loads = [load_average()]
    # 1. The page, with calendars and without, interleaved.
    pages = [Case("with 3 calendars"), Case("no calendar")]
    page_of = [SlotsPage(url["with-calendars"]), SlotsPage(url["no-calendars"])]
    for warm_up in page_of:
        run_phase("warm-up", clients, 1, args.page_rate, warm_up)
    proxy.counts()
    for round_number in range(args.rounds):
        order = [0, 1] if round_number % 2 == 0 else [1, 0]
        for index in order:
            phase = run_phase(
                pages[index].name, clients, args.seconds, args.page_rate, page_of[index]
            )
            pages[index].add(phase, proxy.settled())
        loads.append(load_average())
    # 2. The POST: each case's own list of free starts, taken in turn across the rounds.
    cases = [
        ("no calendar", "no-calendars", 0.0),
        ("3 small calendars, server answering in 50 ms", "small-calendars", 50.0),
        ("3 small calendars, server answering in 500 ms", "small-calendars", 500.0),
        (
            f"3 calendars of {args.events} events, the server's own pace (1/4 the rate)",
            "with-calendars",
            0.0,
        ),
    ]
    posts = [Case(name, slug) for name, slug, _ in cases]
    left = {slug: list(found) for slug, found in starts.items()}
    for round_number in range(args.rounds):
        shift = round_number % len(cases)
        for index in [*range(shift, len(cases)), *range(shift)]:
            name, slug, answer_in = cases[index]
            proxy.answer_in(answer_in)
            # The big calendars' case at a quarter of the rate: each of its POSTs costs
            # the server seconds of work, which would pile up into the next case.
            rate = args.post_rate / 4 if slug == "with-calendars" else args.post_rate
            count = max(1, round(args.seconds * rate))
            mine, left[slug] = left[slug][:count], left[slug][count:]
            post = CountedPost(url[slug], mine, tokens, posts[index])
            phase = run_phase(name, clients, args.seconds, rate, post)
            posts[index].add(phase, proxy.settled())
        loads.append(load_average())
    proxy.answer_in(0)
    for client in clients:
        client.close()
    return pages, posts, loads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="in each big calendar")
    parser.add_argument("--small-events", type=int, default=20, help="in each small calendar")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6, help="per case and round")
    parser.add_argument("--page-rate", type=float, default=4, help="page loads due a second")
    parser.add_argument("--post-rate", type=float, default=1, help="POSTs due a second")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", default="", help="postgres://... of a throwaway database")
    results.json_option(parser)
    args = parser.parse_args(argv)
    postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url and not postgres:
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")

    from benchmarks.zoom_sync_log import throwaway_database

    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="slotlink-bench-") as data_dir,
        throwaway_database(args.database_url, Path(data_dir)) as database_url,
    ):
        measured = measure(args, Path(data_dir), database_url)
    minutes = (time.monotonic() - began) / 60
    return report(args, argv, measured, "PostgreSQL" if postgres else "SQLite", minutes)


def report(
    args: argparse.Namespace,
    argv: list[str] | None,
    measured: dict[str, Any],
    database: str,
    minutes: float,
) -> int:
    found, pages, posts = measured["found"], measured["pages"], measured["posts"]
    loads = measured["loads"]
    with_calendars, without = pages
    ratio = with_calendars.p(95) / without.p(95)
    page_requests = sum(case.requests for case in pages)
    setup = (
        f"{database}; {args.rounds} rounds of {args.seconds:g} s per case, cases interleaved; "
        f"pages {args.page_rate:g}/s, POSTs {args.post_rate:g}/s due, {args.clients} clients; "
        f"latency from each request's due time; load average {min(loads):.1f}-{max(loads):.1f} "
        f"on {os.cpu_count()} CPUs shared with other work; {minutes:.1f} min in all"
    )
    one = found["one_calendar"]
    seeding = (
        f"{CALENDARS} calendars of {args.events} events "
        + (
            f"copied from the last run's storage in {measured['seeded_s']:.1f} s"
            if measured["reused"]
            else f"seeded in {measured['seeded_s']:.1f} s"
        )
        + f", read once by Radicale in {measured['warmed_s']:.1f} s; slotlink's first full "
        f"refresh of them {found['refresh_s']['with-calendars']:.1f} s, "
        f"{found['stretches']['with-calendars']} busy stretches kept; one calendar's "
        f"{one['objects']} objects of {one['days']} days: the server's REPORT "
        f"{one['report_s']:.1f} s, expanding them {one['expand_s']:.1f} s"
    )
    print(f"\n{setup}\n{seeding}\n{platform.machine()}, Python {platform.python_version()}\n")
    lines: list[results.Row] = []
    for case in pages:
        lines.append(
            results.Row(
                f"booking page, {case.name}: p50, p95 (n)",
                f"{case.p(50):.0f} ms, {case.p(95):.0f} ms ({len(case.latencies_ms)}); "
                f"{len(case.errors)} errors",
                "no error",
                not case.errors,
            )
        )
    lines.append(
        results.Row(
            "booking page p95, with calendars / without",
            f"{ratio:.2f}x",
            f"<= {PAGE_BAR}x",
            ratio <= PAGE_BAR,
        )
    )
    lines.append(
        results.Row(
            "requests to the calendar server during the page loads",
            str(page_requests),
            "0 (served from the cache)",
            page_requests == 0,
        )
    )
    unchecked = measured["unchecked"]
    for case in posts:
        posted = set(case.posted)
        not_checked = len(posted.intersection(unchecked.get(case.slug, [])))
        server = (
            f"; {case.requests / max(1, len(case.posted)):.1f} requests to the server a POST, "
            f"each {percentile(case.server_ms, 50):.0f} ms p50 at the server itself"
            if case.requests
            else ""
        )
        lines.append(
            results.Row(
                f"booking POST, {case.name}: p50, p95 (n)",
                f"{case.p(50):.0f} ms, {case.p(95):.0f} ms ({len(case.latencies_ms)}); "
                f"{not_checked} calendar not checked; {len(case.errors)} errors{server}",
                "no error",
                not case.errors,
            )
        )
    print("| measure | measured | bar | result |")
    print("|---|---|---|---|")
    for row in lines:
        print(f"| {row.measure} | {row.measured} | {row.bar} | {row.verdict} |")
    errors = sorted({e for case in [*pages, *posts] for e in case.errors})
    if errors:
        print(f"\nerrors, e.g. {errors[:5]}")
    results.write(
        results.Result(
            benchmark="benchmarks.calendars_booking",
            title="Calendar connections: booking page and booking POST (issue 21)",
            argv=results.argv_without_json(argv),
            notes=[setup, seeding],
            rows=lines,
        ),
        args.json,
    )
    return 0 if all(row.passed is not False for row in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
