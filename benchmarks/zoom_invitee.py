"""P2 as the invitee sees it, under `make run`'s own processes: from the booking POST's
answer until the join link shows on the confirmation page.

Starts `python -m slotlink run` itself (the supervisor `make run` starts: gunicorn, the
niced task worker, the scheduler and the sandbox with its state file, demo data, emails
into the demo's outbox, or with `--mail-to-files` noted in files as zoom_mailbox.py does)
in a fresh data directory, on SQLite or the PostgreSQL database of `--database-url`. Then,
through the product's services, an organization with Zoom on and hosts whose own Zoom is
connected (tokens the sandbox issued; Pro, or `--zoom-plan business`), each with a
15-minute Zoom event type; the sandbox answers every Zoom call `--latency-ms` late (2 s).

Each booking is made as a browser makes it: GET the booking page, POST the form, follow
the redirect to the confirmation page, then ask for that page again as the page's own htmx
polling does (`hx-trigger="every Ns"`, N read from the page) until the join link is in it.
The invitee's time to link is from the POST's answer to the answer that showed the link.
First `--singles` bookings one at a time, then `--bursts` bursts of `--burst-size`
bookings of one host due at the same instant, posted by `--burst-clients` clients (each
booking's page then polls on its own), then `--spread-bursts` such bursts spread over
`--spread-hosts` hosts with a Zoom account each (Zoom limits each account's creates a
second, and the product paces them to that limit). Per booking, the steps come from the
database, the task queue and the sandbox's request log (one clock: one machine), so the
table says where the time goes: the POST, the wait for a worker, the work before the Zoom
call, Zoom, storing the link, and the wait for the page's next poll.

    python -m benchmarks.zoom_invitee [--database-url postgres://...] [--bursts 5]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks import results
from benchmarks.ports import free_port
from benchmarks.zoom_common import Line, at, lines_report, percentile, take
from benchmarks.zoom_load import booking_post, browser_sessions, run_threads
from benchmarks.zoom_stack import (
    SandboxControl,
    child_pids,
    children_cpu,
    configure_environment,
    wait_until_up,
)

P2_BAR_SECONDS = 2.5
POLL = re.compile(r'hx-trigger="every (\d+(?:\.\d+)?)(ms|s)"')
LINK = re.compile(r'<dd id="where"[^>]*>.*?<a href="([^"]+)"', re.S)
GIVE_UP_SECONDS = 60


@dataclass
class Seen:
    """One booking as its invitee lived it (time.time() values)."""

    email: str
    due: float
    answered: float = 0.0
    loaded: float = 0.0  # the confirmation page, just after the POST's redirect
    shown: float = 0.0  # the answer that showed the link (0: never)
    poll_seconds: float = 0.0
    polls: int = 0  # the page's requests after its load
    error: str = ""


def start_run(data_dir: Path, web_port: int, sandbox_port: int) -> subprocess.Popen[bytes]:
    """`slotlink run` as `make run` starts it, its output in run.log."""
    log = (data_dir / "run.log").open("ab")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "slotlink", "run"),
            f"--port={web_port}",
            f"--sandbox-port={sandbox_port}",
        ],
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_up(f"http://127.0.0.1:{sandbox_port}/_sandbox/health", process)
    wait_until_up(f"http://127.0.0.1:{web_port}/readyz", process)
    return process


def stop_run(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C to the supervisor, as a person ends `make run`; whatever it started and left
    behind (its children run in sessions of their own) is stopped after it."""
    children = {pid: _command(pid) for pid in child_pids(process.pid)}
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid, command in children.items():
        if command and _command(pid) == command:  # still the one it started
            os.kill(pid, signal.SIGTERM)
            print(f"  slotlink run left process {pid} running; stopped it", flush=True)


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def seed_hosts(control: SandboxControl, count: int, slots: int, plan: str) -> list[Any]:
    """An organization with Zoom on and `count` hosts, each with their own Zoom connected
    (an account of its own, so each has its own share of Zoom's per-account rate)."""
    from benchmarks.zoom_seed import host_create, zoom_connect
    from slotlink.accounts.models import Membership, User
    from slotlink.accounts.services import membership_create, organization_create, user_create
    from slotlink.zoom.rollout import zoom_enable

    organization = organization_create(name="Invitee bench", slug="invitee-bench")
    admin = user_create(email="admin@invitee-bench.test", full_name="Admin", password=None)
    membership_create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    zoom_enable(organization=organization)
    hosts = []
    for number in range(count):
        host = host_create(organization=organization, name=f"host-{number}", slots=slots)
        zoom_connect(
            control,
            organization=organization,
            owner=User.objects.get(pk=host.user_id),
            email=f"host-{number}-zoom@invitee-bench.test",
            role="personal",
            plan=plan,
        )
        hosts.append(host)
    return hosts


