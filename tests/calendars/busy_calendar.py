"""A test host whose busy times come from one calendar on a real CalDAV server: the account
connected through the product's service, every other calendar on the server (other tests'
ones) unticked, and events written as the host's own calendar app would."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from slotlink.accounts.models import Membership
from slotlink.calendars.models import CalendarConnection, ConnectedCalendar
from tests.calendars.connecting import connect
from tests.calendars.servers import CalDAVServer

BERLIN = ZoneInfo("Europe/Berlin")


def connect_one(
    server: CalDAVServer, membership: Membership, calendar_url: str
) -> CalendarConnection:
    """The host's account on `server`, with only `calendar_url` counting as busy."""
    connection = connect(server, membership)
    ConnectedCalendar.objects.filter(connection=connection).exclude(url=calendar_url).update(
        is_busy=False
    )
    assert ConnectedCalendar.objects.filter(connection=connection, is_busy=True).count() == 1
    return connection


def days_ahead(days: int) -> datetime:
    return timezone.now().astimezone(BERLIN) + timedelta(days=days)


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` on `day`'s date on a Berlin wall clock."""
    return datetime.combine(day.date(), time(hour, minute), tzinfo=BERLIN)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_ics(start: datetime, end: datetime, *, extra: str = "", uid: str | None = None) -> str:
    """A VEVENT in UTC, as a calendar app writes one; `extra` lines go inside it."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//slotlink tests//EN",
        "BEGIN:VEVENT",
        f"UID:{uid or uuid.uuid4()}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        "SUMMARY:Meeting",
        *[line for line in extra.splitlines() if line],
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
