"""The calendar server of the calendar benchmarks: a real Radicale on loopback, its storage
seeded with a busy person's calendars before it starts, and kept for the next run."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from tests.calendars.servers import radicale_throwaway_config

from benchmarks.ports import free_port

# The one user of the benchmarks' Radicale, who owns every calendar on it.
USERNAME, PASSWORD = "bench", "a long benchmark passphrase"


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
    config = radicale_throwaway_config(workdir, port=port, username=USERNAME, password=PASSWORD)
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


def storage_cache(today: str, events: int, small_events: int) -> Path:
    """Where a seeded and read storage is kept for the next run of the same day and sizes
    (the PostgreSQL run after the SQLite one): Radicale's first read of 6,000 events is
    minutes of this shared machine's time, and always the same."""
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return root / "slotlink-bench" / f"calendars-{today}-{events}-{small_events}"


@contextmanager
def processes(*started: subprocess.Popen[bytes]) -> Iterator[None]:
    try:
        yield
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=15)
