"""Public slots page and booking POST latency at a steady arrival rate (open loop).

Runs the real stack as `slotlink run` does, in a fresh data directory: migrates a SQLite
database (or the throwaway PostgreSQL database of `--database-url`), creates one
organization with a host who takes 15-minute meetings around the clock (so thousands of
distinct slots exist), then starts gunicorn with the same options as `slotlink run` (2
workers x 4 threads) and a `db_worker`, which sends each booking's emails (into the demo
outbox, in the same database) while the benchmark runs.

Phases, each after a short warm-up: requests due at a fixed schedule (`--rate` a second
for `--seconds`), sent by `--clients` threads each holding one keep-alive httpx client;
each request's latency counts from its due time, not from when a free client sent it, so a
server that falls behind shows its queue (an open loop):
  1. slots page   GET  /book/<org>/<event>?tz=Europe/Berlin  (an empty calendar)
  2. booking      POST /book/<org>/<event>  every request its own free slot (302)
  3. slots page   again, now that the host has every booking of phase 2

    python -m benchmarks.scheduling_booking [--rate 20] [--seconds 10] [--clients 10]
        [--database-url postgres://...]

Prints p50/p95/p99 latency and the rate achieved per phase, and exits non-zero on any
error response (a booking refused, a 5xx, a timeout).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx

from benchmarks import results
from benchmarks.limits import BOOKING_LIMITS_OFF
from benchmarks.ports import free_port

ORGANIZATION = "bench"
EVENT = "quick-call"
INVITEE_ZONE = "Europe/Berlin"
READY_TIMEOUT = 60
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def row(self) -> str:
        count = len(self.latencies_ms)
        return (
            f"| {self.name} | {count} | {count / self.seconds:.0f} | "
            f"{self.percentile(50):.0f} | {self.percentile(95):.0f} | "
            f"{self.percentile(99):.0f} | {len(self.errors)} |"
        )


def prepare(slots_file: str) -> None:
    """In the benchmark's environment: create the data and list the free starts."""
    import django

    django.setup()
    from datetime import UTC, datetime, time, timedelta

    from django.core.management import call_command

    from slotlink.accounts.models import Membership
    from slotlink.accounts.services import membership_create, organization_create, user_create
    from slotlink.scheduling.models import EventType, LocationKind
    from slotlink.scheduling.selectors import free_slots
    from slotlink.scheduling.services.event_types import availability_replace, event_type_create

    call_command("migrate", interactive=False, verbosity=0)
    organization = organization_create(name="Bench", slug=ORGANIZATION)
    host = user_create(
        email="host@bench.test", full_name="Bench Host", password=None, time_zone="UTC"
    )
    membership_create(user=host, organization=organization, role=Membership.Role.ADMIN)
    event_type = event_type_create(
        organization=organization,
        host=host,
        title="Quick call",
        slug=EVENT,
        duration_minutes=15,
        kind=EventType.Kind.ONE_ON_ONE,
        location_kind=LocationKind.PHONE,
        minimum_notice_minutes=60,
        horizon_days=365,
    )
    availability_replace(host=host, intervals=[(d, time(0), time(23, 59)) for d in range(7)])
    now = datetime.now(UTC)
    tomorrow = now + timedelta(days=1)  # far from the notice: every start stays bookable
    starts = [
        slot.start.isoformat()
        for slot in free_slots(
            event_type=event_type, since=tomorrow, until=now + timedelta(days=365), now=now
        )
    ]
    Path(slots_file).write_text(json.dumps(starts))


def print_phases(phases: list[Phase]) -> None:
    print("| phase | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for phase in phases:
        print(phase.row())


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - localhost
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {READY_TIMEOUT} s")


def start_stack(
    env: dict[str, str], port: int, *, worker: bool = True
) -> list[subprocess.Popen[bytes]]:
    """gunicorn and (unless not `worker`) a task worker, with the options `slotlink run`
    uses."""
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "slotlink.config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        "--threads=4",
        "--graceful-timeout=5",
        "--no-control-socket",
    ]
    tasks = [sys.executable, "-m", "slotlink", "db_worker", "--interval=0.1", "--nice=10"]
    return [
        subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for argv in ([web, tasks] if worker else [web])
    ]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the booking page")
    return match.group(1)


def run_phase(
    name: str, clients: list[httpx.Client], seconds: float, rate: float, request: RequestMaker
) -> Phase:
    """Request i is due at i / rate s; a free client sends it then (or as soon as one is
    free), and its latency is from the due time to the answer."""
    phase = Phase(name)
    lock = threading.Lock()
    total = max(1, round(seconds * rate))
    sequence = iter(range(total))
    began = time.monotonic() + 0.05

    def loop(index: int) -> None:
        while True:
            with lock:
                number = next(sequence, None)
            if number is None:
                return
            due = began + number / rate
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                error = request(clients[index], number)
            except httpx.HTTPError as failure:
                error = f"{type(failure).__name__}: {failure}"
            elapsed = (time.monotonic() - due) * 1000
            with lock:
                phase.latencies_ms.append(elapsed)
                if error:
                    phase.errors.append(error)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - began
    return phase


