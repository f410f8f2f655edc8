"""slotlink's web process (gunicorn, as `slotlink run` and a deployment start it) on a free
port, for tests that need real HTTP to a separate process: its own database settings,
metrics directory or log format, its output collected."""

from __future__ import annotations

import os
import sys
import time

import httpx

from tests.child_process import ROOT, ChildProcess
from tests.ports import free_port


class WebProcess(ChildProcess):
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config=python:slotlink.config.gunicorn",
                "slotlink.config.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=2",
                "--no-control-socket",
            ],
            env={"PYTHONPATH": str(ROOT), **os.environ, "SLOTLINK_MODE": "test", **env},
        )

    def __enter__(self) -> WebProcess:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError("gunicorn did not start:\n" + "".join(self.output))

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self, timeout: float = 20) -> None:
        super().stop(timeout)
