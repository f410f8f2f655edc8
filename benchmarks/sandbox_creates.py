"""How fast the Zoom sandbox starts and how many meeting creates per second it serves.

Starts `python -m zoom_sandbox` as a subprocess (state in memory, faults off, rate
limits off), times start-up until `/_sandbox/health` answers, then has concurrent httpx
clients, one per client process, create meetings for a fixed time. The sandbox must
never be what limits the product's own benchmarks: the bar is under 2 s to start and
at least 500 creates/s.

    python -m benchmarks.sandbox_creates [--seconds 10] [--clients 3] [--startups 3]

Creates/s is the throughput of clients that send the next create as soon as the last one
is answered. Latency is measured apart from it, at the bar's rate (500 creates due a
second, an open loop): each create's latency counts from when it was due, so a stalled
sandbox cannot hide the queue behind it.

Each client is a synchronous `httpx.Client` with keep-alive in its own process: httpx's
async pool spends more CPU per request than the sandbox does, so on a small machine
async clients would measure the client instead of the server.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx

from benchmarks import results
from benchmarks.ports import free_port

MEETING = {
    "topic": "Benchmark call",
    "type": 2,
    "start_time": "2030-01-01T10:00:00Z",
    "duration": 30,
    "timezone": "UTC",
    "agenda": "slotlink:benchmark",
    "settings": {"waiting_room": True, "join_before_host": False},
}
BAR_STARTUP_SECONDS = 2.0
BAR_CREATES_PER_SECOND = 500
OPEN_LOOP_CLIENTS = 4  # the open-loop phase's client processes, each sending every 4th


@dataclass
class Outcome:
    creates: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)


@dataclass
class Result:
    startup_seconds: list[float]
    outcome: Outcome
    seconds: float
    server_cpu_seconds: float | None
    due_latencies_ms: list[float] = field(default_factory=list)  # open loop, at the bar
    due_errors: int = 0

    @property
    def per_second(self) -> float:
        return self.outcome.creates / self.seconds

    @property
    def passed(self) -> bool:
        return (
            max(self.startup_seconds) < BAR_STARTUP_SECONDS
            and self.per_second >= BAR_CREATES_PER_SECOND
            and not self.outcome.errors
            and not self.due_errors
        )


def start_sandbox(
    port: int, state_file: str | None = None
) -> tuple[subprocess.Popen[bytes], float]:
    """Start the sandbox; return it and the seconds until it answered."""
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_STATE_FILE"}
    if state_file:
        env["SANDBOX_STATE_FILE"] = state_file
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "zoom_sandbox", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    with httpx.Client() as client:
        while True:
            try:
                client.get(f"http://127.0.0.1:{port}/_sandbox/health")
                return process, time.perf_counter() - started
            except httpx.TransportError:
                if process.poll() is not None:
                    raise SystemExit("The sandbox exited during start-up.") from None
                time.sleep(0.005)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux only)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client(job: tuple[str, str, float, float, float, int]) -> Outcome:
    """One client: create meetings from `start_at` for `seconds`, back to back (rate 0), or
    those due at i / rate s whose i is `offset` modulo the clients (an open loop: latency
    from the due time)."""
    base_url, token, start_at, seconds, rate, offset = job
    outcome = Outcome()
    with httpx.Client(
        base_url=f"{base_url}/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        http.get("/users/me")  # open the connection before the clock starts
        time.sleep(max(0.0, start_at - time.time()))
        deadline = start_at + seconds
        number = offset
        while time.time() < deadline:
            began = time.time()
            if rate:
                began = start_at + number / rate
                number += OPEN_LOOP_CLIENTS
                if began >= deadline:
                    break
                time.sleep(max(0.0, began - time.time()))
            response = http.post("/users/me/meetings", json=MEETING)
            outcome.latencies_ms.append((time.time() - began) * 1000)
            if response.status_code == 201:
                outcome.creates += 1
            else:
                outcome.errors += 1
    return outcome


def run(seconds: float, clients: int, startups: int, state_file: str | None = None) -> Result:
    startup = []
    for _ in range(startups - 1):
        process, took = start_sandbox(free_port())
        startup.append(took)
        stop(process)
    port = free_port()
    process, took = start_sandbox(port, state_file)
    startup.append(took)
    base_url = f"http://127.0.0.1:{port}"
    try:
        json_only = {"Content-Type": "application/json"}  # control changes must be JSON
        with httpx.Client(base_url=f"{base_url}/_sandbox", headers=json_only) as control:
            control.put("/limits", json={"enabled": False}).raise_for_status()
            user = control.post(
                "/users", json={"email": "bench@example.com", "password": "pw"}
            ).json()
            token = control.post(f"/users/{user['id']}/tokens").json()["access_token"]
        with multiprocessing.Pool(clients) as pool:
            client((base_url, token, time.time(), 1.0, 0.0, 0))  # warm the server's code paths
            cpu_before = cpu_seconds(process.pid)
            start_at = time.time() + 1.0  # time for every client process to get ready
            outcomes = pool.map(client, [(base_url, token, start_at, seconds, 0.0, 0)] * clients)
            cpu_after = cpu_seconds(process.pid)
        with multiprocessing.Pool(OPEN_LOOP_CLIENTS) as pool:
            start_at = time.time() + 1.0
            rate = float(BAR_CREATES_PER_SECOND)
            due = pool.map(
                client,
                [(base_url, token, start_at, seconds, rate, n) for n in range(OPEN_LOOP_CLIENTS)],
            )
    finally:
        stop(process)
    total = Outcome(
        creates=sum(o.creates for o in outcomes),
        errors=sum(o.errors for o in outcomes),
        latencies_ms=[latency for o in outcomes for latency in o.latencies_ms],
    )
    server_cpu = (
        cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    )
    return Result(
        startup,
        total,
        seconds,
        server_cpu,
        [latency for o in due for latency in o.latencies_ms],
        sum(o.errors for o in due),
    )


def report(result: Result, clients: int) -> str:
    latencies = sorted(result.outcome.latencies_ms)
    p50 = statistics.median(latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "start-up until /_sandbox/health answers: "
        + ", ".join(f"{s:.2f}" for s in result.startup_seconds)
        + f" s (max {max(result.startup_seconds):.2f} s)",
        f"meeting creates: {result.outcome.creates} in {result.seconds:.0f} s = "
        f"{result.per_second:.0f}/s from {clients} concurrent httpx clients; "
        f"errors: {result.outcome.errors}",
        f"time per create, back to back: p50 {p50:.1f} ms, p99 {p99:.1f} ms",
        f"latency per create from its due time, {BAR_CREATES_PER_SECOND} due a second: "
        f"{due_summary(result)}",
    ]
    if result.server_cpu_seconds is not None and result.outcome.creates:
        per_create = result.server_cpu_seconds / result.outcome.creates * 1000
        lines.append(f"sandbox CPU per create: {per_create:.2f} ms")
    return "\n".join(lines)


def due_summary(result: Result) -> str:
    due = sorted(result.due_latencies_ms) or [float("nan")]
    return (
        f"p50 {statistics.median(due):.1f} ms, p95 {due[max(0, int(len(due) * 0.95) - 1)]:.1f} "
        f"ms, p99 {due[max(0, int(len(due) * 0.99) - 1)]:.1f} ms; {result.due_errors} errors"
    )


def summary(result: Result, clients: int, argv: list[str]) -> results.Result:
    return results.Result(
        benchmark="benchmarks.sandbox_creates",
        title="Zoom sandbox: start-up and meeting creates",
        argv=argv,
        rows=[
            results.Row(
                f"start-up until it answers (max of {len(result.startup_seconds)})",
                f"{max(result.startup_seconds):.2f} s",
                f"< {BAR_STARTUP_SECONDS:g} s",
                max(result.startup_seconds) < BAR_STARTUP_SECONDS,
            ),
            results.Row(
                f"meeting creates/s ({clients} clients, back to back)",
                f"{result.per_second:.0f}/s, {result.outcome.errors} errors",
                f">= {BAR_CREATES_PER_SECOND:g}/s, no error",
                result.per_second >= BAR_CREATES_PER_SECOND and not result.outcome.errors,
            ),
            results.Row(
                f"create latency from its due time, {BAR_CREATES_PER_SECOND} due a second "
                f"({OPEN_LOOP_CLIENTS} clients): p50, p95, p99",
                due_summary(result),
                "no error",
                not result.due_errors,
            ),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Zoom sandbox start-up and create throughput.")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to create")
    parser.add_argument("--clients", type=int, default=3, help="concurrent client processes")
    parser.add_argument("--startups", type=int, default=3, help="start-ups to time")
    parser.add_argument(
        "--state-file", help="measure with state kept in this file (as under make run)"
    )
    results.json_option(parser)
    args = parser.parse_args(argv)
    result = run(args.seconds, args.clients, args.startups, args.state_file)
    print(report(result, args.clients))
    results.write(summary(result, args.clients, results.argv_without_json(argv)), args.json)
    if result.passed:
        print("PASS: starts in < 2 s and serves >= 500 meeting creates/s")
        return 0
    print("FAIL: the sandbox must start in < 2 s and serve >= 500 meeting creates/s")
    return 1


if __name__ == "__main__":
    sys.exit(main())