def book(http: httpx.Client, token: str, page: str, start: datetime, seen: Seen) -> str:
    """POST the booking form as a browser does; returns the confirmation page's URL."""
    response = booking_post(http, page, token, start, name="Invitee", email=seen.email)
    seen.answered = time.time()
    if response.status_code != 302:
        raise RuntimeError(f"booking: HTTP {response.status_code}")
    return str(response.headers["location"])


def watch(base: str, location: str, seen: Seen) -> None:
    """Load the confirmation page, then poll it as its htmx does until the link shows."""
    with httpx.Client(base_url=base, timeout=30) as browser:
        html = browser.get(location).text
        seen.loaded = time.time()
        if LINK.search(html):
            seen.shown = seen.loaded
            return
        match = POLL.search(html)
        if not match:
            seen.error = "no link and no polling on the confirmation page"
            return
        seen.poll_seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
        tick = seen.loaded
        while time.time() - seen.answered < GIVE_UP_SECONDS:
            tick += seen.poll_seconds  # htmx's timer runs from the page's load
            time.sleep(max(0.0, tick - time.time()))
            html = browser.get(location, headers={"HX-Request": "true"}).text
            seen.polls += 1
            if LINK.search(html):
                seen.shown = time.time()
                return
        seen.error = "no link within a minute"


def round_of_bookings(
    base: str, bookings: list[tuple[str, datetime]], clients: int, tag: str
) -> list[Seen]:
    """Bookings (booking page, start) due at the same instant, posted by `clients`
    clients; each one's page is then watched on its own, as each invitee's browser would."""
    seens = [Seen(f"{tag}-{n}@invitee.test", 0.0) for n in range(len(bookings))]
    watchers: list[threading.Thread] = []
    lock = threading.Lock()
    sessions = browser_sessions(bookings[0][0], clients)
    due = time.time() + 0.1

    def post(index: int) -> None:
        for number in range(index, len(bookings), clients):
            seen = seens[number]
            seen.due = due
            time.sleep(max(0.0, due - time.time()))
            try:
                location = book(*sessions[index], *bookings[number], seen)
            except (httpx.HTTPError, RuntimeError) as failure:
                seen.error = str(failure)
                continue
            thread = threading.Thread(target=watch, args=(base, location, seen))
            thread.start()
            with lock:
                watchers.append(thread)

    run_threads([threading.Thread(target=post, args=(i,)) for i in range(clients)])
    run_threads(watchers, started=True)
    for http, _ in sessions:
        http.close()
    return seens


