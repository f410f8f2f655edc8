"""The demo's calendar server: a local Radicale where each demo host has a calendar, which
slotlink is connected to, so their busy times take slots off /book/acme and their bookings
show up in it.

`slotlink run` writes Radicale's configuration into the data directory and runs it as one
of its children (processes.py); once it answers, `demo_calendars_seed` fills each host's
calendar over plain HTTP, as the host's own calendar app would, and connects slotlink to it
through the same services the Connect a calendar page uses.

The sign-in is one generated password for every host's account. It is kept nowhere in
plaintext: Radicale gets a salted hash (htpasswd, SHA-512 crypt) and slotlink the password
encrypted in the connection (core/encryption.py), which is where a later run reads it back.
"""

import logging
import secrets
import sys
import urllib.error
import urllib.request
from base64 import b64encode
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from slotlink.accounts.models import Organization, User
from slotlink.calendars.models import CalendarConnection, ConnectedCalendar
from slotlink.calendars.refresh import connection_refresh
from slotlink.calendars.services.choices import calendar_choices_save
from slotlink.calendars.services.connections import calendar_connection_create
from slotlink.calendars.services.removal import calendar_connection_remove
from slotlink.shell.radicale import radicale_config
from slotlink.shell.supervision import Child

log = logging.getLogger("slotlink.demo")

# What marks a connection as the demo's (a host's own connections are left alone).
DEMO_LABEL = "Demo calendar server"
# Each host's calendar on it: /<username>/work/.
CALENDAR_NAME = "work"


@dataclass(frozen=True)
class DemoCalendarUser:
    username: str  # the host's account on the demo calendar server
    host: User


def demo_calendar_users(hosts: list[User]) -> list[DemoCalendarUser]:
    """One account per host, named by their first name ("ada", "max")."""
    return [
        DemoCalendarUser((host.full_name.split() or [host.email])[0].lower(), host)
        for host in hosts
    ]


def demo_calendar_password(hosts: list[User]) -> str:
    """The password of an earlier run (read back from its connection), else a new one."""
    earlier = CalendarConnection.objects.filter(owner__in=hosts, label=DEMO_LABEL).first()
    return earlier.password if earlier is not None else secrets.token_urlsafe(12)


def calendar_server_child(
    *, data_dir: Path, port: int, users: list[DemoCalendarUser], password: str
) -> Child:
    """Radicale on 127.0.0.1:`port`, its collections in the data directory, each user
    signing in with `password` (stored hashed), each seeing only their own calendars."""
    from passlib.hash import sha512_crypt  # Radicale's own dependency (the demo extra)

    home = data_dir / "calendar-server"
    home.mkdir(exist_ok=True)
    htpasswd = home / "users"
    # The usual 5,000 rounds (passlib's default is 656,000): Radicale checks the hash on
    # every request, and the demo account is a local one.
    hashed = sha512_crypt.using(rounds=5000).hash(password)
    htpasswd.write_text("".join(f"{user.username}:{hashed}\n" for user in users))
    config = home / "config"
    config.write_text(
        radicale_config(
            port=port, htpasswd=htpasswd, encryption="sha512", collections=home / "collections"
        )
    )
    return Child(
        "calendar",
        [sys.executable, "-m", "radicale", "--config", str(config)],
        # The web page at its root (/ redirects to /.web/).
        f"http://127.0.0.1:{port}/.web/",
    )


