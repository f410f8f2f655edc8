"""SIGINT and SIGTERM as a count the main loop waits on, with no lock in the signal handler.

A Python signal handler runs in the main thread between two bytecodes, wherever that thread
happens to be, and a second signal can interrupt the first handler. A handler that takes a
lock (`threading.Event.set()` does) deadlocks when the main thread already holds that lock:
inside `Event.wait`, or inside the first handler's own `Event.set`. `slotlink run`'s
supervisor was found stuck that way for 15 minutes after one SIGTERM to its process group.

Here the handler does nothing at all: Python's C-level handler writes the signal's number to
a pipe (`signal.set_wakeup_fd`), and `wait()` reads that pipe with `select`, which any
signal cuts short.
"""

from __future__ import annotations

import os
import select
import signal
from types import FrameType, TracebackType
from typing import Any

STOPPING = (signal.SIGINT, signal.SIGTERM)


def _noted(signum: int, frame: FrameType | None) -> None:
    """The wake-up pipe already holds the signal's number; nothing else may happen here."""


class StopSignals:
    """`with StopSignals() as signals:` counts the SIGINTs and SIGTERMs that arrive inside
    the block (in `received`) instead of raising KeyboardInterrupt or dying. Main thread
    only, as Python's signal handling is."""

    def __init__(self) -> None:
        self.received = 0
        self._read = self._write = -1
        self._previous_fd = -1
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        self._read, self._write = os.pipe()
        for end in (self._read, self._write):
            os.set_blocking(end, False)  # a full pipe must never block the C handler
        self._previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        self._previous = {signum: signal.signal(signum, _noted) for signum in STOPPING}
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_fd)
        os.close(self._read)
        os.close(self._write)

    def wait(self, timeout: float) -> int:
        """Wait up to `timeout` seconds, less if a signal arrives; the signals received so far."""
        ready, _, _ = select.select([self._read], [], [], timeout)
        if ready:
            self._count_pending()
        return self.received

    def _count_pending(self) -> None:
        while True:
            try:
                numbers = os.read(self._read, 256)
            except BlockingIOError:
                return
            # The pipe carries every handled signal's number, not only ours.
            self.received += sum(1 for number in numbers if number in STOPPING)
            if len(numbers) < 256:
                return
