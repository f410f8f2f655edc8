"""The banner `make run` prints: every login list lines up, whatever the emails' lengths."""

import argparse
import re
from types import SimpleNamespace

from slotlink.shell.demo_calendars import DemoCalendarUser
from slotlink.shell.demo_zoom import DEMO_ZOOM_USERS
from slotlink.shell.processes import DemoCalendars, _print_banner


def test_every_login_row_lines_up_with_at_least_two_spaces_before_its_role(capsys):
    """The staff login (staff@slotlink.test, 19 characters) once ran into its role
    ("staff@slotlink.testplatform staff"); each login list now shares one column, two
    spaces past the longest name of any list."""
    staff = SimpleNamespace(email="staff@slotlink.test")
    accounts = SimpleNamespace(
        organization=SimpleNamespace(slug="acme"), staff=staff, password="pw"
    )
    host = SimpleNamespace(email="admin@acme.test")
    calendars = DemoCalendars(users=[DemoCalendarUser("ada", host)], password="cal")
    args = argparse.Namespace(port=8000, sandbox_port=8765, calendar_port=5232)
    _print_banner(args, accounts, DEMO_ZOOM_USERS, calendars, database="SQLite")
    banner = capsys.readouterr().out
    rows = [line for line in banner.splitlines() if re.match(r"    \S", line)]
    assert len(rows) == 3 + len(DEMO_ZOOM_USERS) + 1
    starts = {re.match(r"    \S+\s+", row).end() for row in rows}
    assert len(starts) == 1, "\n".join(rows)
    assert all(re.match(r"    \S+  ", row) for row in rows), "\n".join(rows)
    assert "    staff@slotlink.test  platform staff" in banner
