"""Calendar refresh: what one connection's background refresh costs when nothing changed.

Each connected calendar's busy times are refreshed every few minutes
(`SLOTLINK_CALENDAR_REFRESH_SECONDS`), so the refresh of an unchanged calendar is what a
slotlink install pays all day long. This starts a real Radicale on a free loopback port,
fills `--calendars` calendars with `--events` events each (a third of them weekly
recurring), connects `--connections` hosts to them through the product's own service, reads
them all once in full, then refreshes every connection `--rounds` times with nothing
changed, in this process, on SQLite or the throwaway PostgreSQL database of
`--database-url`. Per connection refresh it counts the HTTP requests (every exchange
through core/outbound.py), the SQL queries and the busy stretch rows written, and times it.

    python -m benchmarks.calendars_refresh [--connections 20] [--calendars 3]
        [--events 200] [--rounds 5] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from tests.calendars.servers import radicale_throwaway_config

from benchmarks.calendars_server import PASSWORD, USERNAME, wait_for_dav
from benchmarks.ports import free_port
from benchmarks.zoom_common import percentile
from benchmarks.zoom_sync_log import throwaway_database

TAGS_PROPFIND = (
    b'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" '
    b'xmlns:CS="http://calendarserver.org/ns/"><D:prop><CS:getctag/><D:sync-token/>'
    b"</D:prop></D:propfind>"
)


def start_radicale(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    config = radicale_throwaway_config(workdir, port=port, username=USERNAME, password=PASSWORD)
    process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_dav(base)
    except RuntimeError:
        process.kill()
        raise
    return process, base


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fill(base: str, calendars: int, events: int) -> None:
    """`calendars` calendars of `events` events each over the next 60 days, a third weekly."""
    http = httpx.Client(auth=(USERNAME, PASSWORD), timeout=60)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for number in range(calendars):
        url = f"{base}/{USERNAME}/bench-{number}/"
        assert http.request("MKCALENDAR", url).status_code == 201
        for index in range(events):
            start = now + timedelta(hours=7 * index % (60 * 24))
            rule = "RRULE:FREQ=WEEKLY;COUNT=8\r\n" if index % 3 == 0 else ""
            ics = (
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\n"
                f"UID:{uuid.uuid4()}\r\nDTSTAMP:{_utc(now)}\r\nDTSTART:{_utc(start)}\r\n"
                f"DTEND:{_utc(start + timedelta(minutes=45))}\r\n{rule}SUMMARY:Busy\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            )
            answer = http.put(f"{url}{uuid.uuid4().hex}.ics", content=ics.encode())
            assert answer.status_code == 201, answer.status_code
    http.close()


def measure(base: str, connections: int, rounds: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from slotlink.accounts.models import Membership
    from slotlink.accounts.services import membership_create, organization_create, user_create
    from slotlink.calendars.models import BusyStretch
    from slotlink.calendars.refresh import connection_refresh
    from slotlink.calendars.services.connections import calendar_connection_create
    from slotlink.core import outbound

    call_command("migrate", interactive=False, verbosity=0)
    organization = organization_create(name="Bench", slug="bench")
    ids = []
    for number in range(connections):
        host = user_create(
            email=f"host{number}@bench.test",
            full_name=f"Host {number}",
            password=None,
            time_zone="Europe/Berlin",
        )
        membership_create(organization=organization, user=host, role=Membership.Role.MEMBER)
        connection = calendar_connection_create(
            organization=organization,
            owner=host,
            address=base,
            username=USERNAME,
            password=PASSWORD,
        )
        ids.append(connection.id)
    for connection_id in ids:
        done = connection_refresh(connection_id=connection_id)
        if done.error is not None or not done.read:
            raise RuntimeError(f"the first refresh did not read the calendars: {done}")
    stretches = BusyStretch.objects.count()

    requests: list[int] = []
    exchange = outbound.Outbound._exchange

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        requests[-1] += 1
        return exchange(self, *args, **kwargs)

    outbound.Outbound._exchange = counted  # type: ignore[method-assign]
    times, queries, reads = [], [], 0
    last_id = BusyStretch.objects.order_by("-id").values_list("id", flat=True).first()
    for _ in range(rounds):
        for connection_id in ids:
            requests.append(0)
            with CaptureQueriesContext(db) as captured:
                started = time.perf_counter()
                done = connection_refresh(connection_id=connection_id)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            reads += done.read
    written = BusyStretch.objects.filter(id__gt=last_id or 0).count()
    outbound.Outbound._exchange = exchange  # type: ignore[method-assign]
    # The server's own share: the same PROPFIND of each calendar's tags, sent with httpx
    # on one kept-alive connection (no discovery, no policy, no parsing by caldav).
    raw = []
    urls = [f"{base}/{USERNAME}/bench-{n}/" for n in range(requests[0])]
    with httpx.Client(auth=(USERNAME, PASSWORD), timeout=60) as http:
        for _ in range(rounds * connections):
            started = time.perf_counter()
            for url in urls:
                answer = http.request(
                    "PROPFIND", url, content=TAGS_PROPFIND, headers={"Depth": "0"}
                )
                assert answer.status_code == 207
            raw.append((time.perf_counter() - started) * 1000)
    return {
        "vendor": db.vendor,
        "refreshes": len(times),
        "stretches kept": stretches,
        "p50 ms": percentile(times, 50),
        "p95 ms": percentile(times, 95),
        "mean ms": statistics.mean(times),
        "the same PROPFINDs sent raw, p50 ms": percentile(raw, 50),
        "the same PROPFINDs sent raw, p95 ms": percentile(raw, 95),
        "requests per refresh": sorted(set(requests)),
        "queries per refresh": sorted(set(queries)),
        "full reads": reads,
        "stretches written": written,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--calendars", type=int, default=3)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default="", help="postgres://... of a throwaway database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-calendars-") as data_dir:
        process, base = start_radicale(Path(data_dir))
        try:
            fill(base, args.calendars, args.events)
            with throwaway_database(args.database_url, Path(data_dir)) as database_url:
                os.environ.update(
                    SLOTLINK_MODE="demo",
                    SLOTLINK_DATA_DIR=data_dir,
                    DATABASE_URL=database_url,
                    DJANGO_SETTINGS_MODULE="slotlink.config.settings",
                    SLOTLINK_ALLOW_PRIVATE_NETWORKS="true",
                )
                found = measure(base, args.connections, args.rounds)
                from django.db import connections

                connections.close_all()
        finally:
            process.terminate()
            process.wait()
    print(
        f"calendar refresh, nothing changed ({args.connections} connections x "
        f"{args.calendars} calendars of {args.events} events, {args.rounds} rounds)"
    )
    for key, value in found.items():
        print(f"  {key}: {value:.1f}" if isinstance(value, float) else f"  {key}: {value}")


if __name__ == "__main__":
    main()
