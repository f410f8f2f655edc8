"""The processes a test started, read from /proc: who descends from whom, who still runs,
and which processes belong to one `slotlink run` (by the data directory in their
environment), so that a test can tell that a stop left nothing behind."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from slotlink.shell.processes import port_is_free

PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): state is [0]."""
    return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        return _stat_fields(pid)[0] != "Z"
    except OSError:
        return False


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def identity(pid: int) -> tuple[int, str]:
    """A pid with its start time, which a later process given the same pid does not share."""
    try:
        return pid, _stat_fields(pid)[19]
    except OSError:
        return pid, ""


def running_of_run(started: set[tuple[int, str]], data_dir: Path) -> dict[int, str]:
    """pid -> command line of every live process of one `slotlink run`: those recorded while
    it ran (whoever their parent is now) and any other whose environment has its data dir."""
    found = {pid: command_line(pid) for pid, _ in started if identity(pid) in started}
    found = {pid: command for pid, command in found.items() if alive(pid)}
    marker = f"SLOTLINK_DATA_DIR={data_dir}\0".encode()
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environment and alive(int(entry.name)):
            found[int(entry.name)] = command_line(int(entry.name))
    return found


def left_behind(
    started: set[tuple[int, str]], data_dir: Path, ports: list[int], timeout: float = 60
) -> tuple[dict[int, str], list[int]]:
    """What of one run is still there once it has stopped, waiting up to `timeout` seconds
    for it to go: its live processes and its ports still taken. Whatever remains at the
    deadline is killed, so that one failed test does not leave it to the next."""
    deadline = time.monotonic() + timeout
    while True:
        running = running_of_run(started, data_dir)
        taken = [port for port in ports if not port_is_free(port)]
        if not (running or taken) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return running, taken
