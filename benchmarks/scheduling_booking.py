"""Public slots page and booking POST latency on SQLite, at 10 concurrent clients.

Runs the real stack as `slotlink run` does, in a fresh data directory: migrates a SQLite
database, creates one organization with a host who takes 15-minute meetings around the
clock (so thousands of distinct slots exist), then starts gunicorn with the same options
as `slotlink run` (2 workers x 4 threads) and a `db_worker`, which sends each booking's
emails (into the demo outbox, in the same database) while the benchmark runs.

Phases, each after a short warm-up, with `--clients` threads each holding one keep-alive
httpx client:
  1. slots page   GET  /book/<org>/<event>?tz=Europe/Berlin  (an empty calendar)
  2. booking      POST /book/<org>/<event>  each client books its own free slots (302)
  3. slots page   again, now that the host has every booking of phase 2

    python -m benchmarks.scheduling_booking [--seconds 10] [--clients 10]

Prints p50/p95/p99 latency and requests/s per phase, and exits non-zero on any error
response (a booking refused, a 5xx, a timeout).
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
from benchmarks.ports import free_port

ORGANIZATION = "bench"
EVENT = "quick-call"
INVITEE_ZONE = "Europe/Berlin"
READY_TIMEOUT = 60


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


def start_stack(env: dict[str, str], port: int) -> list[subprocess.Popen[bytes]]:
    """gunicorn and a task worker, with the options `slotlink run` uses."""
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
    worker = [sys.executable, "-m", "slotlink", "db_worker", "--interval=0.1", "--nice=10"]
    return [
        subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for argv in (web, worker)
    ]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the booking page")
    return match.group(1)


def run_phase(
    name: str, clients: list[httpx.Client], seconds: float, request: RequestMaker
) -> Phase:
    phase = Phase(name)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(index: int) -> None:
        sequence = 0
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            try:
                error = request(clients[index], index, sequence)
            except httpx.HTTPError as failure:
                error = f"{type(failure).__name__}: {failure}"
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                phase.latencies_ms.append(elapsed)
                if error:
                    phase.errors.append(error)
            sequence += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(clients))]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - began
    return phase


class RequestMaker(Protocol):
    """One request of a phase: returns an error description, or "" when it went right."""

    def __call__(self, client: httpx.Client, index: int, sequence: int) -> str: ...


class SlotsPage(RequestMaker):
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, client: httpx.Client, index: int, sequence: int) -> str:
        response = client.get(self.url, params={"tz": INVITEE_ZONE})
        if response.status_code != 200 or 'name="start"' not in response.text:
            return f"slots page: {response.status_code}"
        return ""


class BookingPost(RequestMaker):
    """Client i books starts i, i + clients, i + 2 * clients, ...: never the same one."""

    def __init__(self, url: str, starts: list[str], tokens: list[str], clients: int) -> None:
        self.url, self.starts, self.tokens, self.clients = url, starts, tokens, clients

    def __call__(self, client: httpx.Client, index: int, sequence: int) -> str:
        position = index + sequence * self.clients
        if position >= len(self.starts):
            return "ran out of free slots"
        response = client.post(
            self.url,
            data={
                "csrfmiddlewaretoken": self.tokens[index],
                "start": self.starts[position],
                "time_zone": INVITEE_ZONE,
                "name": f"Invitee {index}-{sequence}",
                "email": f"invitee{index}.{sequence}@bench.test",
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
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--prepare", metavar="SLOTS_FILE", help=argparse.SUPPRESS)
    results.json_option(parser)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.prepare)
        return 0

    with tempfile.TemporaryDirectory(prefix="slotlink-bench-") as data_dir:
        port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "SLOTLINK_"))
        } | {
            "SLOTLINK_MODE": "demo",
            "SLOTLINK_DATA_DIR": data_dir,
            "PORT": str(port),
            "DJANGO_SETTINGS_MODULE": "slotlink.config.settings",
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }
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
            tokens = [csrf_token(c.get(page, params={"tz": INVITEE_ZONE}).text) for c in clients]
            slots = SlotsPage(page)
            run_phase("warm-up", clients, 1, slots)
            phases = [run_phase("slots page (empty calendar)", clients, args.seconds, slots)]
            booking = BookingPost(page, starts, tokens, args.clients)
            phases.append(run_phase("booking POST", clients, args.seconds, booking))
            booked = len(phases[-1].latencies_ms) - len(phases[-1].errors)
            phases.append(
                run_phase(f"slots page ({booked} bookings)", clients, args.seconds, slots)
            )
            for client in clients:
                client.close()
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=15)

    print(
        f"\n{args.clients} clients, {args.seconds:.0f} s per phase; "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}\n"
    )
    print("| phase | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for phase in phases:
        print(phase.row())
    failures = [error for phase in phases for error in phase.errors]
    results.write(
        results.Result(
            benchmark="benchmarks.scheduling_booking",
            title="Scheduling: booking page and booking POST",
            argv=results.argv_without_json(argv),
            notes=[f"SQLite, {args.clients} clients, {args.seconds:g} s per phase"],
            rows=[
                results.Row(
                    f"{phase.name}: req/s, p50, p95",
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


if __name__ == "__main__":
    sys.exit(main())
