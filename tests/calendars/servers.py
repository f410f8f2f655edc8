"""Real CalDAV servers for the tests: Radicale and Xandikos, two independent
implementations, each a process on a free loopback port with its storage in a temporary
directory and one user behind a password.

Radicale checks the password itself (htpasswd, plain entries: a test password).
Xandikos ships Basic auth as an aiohttp middleware, but its command line only turns it on
together with a self-signed HTTPS certificate; tests/calendars/xandikos_with_auth.py runs
the same app with the same middleware over loopback HTTP instead.

`CalDAVServer` is a test's handle on one of them: where it is, who may sign in, and raw
HTTP helpers (MKCALENDAR, PUT of an .ics, GET, DELETE) to set up a calendar or look at
what the product wrote, without going through the product's client.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import httpx

from slotlink.shell.radicale import radicale_config
from tests.child_process import ChildProcess
from tests.ports import free_port

USERNAME = "ada"
PASSWORD = "correct horse battery staple"

MKCALENDAR_BODY = """<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"
    xmlns:I="http://apple.com/ns/ical/">
  <D:set><D:prop>
    <D:displayname>{name}</D:displayname>
    <I:calendar-color>{color}</I:calendar-color>
    <C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
  </D:prop></D:set>
</C:mkcalendar>"""


@dataclass
class CalDAVServer:
    """One running CalDAV server and the way in: `base_url` (scheme, host and port),
    `home_url` (the user's calendar home, where calendars are made), the user's
    `username` and `password`."""

    kind: str
    base_url: str
    home_url: str
    username: str
    password: str
    process: ChildProcess
    _http: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._http = httpx.Client(auth=(self.username, self.password), timeout=30)

    def __str__(self) -> str:
        return self.kind

    @property
    def principal_url(self) -> str:
        return f"{self.base_url}/{self.username}/"

    def wait_until_ready(self, timeout: float = 60) -> None:
        """Until the server answers an authenticated PROPFIND on the user's principal."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.process.alive:
                raise RuntimeError(f"{self.kind} exited at start:\n{''.join(self.process.output)}")
            try:
                answer = self._http.request("PROPFIND", self.principal_url, headers={"Depth": "0"})
            except httpx.TransportError:
                answer = None
            if answer is not None and answer.status_code == 207:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.kind} did not become ready:\n{''.join(self.process.output)}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        self._http.close()
        self.process.stop()

    # Raw HTTP, to arrange a calendar or read what the product wrote.

    def new_calendar(self, name: str = "Work", color: str = "#3366ccff") -> str:
        """A fresh, empty calendar in the user's home (MKCALENDAR); its URL."""
        url = f"{self.home_url}{uuid.uuid4().hex}/"
        answer = self._http.request(
            "MKCALENDAR",
            url,
            content=MKCALENDAR_BODY.format(name=name, color=color).encode(),
            headers={"Content-Type": "application/xml; charset=utf-8"},
        )
        assert answer.status_code == 201, (answer.status_code, answer.text)
        return url

    def put_ics(self, calendar_url: str, ics: str, *, name: str | None = None) -> str:
        """Stores `ics` in the calendar as the host's own client would (a plain PUT,
        overwriting); the event's URL. `name` defaults to a fresh one."""
        url = f"{calendar_url}{name or uuid.uuid4().hex}.ics"
        answer = self._http.put(
            url, content=ics.encode(), headers={"Content-Type": "text/calendar; charset=utf-8"}
        )
        assert answer.status_code in (201, 204), (answer.status_code, answer.text)
        return url

    def get_ics(self, url: str) -> str | None:
        """The event's iCalendar text, or None when there is none at `url`."""
        answer = self._http.get(url)
        if answer.status_code == 404:
            return None
        answer.raise_for_status()
        return answer.text

    def delete(self, url: str) -> None:
        answer = self._http.delete(url)
        assert answer.status_code in (200, 204), (answer.status_code, answer.text)

    def hrefs(self, calendar_url: str) -> list[str]:
        """The URLs of every event in the calendar (PROPFIND depth 1)."""
        answer = self._http.request(
            "PROPFIND",
            calendar_url,
            headers={"Depth": "1", "Content-Type": "application/xml"},
            content=b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:">'
            b"<D:prop><D:getetag/></D:prop></D:propfind>",
        )
        assert answer.status_code == 207, (answer.status_code, answer.text)
        root = ElementTree.fromstring(answer.content)  # noqa: S314 (our own test server)
        base = httpx.URL(calendar_url)
        urls = [str(base.join(h.text or "")) for h in root.iter("{DAV:}href")]
        return sorted(u for u in urls if u.rstrip("/") != calendar_url.rstrip("/"))


def radicale_throwaway_config(
    workdir: Path, *, port: int, username: str = USERNAME, password: str = PASSWORD
) -> Path:
    """The config file of a throwaway Radicale in `workdir` (the tests' and the
    benchmarks'): one user with a plain password, no pause after a wrong one (tests send
    one on purpose), the calendars in `workdir`/collections."""
    users = workdir / "users"
    users.write_text(f"{username}:{password}\n")
    config = workdir / "radicale.conf"
    config.write_text(
        radicale_config(
            port=port,
            htpasswd=users,
            encryption="plain",
            collections=workdir / "collections",
            login_delay=0,
        )
    )
    return config


def start_radicale(workdir: Path) -> CalDAVServer:
    """Radicale (`python -m radicale`) with htpasswd auth and owner-only rights."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = radicale_throwaway_config(workdir, port=port)
    process = ChildProcess([sys.executable, "-m", "radicale", "--config", str(config)], env=_env())
    base_url = f"http://127.0.0.1:{port}"
    server = CalDAVServer(
        kind="radicale",
        base_url=base_url,
        home_url=f"{base_url}/{USERNAME}/",
        username=USERNAME,
        password=PASSWORD,
        process=process,
    )
    server.wait_until_ready()
    return server


def start_xandikos(workdir: Path) -> CalDAVServer:
    """Xandikos with its defaults (a principal, a calendar home, a calendar) behind its
    own Basic auth middleware (tests/calendars/xandikos_with_auth.py)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    users = workdir / "users"
    users.write_text(f"{USERNAME}:{_sha_entry(PASSWORD)}\n")
    process = ChildProcess(
        [
            sys.executable,
            "-m",
            "tests.calendars.xandikos_with_auth",
            "--directory",
            str(workdir / "data"),
            "--port",
            str(port),
            "--htpasswd",
            str(users),
            "--principal",
            f"/{USERNAME}/",
        ],
        env=_env(),
    )
    base_url = f"http://127.0.0.1:{port}"
    server = CalDAVServer(
        kind="xandikos",
        base_url=base_url,
        home_url=f"{base_url}/{USERNAME}/calendars/",
        username=USERNAME,
        password=PASSWORD,
        process=process,
    )
    server.wait_until_ready()
    return server


def _sha_entry(password: str) -> str:
    """An htpasswd `{SHA}` entry, which Xandikos's checker reads without bcrypt."""
    digest = hashlib.sha1(password.encode()).digest()  # noqa: S324 (htpasswd's format)
    return "{SHA}" + base64.b64encode(digest).decode()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env
