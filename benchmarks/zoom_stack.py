"""The real stack for the Zoom meeting benchmark: sandbox, gunicorn and task workers as
processes on one database, and the sandbox's control API.

The benchmark's own process sets the environment (demo mode, a data directory, the
database, Zoom pointing at the sandbox with the same app credentials on both sides),
migrates and seeds through the product's services, then starts the processes below with
that same environment, as `slotlink run` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.limits import BOOKING_LIMITS_OFF
from benchmarks.ports import free_port
from benchmarks.sandbox_creates import cpu_seconds
from benchmarks.zoom_mailbox import BACKEND

READY_TIMEOUT = 60
ROOT = Path(__file__).resolve().parents[1]
# The Zoom app both sides agree on (the sandbox registers it from the same variables).
APP = {
    "ZOOM_CLIENT_ID": "bench-client-id",
    "ZOOM_CLIENT_SECRET": "bench-client-secret",
    "ZOOM_WEBHOOK_SECRET_TOKEN": "bench-webhook-secret-token",
}


def configure_environment(
    data_dir: str, database_url: str, web_port: int, sandbox_port: int
) -> None:
    """Demo-mode slotlink on the benchmark's database, talking to the benchmark's sandbox.
    This process runs this checkout's code too (it seeds and reads through the product's
    models, which must match the migrations its processes ran)."""
    if str(ROOT / "src") not in sys.path[:1]:
        sys.path.insert(0, str(ROOT / "src"))
    for key in list(os.environ):
        if key.startswith(("SLOTLINK_", "DATABASE_URL", "ZOOM_", "SANDBOX_")) or key in {
            "DEBUG",
            "LOG_LEVEL",
            "EMAIL_BACKEND",
            "PORT",
        }:
            del os.environ[key]
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    os.environ.update(
        {
            "SLOTLINK_MODE": "demo",
            "SLOTLINK_DATA_DIR": data_dir,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "slotlink.config.settings",
            "LOG_LEVEL": "WARNING",
            "PORT": str(web_port),
            "SANDBOX_PORT": str(sandbox_port),
            "ZOOM_OAUTH_BASE_URL": sandbox,
            "ZOOM_API_BASE_URL": f"{sandbox}/v2",
            "ZOOM_REDIRECT_URI": f"http://127.0.0.1:{web_port}/360/integrations/zoom/callback",
            # Zoom's 5/20/60-minute webhook retries in a hundredth of the time, as the demo.
            "SANDBOX_WEBHOOK_RETRY_SCALE": "0.01",
            # This checkout's code, ahead of the one installed in the virtualenv (which is
            # another checkout's when a git worktree is measured).
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "EMAIL_BACKEND": BACKEND,
            "BENCH_MAIL_DIR": str(mail_dir(data_dir)),
            **APP,
            **BOOKING_LIMITS_OFF,  # the benchmarks book from one address, far past them
        }
    )


def mail_dir(data_dir: str | Path) -> Path:
    """Where the benchmark's email backend notes what was sent."""
    path = Path(data_dir) / "mail"
    path.mkdir(parents=True, exist_ok=True)
    return path


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - localhost
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {READY_TIMEOUT} s")