class RequestMaker(Protocol):
    """One request of a phase: returns an error description, or "" when it went right."""

    def __call__(self, client: httpx.Client, number: int) -> str: ...


class SlotsPage(RequestMaker):
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, client: httpx.Client, number: int) -> str:
        response = client.get(self.url, params={"tz": INVITEE_ZONE})
        if response.status_code != 200 or 'name="start"' not in response.text:
            return f"slots page: {response.status_code}"
        return ""


class BookingPost(RequestMaker):
    """Request n books start n: never the same one."""

    def __init__(self, url: str, starts: list[str], tokens: dict[int, str]) -> None:
        self.url, self.starts, self.tokens = url, starts, tokens

    def __call__(self, client: httpx.Client, number: int) -> str:
        if number >= len(self.starts):
            return "ran out of free slots"
        response = client.post(
            self.url,
            data={
                "csrfmiddlewaretoken": self.tokens[id(client)],
                "start": self.starts[number],
                "time_zone": INVITEE_ZONE,
                "name": f"Invitee {number}",
                "email": f"invitee{number}@bench.test",
                "phone": "+49 30 1234567",
            },
            headers={"referer": self.url},
        )
        if response.status_code != 302:
            return f"booking: {response.status_code}"
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20, help="requests due a second")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--database-url", default="", help="postgres://... of a throwaway database")
    parser.add_argument("--prepare", metavar="SLOTS_FILE", help=argparse.SUPPRESS)
    results.json_option(parser)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.prepare)
        return 0
    postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url and not postgres:
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")

    from benchmarks.zoom_sync_log import throwaway_database

    with (
        tempfile.TemporaryDirectory(prefix="slotlink-bench-") as data_dir,
        throwaway_database(args.database_url, Path(data_dir)) as database_url,
    ):
        phases = measure(args, data_dir, database_url)
    database = "PostgreSQL" if postgres else "SQLite"
    setup = (
        f"{database}, {args.rate:g} requests due a second for {args.seconds:g} s per phase, "
        f"{args.clients} clients; latency from each request's due time"
    )
    print(
        f"\n{setup}; {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}\n"
    )
    print_phases(phases)
    failures = [error for phase in phases for error in phase.errors]
    results.write(
        results.Result(
            benchmark="benchmarks.scheduling_booking",
            title="Scheduling: booking page and booking POST",
            argv=results.argv_without_json(argv),
            notes=[setup],
            rows=[
                results.Row(
                    f"{phase.name}: req/s, p50, p95 from due time",
                    f"{len(phase.latencies_ms) / phase.seconds:.0f}/s, "
                    f"{phase.percentile(50):.0f} ms, {phase.percentile(95):.0f} ms; "
                    f"{len(phase.errors)} errors",
                    "no error",
                    not phase.errors,
                )
                for phase in phases
            ],
        ),
        args.json,
    )
    if failures:
        print(f"\n{len(failures)} errors, e.g. {sorted(set(failures))[:5]}")
    return 1 if failures else 0


def stack_env(data_dir: str, port: int, extra: dict[str, str]) -> dict[str, str]:
    """The environment of the stack's processes: demo mode in `data_dir`, this checkout's
    code, none of the caller's slotlink settings or database, and `extra`."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "SLOTLINK_"))
    } | {
        "SLOTLINK_MODE": "demo",
        "SLOTLINK_DATA_DIR": data_dir,
        "PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "slotlink.config.settings",
        # This checkout's code first (the virtualenv's may be another checkout's).
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        **extra,
    }


def measure(args: argparse.Namespace, data_dir: str, database_url: str) -> list[Phase]:
    port = free_port()
    # Every booking comes from this one address, far past the public limits.
    env = stack_env(data_dir, port, BOOKING_LIMITS_OFF)
    if args.database_url:  # else the demo's SQLite file in the data directory
        env["DATABASE_URL"] = database_url
    slots_file = str(Path(data_dir) / "starts.json")
    subprocess.run(
        [sys.executable, "-m", "benchmarks.scheduling_booking", "--prepare", slots_file],
        env=env,
        check=True,
    )
    starts = json.loads(Path(slots_file).read_text())
    processes = start_stack(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz")
        page = f"{base}/book/{ORGANIZATION}/{EVENT}"
        clients = [httpx.Client(timeout=30) for _ in range(args.clients)]
        tokens = {id(c): csrf_token(c.get(page, params={"tz": INVITEE_ZONE}).text) for c in clients}
        slots = SlotsPage(page)
        run_phase("warm-up", clients, 1, args.rate, slots)
        phases = [run_phase("slots page (empty calendar)", clients, args.seconds, args.rate, slots)]
        booking = BookingPost(page, starts, tokens)
        phases.append(run_phase("booking POST", clients, args.seconds, args.rate, booking))
        booked = len(phases[-1].latencies_ms) - len(phases[-1].errors)
        phases.append(
            run_phase(f"slots page ({booked} bookings)", clients, args.seconds, args.rate, slots)
        )
        for client in clients:
            client.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
    return phases


if __name__ == "__main__":
    sys.exit(main())
