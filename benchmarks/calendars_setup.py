"""The calendar benchmark's data, made in the stack's own environment (a process of its
own, with the stack's settings and database): the hosts, their connected calendars read
once by the product's refresh, and each event type's free starts; and afterwards, the
bookings marked "calendar not checked".

    python -m benchmarks.calendars_setup prepare DAV_URL OUT_FILE
    python -m benchmarks.calendars_setup tally OUT_FILE
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.calendars_server import PASSWORD, USERNAME

ORGANIZATION = "bench"
CALENDARS = 3
# (event type slug, host's name, calendars' name on the server or None)
HOSTS = (
    ("with-calendars", "Cached Host", "big"),
    ("no-calendars", "Plain Host", None),
    ("small-calendars", "Live Host", "small"),
)


def prepare(address: str, out_file: str) -> None:
    """In the stack's environment: migrate, create the hosts, connect and tick their
    calendars through the product's services, read them once in full, and list each
    event type's free starts."""
    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    from datetime import time as clock

    from django.core.management import call_command

    from slotlink.accounts.models import Membership
    from slotlink.accounts.services import membership_create, organization_create, user_create
    from slotlink.calendars.models import BusyStretch
    from slotlink.calendars.refresh import connection_refresh
    from slotlink.calendars.services.choices import calendar_choices_save
    from slotlink.calendars.services.connections import calendar_connection_create
    from slotlink.scheduling.models import EventType, LocationKind
    from slotlink.scheduling.selectors import free_slots
    from slotlink.scheduling.services.event_types import availability_replace, event_type_create

    call_command("migrate", interactive=False, verbosity=0)
    organization = organization_create(name="Bench", slug=ORGANIZATION)
    now = datetime.now(UTC)
    found: dict[str, Any] = {"starts": {}, "refresh_s": {}, "stretches": {}}
    for slug, name, calendars in HOSTS:
        host = user_create(
            email=f"{slug}@bench.test", full_name=name, password=None, time_zone="UTC"
        )
        membership_create(user=host, organization=organization, role=Membership.Role.MEMBER)
        event_type = event_type_create(
            organization=organization,
            host=host,
            title=name,
            slug=slug,
            duration_minutes=30,
            kind=EventType.Kind.ONE_ON_ONE,
            location_kind=LocationKind.PHONE,
            minimum_notice_minutes=60,
            horizon_days=60,
        )
        availability_replace(host=host, intervals=[(d, clock(0), clock(23, 59)) for d in range(7)])
        if calendars is not None:
            connection = calendar_connection_create(
                organization=organization,
                owner=host,
                address=address,
                username=USERNAME,
                password=PASSWORD,
            )
            ticked = [c.id for c in connection.calendars.all() if calendars in c.url]
            assert len(ticked) == CALENDARS, [c.url for c in connection.calendars.all()]
            calendar_choices_save(connection=connection, busy_ids=ticked, target_id=None)
            started = time.monotonic()
            done = connection_refresh(connection_id=connection.id)
            found["refresh_s"][slug] = time.monotonic() - started
            if done.error is not None or done.read != CALENDARS:
                raise RuntimeError(f"the first refresh of {slug} did not read them all: {done}")
            found["stretches"][slug] = BusyStretch.objects.filter(host=host).count()
            if slug == "with-calendars":
                found["one_calendar"] = one_calendar_read(connection, now)
        tomorrow = now + timedelta(days=1)  # far from the notice: each start stays bookable
        found["starts"][slug] = [
            slot.start.isoformat()
            for slot in free_slots(
                event_type=event_type, since=tomorrow, until=now + timedelta(days=60), now=now
            )
        ]
    Path(out_file).write_text(json.dumps(found))


def one_calendar_read(connection: Any, now: datetime) -> dict[str, float]:
    """Where a full read of one big calendar goes: the server's answer to the REPORT of
    the refresh's window, and expanding its objects into busy stretches here."""
    from zoneinfo import ZoneInfo

    from slotlink.calendars import client
    from slotlink.calendars.busy import read_busy, server_query_range
    from slotlink.calendars.client import CalDAVAccount
    from slotlink.calendars.refresh import REFRESH_TIMEOUT, refresh_window

    calendar = connection.calendars.filter(is_busy=True).order_by("url").first()
    account = CalDAVAccount(connection.server_url, connection.username, connection.password)
    since, until = refresh_window(host_id=connection.owner_id, now=now)
    started = time.monotonic()
    texts = client.events_between(
        account, calendar.url, *server_query_range(since, until), timeout=REFRESH_TIMEOUT
    )
    read = time.monotonic()
    read_busy(texts, since, until, zone=ZoneInfo("UTC"))
    return {
        "objects": len(texts),
        "days": (until - since).days,
        "report_s": read - started,
        "expand_s": time.monotonic() - read,
    }


def tally(out_file: str) -> None:
    """The starts of the bookings marked "calendar not checked", by event type."""
    import django

    django.setup()
    from slotlink.scheduling.models import Booking

    unchecked: dict[str, list[str]] = {}
    for slug, start in Booking.objects.filter(calendar_not_checked=True).values_list(
        "event_type__slug", "start"
    ):
        unchecked.setdefault(slug, []).append(start.isoformat())
    Path(out_file).write_text(json.dumps(unchecked))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        tally(sys.argv[2])
