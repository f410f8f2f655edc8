"""How `slotlink run` keeps its processes: start them, watch them, stop every one of them.

Each child runs in its own session, so a Ctrl-C in the terminal reaches the supervisor
alone, which then stops the children itself: SIGTERM to each one's process group (gunicorn's
workers are in their master's), SIGKILL to what is left after `STOP_GRACE_SECONDS`, or at
once if a second signal comes ("stop now"). A child that dies stops the others too.

A supervisor that cannot stop them (killed with SIGKILL, or by the OOM killer) must not leave
them behind, holding their ports and polling the database: on Linux each child is started
with a parent-death signal, SIGKILL, so it dies with the supervisor. SIGKILL rather than a
polite SIGTERM because nobody would be left to insist if a child's stop hung; each child
already survives being killed (the sandbox writes its state file atomically, a dead
worker's tasks run again elsewhere, gunicorn's workers leave once their master is gone).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO

from slotlink.core.stop_signals import StopSignals

STOP_GRACE_SECONDS = 10
READY_TIMEOUT_SECONDS = 60
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass
class Child:
    name: str
    argv: list[str]
    ready_url: str
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


def children_start(children: list[Child], *, env: Mapping[str, str]) -> None:
    """Start every child, then print each one's output prefixed by its name.

    The output threads start only once every child runs: the code between fork and exec
    (`_dies_with_us`) must not meet a lock another thread held at the fork."""
    dies_with_us = _dies_with_us()
    for child in children:
        child.process = subprocess.Popen(
            child.argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our own Ctrl-C handling stops them in order
            preexec_fn=dies_with_us,  # safe: no other thread runs yet (see above)
        )
    for child in children:
        assert child.process is not None
        _prefix_output(child.name, child.process.stdout)


def _dies_with_us() -> Callable[[], None] | None:
    """What a child runs before exec to die with this process (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not in the child
    parent = os.getpid()

    def preexec() -> None:
        # The signal comes when the thread that forked the child ends: this is the main
        # thread, which lives until every child has stopped.
        if prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(ctypes.get_errno() or 1)
        if os.getppid() != parent:
            os._exit(1)  # we died between the fork and the prctl: no signal will come

    return preexec


def _prefix_output(name: str, stream: IO[bytes] | None) -> None:
    def pump() -> None:
        assert stream is not None
        for line in iter(stream.readline, b""):
            sys.stdout.write(f"{name:<8}| {line.decode(errors='replace')}")
            sys.stdout.flush()

    threading.Thread(target=pump, name=f"output-{name}", daemon=True).start()


def children_wait_until_ready(children: list[Child], signals: StopSignals) -> bool:
    """Whether every child with a `ready_url` answers it (False if one dies, does not answer
    within READY_TIMEOUT_SECONDS, or a signal asks to stop)."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    pending = [child for child in children if child.ready_url]
    while pending and not signals.received:
        for child in list(pending):
            assert child.process is not None
            if child.process.poll() is not None:
                code = child.process.returncode
                print(f"slotlink: {child.name} exited while starting (code {code}).")
                return False
            if _answers(child.ready_url):
                pending.remove(child)
        if time.monotonic() > deadline:
            print(f"slotlink: {', '.join(c.name for c in pending)} did not start in time.")
            return False
        signals.wait(0.1)
    return not signals.received


def children_supervise(children: list[Child], signals: StopSignals) -> int:
    """Until a signal asks to stop (0) or a child exits (1)."""
    while not signals.wait(0.2):
        for child in children:
            assert child.process is not None
            if child.process.poll() is not None:
                print(
                    f"slotlink: {child.name} exited (code {child.process.returncode}); "
                    "stopping everything."
                )
                return 1
    print("\nslotlink: stopping ...", flush=True)
    return 0


def children_stop(children: list[Child], signals: StopSignals) -> None:
    """SIGTERM to every child's process group, SIGKILL to those still running after the
    grace period, or as soon as one more signal comes than the one that asked for the stop."""
    running = [c for c in children if c.process is not None and c.process.poll() is None]
    for child in running:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    now_at = 2 if signals.received else 1  # the signal count that means "stop now"
    while running:
        if signals.wait(0.1) >= now_at:
            print("slotlink: signalled again, stopping now.", flush=True)
            break
        if time.monotonic() > deadline:
            break
        running = [c for c in running if c.process is not None and c.process.poll() is None]
    for child in running:
        _signal_group(child, signal.SIGKILL)
    for child in running:
        assert child.process is not None
        child.process.wait()
    print("slotlink: stopped.", flush=True)


def _signal_group(child: Child, signum: int) -> None:
    assert child.process is not None
    with contextlib.suppress(ProcessLookupError):  # it exited meanwhile
        os.killpg(child.process.pid, signum)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own localhost
            return bool(response.status == 200)
    except OSError:
        return False