def steps(seens: list[Seen], log: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Where each booking's time went, in seconds, from the database, the task queue and
    the sandbox's log."""
    from django_tasks_db.models import DBTaskResult

    from slotlink.scheduling.models import Booking
    from slotlink.zoom.models import ZoomMeeting

    by_email = {s.email: s for s in seens if s.shown}
    bookings = dict(
        Booking.objects.filter(invitee_email__in=by_email).values_list("id", "invitee_email")
    )
    meetings = {
        m.id: m
        for m in ZoomMeeting.objects.filter(booking_id__in=bookings).exclude(link_ready_at=None)
    }
    syncs: dict[int, Any] = {}
    for task in DBTaskResult.objects.filter(
        task_path__endswith="zoom_meeting_sync", started_at__isnull=False
    ).order_by("started_at"):
        args = task.args_kwargs.get("args") or []
        if args and args[0] in meetings and args[0] not in syncs:
            syncs[args[0]] = task
    creates = {
        int(e["response_body"]["id"]): e
        for e in log
        if e["method"] == "POST"
        and e["path"].endswith("/meetings")
        and isinstance(e["response_body"], dict)
        and "id" in e["response_body"]
    }
    out: dict[str, list[float]] = {}
    for meeting_id, meeting in meetings.items():
        seen = by_email[bookings[meeting.booking_id]]
        task, create = syncs.get(meeting_id), creates.get(meeting.zoom_meeting_id or 0)
        if task is None or create is None:
            continue
        asked = at(create)
        answered = asked + create["duration_ms"] / 1000
        ready = meeting.link_ready_at.timestamp()
        started = task.started_at.timestamp()
        for name, seconds in (
            ("POST, due to answer", seen.answered - seen.due),
            ("booking committed to its sync's start", started - meeting.created_at.timestamp()),
            ("sync's start to its Zoom call", asked - started),
            ("Zoom's answer (sandbox latency included)", answered - asked),
            ("Zoom's answer to the link stored", ready - answered),
            ("link stored to the page showing it (the poll's wait)", seen.shown - ready),
            ("POST's answer to the link stored", ready - seen.answered),
        ):
            out.setdefault(name, []).append(seconds)
    return out


def summary(name: str, seens: list[Seen], bar: bool) -> Line:
    shown = [s.shown - s.answered for s in seens if s.shown]
    missing = len(seens) - len(shown)
    p95 = percentile(shown, 95) if not missing else float("inf")
    poll = max((s.poll_seconds for s in seens), default=0.0)
    return Line(
        f"{name} ({len(seens)} bookings; the page polls every {poll:g} s)",
        f"p50 {percentile(shown, 50):.2f} s, p95 {p95:.2f} s, max {max(shown, default=0):.2f} s"
        + (f"; {missing} never showed it" if missing else ""),
        f"<= {P2_BAR_SECONDS} s" if bar else results.NO_BAR,
        p95 <= P2_BAR_SECONDS if bar else True,
    )


def cpu_per_booking(supervisor: int, before: dict[str, float], bookings: int) -> str:
    after = children_cpu(supervisor)
    return ", ".join(
        f"{name} {(after[name] - before.get(name, 0.0)) / max(1, bookings) * 1000:.0f} ms"
        for name in after
    )


def cost_line(name: str, seens: list[Seen], cpu: str) -> Line:
    polls = sum(s.polls for s in seens) / max(1, len(seens))
    return Line(
        f"{name}: CPU per booking of `slotlink run`'s processes; the page's polls per booking",
        f"{cpu}; {polls:.1f} polls",
        results.NO_BAR,
        True,
    )


def step_lines(name: str, table: dict[str, list[float]]) -> list[Line]:
    return [
        Line(
            f"{name}: {step}",
            f"p50 {percentile(values, 50):.2f} s, p95 {percentile(values, 95):.2f} s",
            results.NO_BAR,
            True,
        )
        for step, values in table.items()
    ]


def measure(args: argparse.Namespace, data_dir: Path, database_url: str) -> list[Line]:
    web_port, sandbox_port = free_port(), free_port()
    configure_environment(str(data_dir), database_url, web_port, sandbox_port)
    if not args.mail_to_files:  # `make run`'s own: the demo's outbox
        for name in ("EMAIL_BACKEND", "BENCH_MAIL_DIR"):
            os.environ.pop(name, None)
    if args.zoom_plan == "business":  # Zoom's Business+ limits (REFERENCE §5), paced to
        os.environ["ZOOM_RATE_LIMITS"] = "light=80,medium=60"
    process = start_run(data_dir, web_port, sandbox_port)
    control = SandboxControl(f"http://127.0.0.1:{sandbox_port}")
    base = f"http://127.0.0.1:{web_port}"
    size = args.burst_size
    sets = [  # name, rounds, clients, hosts the bookings of a round go to
        ("one booking at a time", args.singles, 1, 1),
        (f"bursts of {size} ({args.burst_clients} clients), one host", args.bursts, size, 1),
        (
            f"bursts of {size} ({args.burst_clients} clients) over {args.spread_hosts} hosts, "
            "each with their own Zoom account",
            args.spread_bursts,
            size,
            args.spread_hosts,
        ),
    ]
    lines: list[Line] = []
    try:
        import django

        django.setup()
        control.limits(host_create_update_per_day=1_000_000)
        hosts = seed_hosts(
            control,
            max(1, args.spread_hosts),
            slots=args.singles + (args.bursts + args.spread_bursts) * size + 1,
            plan=args.zoom_plan,
        )
        control.faults(latency_ms=args.latency_ms)
        for name, rounds, count, spread in sets:
            clients = 1 if count == 1 else args.burst_clients
            print(f"{name}: {rounds} rounds ...", flush=True)
            control.clear_requests()
            cpu = children_cpu(process.pid)
            seens: list[Seen] = []
            for number in range(rounds):
                bookings = [
                    (hosts[n % spread].page(base), take(hosts[n % spread], 1)[0])
                    for n in range(count)
                ]
                seens += round_of_bookings(base, bookings, clients, f"{len(lines)}-{number}")
                time.sleep(args.pause)
            if not seens:
                continue
            lines += [
                summary(f"P2 as the invitee sees it, {name}", seens, True),
                cost_line(name, seens, cpu_per_booking(process.pid, cpu, len(seens))),
                *step_lines(name, steps(seens, control.requests())),
            ]
    finally:
        control.close()
        stop_run(process)
        from django.db import connections

        connections.close_all()
    return sorted(lines, key=lambda line: not line.name.startswith("P2"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="", help="postgres://... of a throwaway database")
    parser.add_argument("--latency-ms", type=int, default=2000, help="Zoom's (the sandbox's)")
    parser.add_argument("--singles", type=int, default=10)
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--burst-size", type=int, default=12)
    parser.add_argument("--burst-clients", type=int, default=4)
    parser.add_argument("--spread-bursts", type=int, default=5, help="bursts over many hosts")
    parser.add_argument("--spread-hosts", type=int, default=12)
    parser.add_argument(
        "--zoom-plan",
        choices=["pro", "business"],
        default="pro",
        help="the hosts' Zoom plan; business also paces to its limits (ZOOM_RATE_LIMITS)",
    )
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between rounds")
    parser.add_argument(
        "--mail-to-files",
        action="store_true",
        help="emails noted in files (zoom_mailbox.py), not parsed into the demo's outbox",
    )
    parser.add_argument("--keep", metavar="DIR", help="keep the data (and run.log) in DIR")
    results.json_option(parser)
    args = parser.parse_args(argv)
    postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url and not postgres:
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")

    from benchmarks.zoom_sync_log import throwaway_database

    with tempfile.TemporaryDirectory(prefix="slotlink-bench-invitee-") as temporary:
        data_dir = Path(args.keep or temporary)
        data_dir.mkdir(parents=True, exist_ok=True)
        with throwaway_database(args.database_url, data_dir) as database_url:
            lines = measure(args, data_dir, database_url)
    label = "PostgreSQL" if postgres else "SQLite"
    print(f"\n{label}; slotlink run (gunicorn, one niced db_worker, scheduler, sandbox)\n")
    lines_report(
        lines,
        benchmark="benchmarks.zoom_invitee",
        title="P2 as the invitee sees it, under slotlink run",
        argv=argv,
        notes=[f"{label}; Zoom ({args.zoom_plan} plan) answering in {args.latency_ms} ms"],
        json_path=args.json,
    )
    return 0 if all(line.passed for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
