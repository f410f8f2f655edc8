"""`slotlink run` leaves nothing running however it ends: a second signal while it stops, or
the supervisor itself killed (SIGINT and SIGTERM alone: test_processes.py)."""

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ports import free_port
from tests.process_tree import left_behind
from tests.test_processes import Demo

pytestmark = pytest.mark.processes


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database for the module: only the first run migrates and seeds it."""
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(autouse=True)
def _nothing_left_for_the_next_test(data_dir: Path) -> Iterator[None]:
    yield
    left_behind(set(), data_dir, [], timeout=0)  # kills what a failed test left


def signal_pending(pid: int, signum: int) -> bool:
    """Whether `signum` was sent to `pid` and not yet delivered (the kernel would merge a
    second one into it)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("SigPnd:", "ShdPnd:")) and int(line.split()[1], 16) & (
            1 << (signum - 1)
        ):
            return True
    return False


def test_a_second_ctrl_c_while_stopping_stops_everything_at_once(data_dir):
    """Two Ctrl-Cs 10 ms apart: the supervisor stops at once rather than waiting for its
    children's graceful stop, kills them, and exits; no process of the run and none of its
    ports is left."""
    with Demo(data_dir, free_port(), free_port()) as demo:
        demo.wait_for(r"Press Ctrl-C to stop")
        started = demo.started()
        demo.process.send_signal(signal.SIGINT)
        time.sleep(0.01)
        while signal_pending(demo.process.pid, signal.SIGINT):
            time.sleep(0.001)  # a second SIGINT sent now would not be a second one
        demo.process.send_signal(signal.SIGINT)
        assert demo.process.wait(timeout=60) == 0
        output = "".join(demo.output)
        assert "slotlink: signalled again, stopping now." in output
        assert "slotlink: stopped." in output
        demo.assert_nothing_left(started)


def test_children_die_with_a_killed_supervisor(data_dir):
    """The supervisor killed with SIGKILL (as the OOM killer does) cannot stop anything, yet
    its web server with gunicorn's workers, worker, scheduler and sandbox all end, and their
    ports are free again."""
    with Demo(data_dir, free_port(), free_port()) as demo:
        demo.wait_for(r"Press Ctrl-C to stop")
        started = demo.started()
        demo.kill()
        assert demo.left_behind(started) == ({}, [])
