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
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks import results
from benchmarks.calendars_refresh import PASSWORD, USERNAME
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

ORGANIZATION = "bench"
CALENDARS = 3
PAGE_BAR = 1.3
# (event type slug, host's name, calendars' name on the server or None)
HOSTS = (
    ("with-calendars", "Cached Host", "big"),
    ("no-calendars", "Plain Host", None),
    ("small-calendars", "Live Host", "small"),
)


def calendar_objects(seed: int, events: int, now: datetime) -> Iterator[tuple[str, str]]:
    """(uid, iCalendar text) of a busy person's calendar: `events` events from a week back
    to 60 days ahead, in the day (06-22 UTC); every third one repeats, weekly 12 times
    (from up to four weeks back) or daily 10 times, with one occurrence taken out."""
    rnd = random.Random(seed)  # noqa: S311 - the same calendars each run, not a secret
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for index in range(events):
        start = today + timedelta(
            days=rnd.randrange(-7, 60), hours=rnd.randrange(6, 21), minutes=rnd.choice((0, 30))
        )
        rule = ""
        if index % 3 == 0 and index % 2 == 0:
            start -= timedelta(weeks=rnd.randrange(0, 5))
            skipped = start + timedelta(weeks=rnd.randrange(1, 12))
            rule = f"RRULE:FREQ=WEEKLY;COUNT=12\r\nEXDATE:{_utc(skipped)}\r\n"
        elif index % 3 == 0:
            skipped = start + timedelta(days=rnd.randrange(1, 10))
            rule = f"RRULE:FREQ=DAILY;COUNT=10\r\nEXDATE:{_utc(skipped)}\r\n"
        end = start + timedelta(minutes=rnd.choice((15, 30, 45, 60)))
        uid = f"bench-{seed}-{index}"
        yield (
            uid,
            (
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slotlink bench//EN\r\nBEGIN:VEVENT\r\n"
                f"UID:{uid}\r\nDTSTAMP:{_utc(now)}\r\nDTSTART:{_utc(start)}\r\n"
                f"DTEND:{_utc(end)}\r\n{rule}SUMMARY:Busy\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            ),
        )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def seed_storage(
    collections: Path, name: str, count: int, events: int, now: datetime, *, seed: int
) -> None:
    """The calendars `name`-0... written into Radicale's file storage before it starts, as
    its own PUTs would leave them (one .ics a UID): seconds, where 6,000 PUTs (or one PUT
    of a whole calendar) take minutes on this machine. Radicale reads and caches them at
    the first request."""
    for number in range(count):
        folder = collections / "collection-root" / USERNAME / f"{name}-{number}"
        folder.mkdir(parents=True)
        (folder / ".Radicale.props").write_text(
            json.dumps({"tag": "VCALENDAR", "D:displayname": f"{name} {number}"})
        )
        for uid, text in calendar_objects(seed + number, events, now):
            (folder / f"{uid}.ics").write_text(text, newline="")


def start_radicale(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    users = workdir / "users"
    users.write_text(f"{USERNAME}:{PASSWORD}\n")
    config = workdir / "radicale.conf"
    config.write_text(
        textwrap.dedent(
            f"""\
            [server]
            hosts = 127.0.0.1:{port}
            [auth]
            type = htpasswd
            htpasswd_filename = {users}
            htpasswd_encryption = plain
            delay = 0
            [rights]
            type = owner_only
            [storage]
            filesystem_folder = {workdir / "collections"}
            [logging]
            level = warning
            """
        )
    )
    # A throwaway server's files need no fsync each (Radicale's own tests turn it off the
    # same way, an option it takes from code only): its cache of 6,000 seeded events took
    # minutes on this machine's shared disk.
    serve = (
        "import sys; from radicale import config, log, server; log.setup(); "
        "c = config.load([(sys.argv[1], False)]); "
        "c.update({'storage': {'_filesystem_fsync': 'False'}}, 'bench', privileged=True); "
        "log.set_level(c.get('logging', 'level'), False); server.serve(c)"
    )
    process = subprocess.Popen([sys.executable, "-c", serve, str(config)])
    return process, port


def wait_for_dav(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = httpx.request(
                "PROPFIND", f"{base}/{USERNAME}/", auth=(USERNAME, PASSWORD), headers={"Depth": "0"}
            )
            if answer.status_code == 207:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base} did not answer as a CalDAV server")
        time.sleep(0.1)


def warm(base: str, names: list[str]) -> float:
    """Each calendar read once, so Radicale has built its cache of the seeded files before
    slotlink's first refresh (which then costs what it costs on a server in use)."""
    started = time.monotonic()
    with httpx.Client(auth=(USERNAME, PASSWORD), timeout=300) as http:
        for name in names:
            answer = http.request("PROPFIND", f"{base}/{USERNAME}/{name}/", headers={"Depth": "1"})
            assert answer.status_code == 207, answer.status_code
    return time.monotonic() - started


@contextmanager
def processes(*started: subprocess.Popen[bytes]) -> Iterator[None]:
    try:
        yield
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=15)


def prepare(address: str, out_file: str) -> None:
    """In the stack's environment: migrate, create the hosts, connect and tick their
    calendars through the product's services, read them once in full, and list each
    event type's free starts."""
    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    from datetime import time as clock

    from django.core.management import call_command

    from slotlink.accounts.models import Membership
    from slotlink.accounts.services import membership_create, organization_create, user_create
    from slotlink.calendars.models import BusyStretch
    from slotlink.calendars.refresh import connection_refresh
    from slotlink.calendars.services.choices import calendar_choices_save
    from slotlink.calendars.services.connections import calendar_connection_create
    from slotlink.scheduling.models import EventType, LocationKind
    from slotlink.scheduling.selectors import free_slots
    from slotlink.scheduling.services.event_types import availability_replace, event_type_create

    call_command("migrate", interactive=False, verbosity=0)
    organization = organization_create(name="Bench", slug=ORGANIZATION)
    now = datetime.now(UTC)
    found: dict[str, Any] = {"starts": {}, "refresh_s": {}, "stretches": {}}
    for slug, name, calendars in HOSTS:
        host = user_create(
            email=f"{slug}@bench.test", full_name=name, password=None, time_zone="UTC"
        )
        membership_create(user=host, organization=organization, role=Membership.Role.MEMBER)
        event_type = event_type_create(
            organization=organization,
            host=host,
            title=name,
            slug=slug,
            duration_minutes=30,
            kind=EventType.Kind.ONE_ON_ONE,
            location_kind=LocationKind.PHONE,
            minimum_notice_minutes=60,
            horizon_days=60,
        )
        availability_replace(host=host, intervals=[(d, clock(0), clock(23, 59)) for d in range(7)])
        if calendars is not None:
            connection = calendar_connection_create(
                organization=organization,
                owner=host,
                address=address,
                username=USERNAME,
                password=PASSWORD,
            )
            ticked = [c.id for c in connection.calendars.all() if calendars in c.url]
            assert len(ticked) == CALENDARS, [c.url for c in connection.calendars.all()]
            calendar_choices_save(connection=connection, busy_ids=ticked, target_id=None)
            started = time.monotonic()
            done = connection_refresh(connection_id=connection.id)
            found["refresh_s"][slug] = time.monotonic() - started
            if done.error is not None or done.read != CALENDARS:
                raise RuntimeError(f"the first refresh of {slug} did not read them all: {done}")
            found["stretches"][slug] = BusyStretch.objects.filter(host=host).count()
            if slug == "with-calendars":
                found["one_calendar"] = one_calendar_read(connection, now)
        tomorrow = now + timedelta(days=1)  # far from the notice: each start stays bookable
        found["starts"][slug] = [
            slot.start.isoformat()
            for slot in free_slots(
                event_type=event_type, since=tomorrow, until=now + timedelta(days=60), now=now
            )
        ]
    Path(out_file).write_text(json.dumps(found))


def one_calendar_read(connection: Any, now: datetime) -> dict[str, float]:
    """Where a full read of one big calendar goes: the server's answer to the REPORT of
    the refresh's window, and expanding its objects into busy stretches here."""
    from zoneinfo import ZoneInfo

    from slotlink.calendars import client
    from slotlink.calendars.busy import read_busy, server_query_range
    from slotlink.calendars.client import CalDAVAccount
    from slotlink.calendars.refresh import REFRESH_TIMEOUT, refresh_window

    calendar = connection.calendars.filter(is_busy=True).order_by("url").first()
    account = CalDAVAccount(connection.server_url, connection.username, connection.password)
    since, until = refresh_window(host_id=connection.owner_id, now=now)
    started = time.monotonic()
    texts = client.events_between(
        account, calendar.url, *server_query_range(since, until), timeout=REFRESH_TIMEOUT
    )
    read = time.monotonic()
    read_busy(texts, since, until, zone=ZoneInfo("UTC"))
    return {
        "objects": len(texts),
        "days": (until - since).days,
        "report_s": read - started,
        "expand_s": time.monotonic() - read,
    }


def tally(out_file: str) -> None:
    """The starts of the bookings marked "calendar not checked", by event type."""
    import django

    django.setup()
    from slotlink.scheduling.models import Booking

    unchecked: dict[str, list[str]] = {}
    for slug, start in Booking.objects.filter(calendar_not_checked=True).values_list(
        "event_type__slug", "start"
    ):
        unchecked.setdefault(slug, []).append(start.isoformat())
    Path(out_file).write_text(json.dumps(unchecked))


class Proxy:
    """The proxy's control: set how fast the server answers, read what it passed."""

    def settled(self) -> dict[str, Any]:
        """What the proxy passed since the last read, once no request is with the server
        any more: a re-check that gave up leaves its request there (and its time to
        come), and the next case must not queue behind it."""
        seen = self.counts()
        deadline = time.monotonic() + 180
        while seen["in_flight"] and time.monotonic() < deadline:
            time.sleep(0.2)
            more = self.counts()
            seen["requests"] += more["requests"]
            seen["server_ms"] += more["server_ms"]
            seen["in_flight"] = more["in_flight"]
        return seen

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(timeout=10)

    def answer_in(self, ms: float) -> None:
        self.http.post(f"{self.base}/-proxy/answer-in", params={"ms": ms}).raise_for_status()

    def counts(self) -> dict[str, Any]:
        answer = self.http.get(f"{self.base}/-proxy/counts")
        answer.raise_for_status()
        return dict(answer.json())


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


def storage_cache(args: argparse.Namespace, today: str) -> Path:
    """Where a seeded and read storage is kept for the next run of the same day and sizes
    (the PostgreSQL run after the SQLite one): Radicale's first read of 6,000 events is
    minutes of this shared machine's time, and always the same."""
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return root / "slotlink-bench" / f"calendars-{today}-{args.events}-{args.small_events}"


def measure(args: argparse.Namespace, data_dir: Path, database_url: str) -> dict[str, Any]:
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    collections = data_dir / "collections"
    kept = storage_cache(args, now.strftime("%Y%m%d"))
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
            [sys.executable, "-m", "benchmarks.calendars_booking", "--prepare", dav, str(prepared)],
            env=env,
            check=True,
        )
        found = json.loads(prepared.read_text())
        proxy = Proxy(dav)
        proxy.counts()  # from here on, only what the measured requests make
        with processes(*start_stack(env, port, worker=False)):
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/healthz")
            pages, posts, loads = run_cases(args, base, proxy, found["starts"])
        subprocess.run(
            [sys.executable, "-m", "benchmarks.calendars_booking", "--tally", str(prepared)],
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
    args: argparse.Namespace, base: str, proxy: Proxy, starts: dict[str, list[str]]
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
    parser.add_argument("--prepare", nargs=2, metavar=("DAV", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--tally", metavar="FILE", help=argparse.SUPPRESS)
    results.json_option(parser)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(*args.prepare)
        return 0
    if args.tally:
        tally(args.tally)
        return 0
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
