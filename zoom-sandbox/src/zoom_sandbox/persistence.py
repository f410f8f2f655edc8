"""Keeping the sandbox's state in a file, so `make run` survives a restart.

Writing the whole state after every change would make each meeting create cost as much
as the state is large. Instead a change marks the state dirty and a background task
writes it at most every `interval` seconds, plus once at shutdown; when the state has
grown so large that a write takes a while, the pause between writes grows with it, so
saving never takes more than a fifth of the server's time. Each write goes to a
temporary file that replaces the old one, so a crash never leaves half a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from zoom_sandbox.state import STATE_VERSION, SandboxState

log = logging.getLogger("zoom_sandbox")


def load_state(path: Path | None) -> tuple[SandboxState, bool]:
    """The state in `path`, and whether the file is of an older version (to rewrite)."""
    if path is None or not path.exists():
        return SandboxState(), False
    data = json.loads(path.read_text(encoding="utf-8"))
    log.info("sandbox.state.loaded path=%s users=%d", path, len(data.get("users", {})))
    return SandboxState.from_dict(data), data.get("version", 1) < STATE_VERSION


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, separators=(",", ":"))
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class Persister:
    """Writes a dirty state to its file in the background; does nothing without a file."""

    def __init__(self, path: Path | None, interval: float = 0.5) -> None:
        self.path = path
        self.interval = interval
        self._dirty = False
        self._pause = interval
        self._task: asyncio.Task[None] | None = None

    def mark_dirty(self) -> None:
        self._dirty = True

    async def start(self, state_getter: Any) -> None:
        if self.path is None:
            return
        self._state_getter = state_getter
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._pause)
            began = time.perf_counter()
            await self.flush()
            self._pause = max(self.interval, 4 * (time.perf_counter() - began))

    async def flush(self) -> None:
        if self.path is None or not self._dirty:
            return
        self._dirty = False
        # The snapshot is taken here, on the loop that owns the state; only the slow
        # part, the disk write, leaves it.
        snapshot = self._state_getter().to_dict()
        try:
            await asyncio.to_thread(write_atomically, self.path, snapshot)
        except OSError:
            self._dirty = True
            log.exception("sandbox.state.write-failed path=%s", self.path)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
