"""`slotlink run` (what `make run` starts), exercised as a person would: start, sign in, stop."""

import os
import re
import signal
import socket
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.child_process import ChildProcess
from tests.ports import free_port
from tests.process_tree import alive, command_line, descendants, identity, left_behind

pytestmark = pytest.mark.processes

PASSWORD = "demo-password-for-tests"


class Demo(ChildProcess):
    """A running `slotlink run`, its output collected as it comes."""

    def __init__(
        self, data_dir: Path, port: int, sandbox_port: int, calendar_port: int | None = None
    ) -> None:
        self.calendar_port = calendar_port or free_port()
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SLOTLINK_"))
        }
        env |= {
            "SLOTLINK_DATA_DIR": str(data_dir),
            "SLOTLINK_DEMO_PASSWORD": PASSWORD,
            "PORT": str(port),
            "SANDBOX_PORT": str(sandbox_port),
            "CALENDAR_PORT": str(self.calendar_port),
        }
        self.data_dir = data_dir
        self.ports = [port, sandbox_port, self.calendar_port]
        self.url = f"http://127.0.0.1:{port}"
        super().__init__([sys.executable, "-m", "slotlink", "run"], env=env)

    def wait_for(self, pattern: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, "".join(self.output)):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"never printed {pattern!r}:\n{''.join(self.output)}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        return self.process.wait(timeout=30)

    def started(self, gunicorn_workers: int = 2, timeout: float = 60) -> set[tuple[int, str]]:
        """Every process this run started (see process_tree.identity), once all run: the
        sandbox, the calendar server, the worker, the scheduler, and gunicorn's master with
        its workers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = descendants(self.process.pid)
            commands = [command_line(pid) for pid in started]
            if sum("gunicorn" in command for command in commands) == 1 + gunicorn_workers and all(
                any(program in command for command in commands)
                for program in (
                    "zoom_sandbox",
                    "-m radicale",
                    "slotlink db_worker",
                    "slotlink scheduler",
                )
            ):
                return {identity(pid) for pid in started}
            time.sleep(0.1)
        raise AssertionError(f"not all started: {commands}")

    def left_behind(self, started: set[tuple[int, str]]) -> tuple[dict[int, str], list[int]]:
        return left_behind(started, self.data_dir, self.ports)

    def assert_nothing_left(self, started: set[tuple[int, str]]) -> None:
        """After a stop the supervisor waited for: none of what it started runs as it exits,
        and nothing of the run (process or port) comes back or lingers afterwards."""
        running_at_exit = [pid for pid, _ in started if alive(pid)]
        assert self.left_behind(started) == ({}, [])  # (kills what is left)
        assert not running_at_exit

    def __enter__(self) -> "Demo":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()  # a failed test: its children die with it


def sign_in(url: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10)
    page = client.get("/signin")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text
    response = client.post(
        "/signin",
        data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": password},
        headers={"Referer": f"{url}/signin"},
    )
    assert response.status_code == 302, response.text
    return client


def test_make_run_serves_the_demo_and_ctrl_c_stops_everything(tmp_path):
    """`slotlink run` migrates, seeds Acme, serves on PORT with a worker and the Zoom sandbox
    (with Acme's Zoom users); the demo admin signs in over HTTP; Ctrl-C stops every process;
    a second run keeps the data, in the database and in the sandbox, and SIGTERM stops every
    process of it too; neither stop leaves a process or a port behind. The data directory and
    the database in it are readable by their owner only; Acme's admin is no Django staff,
    the banner names the separate staff login."""
    port, sandbox_port = free_port(), free_port()
    tmp_path.chmod(0o755)  # as a data directory made by hand would be
    with Demo(tmp_path, port, sandbox_port) as demo:
        demo.wait_for(r"Press Ctrl-C to stop")
        banner = "".join(demo.output)
        assert f"http://127.0.0.1:{port}/360/" in banner
        assert "admin@acme.test" in banner
        assert "member@acme.test" in banner
        assert "staff@slotlink.test" in banner
        assert "also Django admin" not in banner
        assert f"password: {PASSWORD}" in banner
        assert tmp_path.stat().st_mode & 0o777 == 0o700
        database_files = list(tmp_path.glob("slotlink.sqlite3*"))
        assert tmp_path / "slotlink.sqlite3" in database_files
        assert {oct(path.stat().st_mode & 0o777) for path in database_files} == {"0o600"}
        started = demo.started()

        zoom_users = httpx.get(f"http://127.0.0.1:{sandbox_port}/_sandbox/users").json()
        emails = {user["email"] for user in zoom_users}
        assert emails == {"admin@acme.test", "member@acme.test", "meetings@acme.test"}
        assert len({user["account_id"] for user in zoom_users}) == 1  # one Acme Zoom account

        client = sign_in(demo.url, "admin@acme.test", PASSWORD)
        home = client.get("/360/", follow_redirects=True)
        assert home.status_code == 200
        assert "Acme" in home.text
        assert client.get("/360/members").status_code == 200
        assert client.get("/django-admin/").status_code == 302  # not staff: sign in as staff

        assert demo.interrupt() == 0
        assert "slotlink: stopped." in "".join(demo.output)
        demo.assert_nothing_left(started)

    with Demo(tmp_path, port, sandbox_port) as again:
        again.wait_for(r"Press Ctrl-C to stop")
        member = sign_in(again.url, "member@acme.test", PASSWORD)
        assert member.get("/360/members").status_code == 403
        kept = httpx.get(f"http://127.0.0.1:{sandbox_port}/_sandbox/users").json()
        assert {user["id"] for user in kept} == {user["id"] for user in zoom_users}
        started = again.started()
        again.process.send_signal(signal.SIGTERM)
        assert again.process.wait(timeout=30) == 0
        again.assert_nothing_left(started)


def test_make_run_refuses_a_port_in_use(tmp_path):
    """A busy port gets a clear message naming the setting to change, and nothing starts."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        demo = Demo(tmp_path, port, free_port())
        assert demo.process.wait(timeout=30) == 2
        demo._reader.join(5)
        assert f"Port {port} is already in use" in "".join(demo.output)
        assert "PORT=<port>" in "".join(demo.output)


def test_make_run_connects_the_demo_hosts_to_calendars_whose_busy_times_take_slots(tmp_path):
    """`slotlink run` also runs a calendar server (Radicale) whose address and sign-in the
    banner prints; Ada's calendar on it holds the weekday stand-up (a weekly series), and
    slotlink is connected to it (Integrations → Calendars says so), so the public booking
    page of her intro call offers no time overlapping the stand-up or the next weekday's
    one-off meeting, while it still offers that day's other times, and nothing on her
    holiday. Ctrl-C stops it with everything else: no process or port left. A second run on
    another calendar port keeps the sign-in and connects Ada there instead."""
    with Demo(tmp_path, free_port(), free_port()) as demo:
        demo.wait_for(r"Press Ctrl-C to stop")
        banner = "".join(demo.output)
        server = f"http://127.0.0.1:{demo.calendar_port}"
        assert f"Calendar server  {server}/" in banner
        found = re.search(r"Calendar server logins \(password: (\S+)\)", banner)
        assert found, banner
        password = found.group(1)
        assert re.search(r"\n    ada +admin@acme\.test", banner), banner
        started = demo.started()

        assert httpx.get(f"{server}/.web/").status_code == 200  # its web page
        assert httpx.get(f"{server}/ada/work/", auth=("ada", "wrong")).status_code == 401
        stand_up = httpx.get(f"{server}/ada/work/demo-standup-ada.ics", auth=("ada", password))
        assert stand_up.status_code == 200
        assert "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" in stand_up.text

        admin = sign_in(demo.url, "admin@acme.test", PASSWORD)
        page = admin.get("/360/integrations/calendars/")
        assert page.status_code == 200
        assert "Demo calendar server" in page.text
        assert "Connection broken" not in page.text

        assert_busy_times_kept_out(demo.url)

        assert demo.interrupt() == 0
        demo.assert_nothing_left(started)

    with Demo(tmp_path, free_port(), free_port()) as again:
        again.wait_for(r"Press Ctrl-C to stop")
        assert f"Calendar server logins (password: {password})" in "".join(again.output)
        page = sign_in(again.url, "admin@acme.test", PASSWORD).get("/360/integrations/calendars/")
        assert f"127.0.0.1:{again.calendar_port}" in page.text
        assert "Connection broken" not in page.text
        assert_busy_times_kept_out(again.url)
        started = again.started()
        assert again.interrupt() == 0
        again.assert_nothing_left(started)


def assert_busy_times_kept_out(url: str) -> None:
    """Ada's intro call on the next weekday offers 10:00 but nothing overlapping her
    stand-up (09:30-09:45) or that day's project review (14:00-15:00), and nothing on her
    holiday, the fifth weekday from today (shell/demo_calendars.demo_events)."""
    zone = ZoneInfo("Europe/Berlin")
    today = datetime.now(UTC).date()  # the demo's "today" for its meetings
    weekdays = [today + timedelta(days=n) for n in range(1, 10)]
    weekdays = [d for d in weekdays if d.weekday() < 5]
    day, holiday = weekdays[0], weekdays[4]
    starts = offered_starts(url, day, zone)
    at = lambda hour, minute=0: datetime.combine(day, time_of_day(hour, minute), zone)  # noqa: E731
    busy = [(at(9, 30), at(9, 45)), (at(14), at(15))]
    length = timedelta(minutes=30)
    assert at(10) in starts, starts  # the day has free times
    overlapping = [s for s in starts for b, e in busy if s < e and s + length > b]
    assert overlapping == [], overlapping
    assert offered_starts(url, holiday, zone) == []


def offered_starts(url: str, day: date, zone: ZoneInfo) -> list[datetime]:
    """The times the booking page offers on `day` (asked for a day with none, it shows the
    first day that has some)."""
    answer = httpx.get(
        f"{url}/book/acme/intro-call",
        params={"date": day.isoformat(), "tz": str(zone)},
        timeout=30,
    )
    assert answer.status_code == 200
    starts = [
        datetime.fromisoformat(value).astimezone(zone)
        for value in re.findall(r'name="start" value="([^"]+)"', answer.text)
    ]
    return [start for start in starts if start.date() == day]