@dataclass
class Stack:
    """The processes: one sandbox, gunicorn as `slotlink run` starts it, and workers."""

    data_dir: Path
    web_port: int
    sandbox_port: int
    worker_args: list[str]
    sandbox: subprocess.Popen[bytes] | None = None
    web: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.data_dir / f"{name}.log").open("ab")
        return subprocess.Popen(argv, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)

    def start_sandbox(self) -> None:
        self.sandbox = self._start(
            "sandbox",
            [
                *(sys.executable, "-m", "zoom_sandbox"),
                *("--port", str(self.sandbox_port), "--log-level", "warning"),
            ],
        )
        wait_until_up(f"{self.sandbox_url}/_sandbox/health", self.sandbox)

    def start_web(self) -> None:
        self.web = self._start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "slotlink.config.wsgi:application",
                f"--bind=127.0.0.1:{self.web_port}",
                "--workers=2",
                "--threads=4",
                "--graceful-timeout=5",
                "--no-control-socket",
            ],
        )
        wait_until_up(f"{self.web_url}/healthz", self.web)

    def start_workers(self, count: int) -> None:
        for _ in range(count):
            number = len(self.workers) + 1
            self.workers.append(
                self._start(
                    f"worker-{number}",
                    [sys.executable, "-m", "slotlink", "db_worker", *self.worker_args],
                )
            )

    def workers_cpu_seconds(self) -> float:
        return sum(cpu_seconds(worker.pid) or 0.0 for worker in self.workers)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time so far of the web server (its workers too), the workers, the sandbox."""
        web = self.web.pid if self.web else 0
        return {
            "web": sum(cpu_seconds(pid) or 0.0 for pid in (web, *child_pids(web))),
            "workers": self.workers_cpu_seconds(),
            "sandbox": (cpu_seconds(self.sandbox.pid) or 0.0) if self.sandbox else 0.0,
        }

    def stop_workers(self) -> None:
        _stop(self.workers)
        self.workers = []

    def restart_with(self, **environment: str) -> None:
        """Web and workers again, with these variables changed (e.g. a shorter bound on
        waiting for a link, which each process reads when it starts)."""
        workers = len(self.workers)
        _stop([*self.workers, *([self.web] if self.web else [])])
        self.workers, self.web = [], None
        for name, value in environment.items():
            if value:
                os.environ[name] = value
            else:
                os.environ.pop(name, None)
        self.start_web()
        self.start_workers(workers)

    def stop(self) -> None:
        _stop([*self.workers, *(p for p in (self.web, self.sandbox) if p is not None)])
        self.workers, self.web, self.sandbox = [], None, None


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class SandboxControl:
    """The sandbox's control API (`/_sandbox/`), as tests/fixtures/zoom_sandbox.py drives it."""

    def __init__(self, base_url: str) -> None:
        # Changes must say they are JSON, bodiless ones too.
        self.http = httpx.Client(
            base_url=f"{base_url}/_sandbox",
            headers={"Content-Type": "application/json"},
            timeout=60,
        )

    def _ok(self, response: httpx.Response) -> Any:
        if response.status_code >= 300:
            raise RuntimeError(
                f"sandbox {response.request.url}: {response.status_code} {response.text}"
            )
        return response.json() if response.content else None

    def faults(self, **faults: Any) -> None:
        self._ok(self.http.put("/faults", json=faults))

    def limits(self, **limits: Any) -> None:
        self._ok(self.http.put("/limits", json=limits))

    def configure_app(self, **changes: Any) -> dict[str, Any]:
        return dict(self._ok(self.http.put("/app", json=changes)))

    def create_user(self, email: str, **fields: Any) -> dict[str, Any]:
        body = {"email": email, "password": "bench-password", **fields}
        return dict(self._ok(self.http.post("/users", json=body)))

    def tokens(self, user_id: str) -> dict[str, Any]:
        return dict(self._ok(self.http.post(f"/users/{user_id}/tokens", json={})))

    def expire_tokens(self, user_id: str) -> None:
        self._ok(self.http.post(f"/users/{user_id}/expire-tokens"))

    def requests(self) -> list[dict[str, Any]]:
        return list(self._ok(self.http.get("/requests")))

    def clear_requests(self) -> None:
        self._ok(self.http.delete("/requests"))

    def webhooks(self) -> list[dict[str, Any]]:
        return list(self._ok(self.http.get("/webhooks")))

    def subscription(self) -> dict[str, Any]:
        return dict(self._ok(self.http.get("/webhooks/subscription")))

    def close(self) -> None:
        self.http.close()


# The processes `slotlink run` starts, by a word of their command lines.
PROCESS_NAMES = {"gunicorn": "web", "db_worker": "worker", "scheduler": "scheduler"}


def children_cpu(supervisor: int) -> dict[str, float]:
    """CPU seconds so far of each process `supervisor` started, with its own children."""
    found: dict[str, float] = {}
    for pid in child_pids(supervisor):
        try:
            words = [w.decode() for w in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")]
        except OSError:
            continue
        name = next((PROCESS_NAMES[w] for w in words if w in PROCESS_NAMES), "sandbox")
        found[name] = sum(cpu_seconds(p) or 0.0 for p in (pid, *child_pids(pid)))
    return found


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy since boot (all CPUs; Linux only)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(n) for n in stat.readline().split()[1:]]
    except OSError:
        return float("nan")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class MachineShare:
    """How busy the machine was over a stretch, and how much of that was not this
    benchmark (its processes and its own client threads): other work on a shared machine."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.began = time.monotonic()
        self.busy = machine_busy_seconds()
        self.ours = self._ours()

    def _ours(self) -> float:
        return sum(self.stack.cpu_seconds().values()) + time.process_time()

    def __str__(self) -> str:
        cpus = (time.monotonic() - self.began) * (os.cpu_count() or 1)
        busy = (machine_busy_seconds() - self.busy) / cpus
        ours = (self._ours() - self.ours) / cpus
        return f"machine {busy:.0%} busy, other work {max(0.0, busy - ours):.0%}"


def new_stack(data_dir: Path, worker_args: list[str]) -> Stack:
    return Stack(data_dir, free_port(), free_port(), worker_args)
