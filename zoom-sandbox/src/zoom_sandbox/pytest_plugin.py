"""pytest fixtures that run the Zoom sandbox for a test session and reset it per test.

`zoom_sandbox` gives a test a freshly reset sandbox, running in this process on a free
port in a background thread (testing.SandboxServer), and a `ZoomSandbox` handle to drive
its control API. Load with `pytest_plugins = ["zoom_sandbox.pytest_plugin"]` (needs pytest,
which the sandbox itself does not).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zoom_sandbox.config import AppSettings, SandboxConfig
from zoom_sandbox.testing import SandboxServer, ZoomSandbox

# Zoom's 5/20/60-minute webhook retries become 0.15/0.6/1.8 s.
TEST_RETRY_SCALE = 0.0005


@pytest.fixture(scope="session")
def zoom_sandbox_server() -> Iterator[SandboxServer]:
    """The session's sandbox process-in-a-thread; use `zoom_sandbox` in tests."""
    config = SandboxConfig(app=AppSettings(webhook_retry_scale=TEST_RETRY_SCALE), hang_seconds=15.0)
    server = SandboxServer(config)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def zoom_sandbox(zoom_sandbox_server: SandboxServer) -> Iterator[ZoomSandbox]:
    """A freshly reset sandbox: no users, no faults, default limits, the app as booted."""
    sandbox = ZoomSandbox(zoom_sandbox_server)
    sandbox.reset()
    yield sandbox
    sandbox.close()