def demo_calendars_seed(
    *, server_url: str, organization: Organization, users: list[DemoCalendarUser], password: str
) -> None:
    """Each host's calendar with its events (written again each run, so the one-off
    meetings are always in the coming days), connected, ticked busy and chosen for the
    host's bookings, its busy times read (by the refresh, as the worker does)."""
    today = timezone.now().date()
    for user in users:
        calendar_url = f"{server_url}/{user.username}/{CALENDAR_NAME}/"
        _dav(calendar_url, "MKCALENDAR", user.username, password, _MKCALENDAR, ok=(201, 405, 409))
        zone = ZoneInfo(user.host.time_zone)
        for uid, ics in demo_events(user.username, zone, today).items():
            _dav(f"{calendar_url}{uid}.ics", "PUT", user.username, password, ics, ok=(201, 204))
        connection = _connected(server_url, organization, user, password)
        calendar = ConnectedCalendar.objects.get(connection=connection, url=calendar_url)
        calendar_choices_save(connection=connection, busy_ids=[calendar.id], target_id=calendar.id)
        # Read now, not at the refresh job's next turn: the banner comes once the booking
        # page already leaves the busy times out.
        refreshed = connection_refresh(connection_id=connection.id)
        if refreshed.error is not None:
            log.warning(
                "demo.calendar.unread username=%s: %s", user.username, refreshed.error.words
            )


def demo_events(username: str, zone: ZoneInfo, today: date) -> dict[str, str]:
    """The host's demo week, by UID: a stand-up every weekday 09:30-09:45 (in their zone),
    three one-off meetings on the next weekdays and an all-day holiday after them."""
    weekdays = [d for d in (today + timedelta(days=n) for n in range(1, 10)) if d.weekday() < 5]
    monday = today - timedelta(days=today.weekday())
    at = lambda day, hour, minute=0: datetime.combine(day, time(hour, minute), zone)  # noqa: E731
    events = {
        "standup": (
            "Stand-up",
            at(monday, 9, 30),
            at(monday, 9, 45),
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        ),
        "review": ("Project review", at(weekdays[0], 14), at(weekdays[0], 15), None),
        "customer": ("Lunch with a customer", at(weekdays[1], 12), at(weekdays[1], 13, 30), None),
        "planning": ("Planning", at(weekdays[2], 10), at(weekdays[2], 11), None),
        "holiday": ("Holiday", weekdays[4], weekdays[4] + timedelta(days=1), None),
    }
    texts = {}
    for key, (summary, start, end, rule) in events.items():
        uid = f"demo-{key}-{username}"
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("dtstamp", datetime.now(UTC))
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", end)
        if rule:
            event.add("rrule", icalendar.vRecur.from_ical(rule))
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//slotlink//demo//EN")
        calendar.add("version", "2.0")
        calendar.add_component(event)
        calendar.add_missing_timezones()
        texts[uid] = calendar.to_ical().decode()
    return texts


def _connected(
    server_url: str, organization: Organization, user: DemoCalendarUser, password: str
) -> CalendarConnection:
    """The host's demo connection, made as the Connect page makes one; one of an earlier
    run on another port (or with another password) is removed first."""
    earlier = CalendarConnection.objects.filter(owner=user.host, label=DEMO_LABEL).first()
    if (
        earlier is not None
        and earlier.server_url.startswith(server_url + "/")
        and earlier.password == password
    ):
        return earlier
    if earlier is not None:
        calendar_connection_remove(connection=earlier)
    return calendar_connection_create(
        organization=organization,
        owner=user.host,
        address=f"{server_url}/",
        username=user.username,
        password=password,
        label=DEMO_LABEL,
    )


_MKCALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop>
    <D:displayname>Work</D:displayname>
    <C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
  </D:prop></D:set>
</C:mkcalendar>"""


def _dav(
    url: str, method: str, username: str, password: str, body: str, *, ok: tuple[int, ...]
) -> None:
    """One request to the local demo server, as the host's calendar app would send it."""
    content_type = "text/calendar" if method == "PUT" else "application/xml"
    request = urllib.request.Request(  # noqa: S310 - the demo's own server on loopback
        url,
        data=body.encode(),
        method=method,
        headers={
            "Authorization": "Basic " + b64encode(f"{username}:{password}".encode()).decode(),
            "Content-Type": f"{content_type}; charset=utf-8",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status not in ok:
        raise RuntimeError(f"The demo calendar server answered {method} {url} with {status}.")
