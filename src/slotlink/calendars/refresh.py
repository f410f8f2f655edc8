"""Keeping a host's busy times fresh: the background refresh of each calendar connection.

The booking page reads busy times from `BusyStretch` rows only, so they are kept fresh
here, away from any page: every `CALENDAR_REFRESH_SECONDS` each connection is read again.
For each ticked calendar one small PROPFIND asks its ctag and sync token; only when they
changed (or the last full read is a day old: the window moves with time) are its events in
the window read and its stretches replaced, in one transaction. A refresh with nothing
changed therefore makes one request per calendar and writes no stretch.

A refresh that fails marks the connection broken with the server's words, and its owner is
emailed once per break (calendars/notices.py); the next refresh that works clears it. No
transaction is open while a server answers.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from slotlink.calendars import client
from slotlink.calendars.busy import busy_stretches, server_query_range
from slotlink.calendars.client import CalDAVAccount, CalendarError
from slotlink.calendars.models import BusyStretch, CalendarConnection, ConnectedCalendar
from slotlink.calendars.notices import connection_broken_notice_enqueue
from slotlink.calendars.problems import Problem
from slotlink.calendars.services.connections import problem_code_of
from slotlink.conferencing.calendars import booking_horizon

log = logging.getLogger("slotlink.calendars")

# The window of busy times kept: from a day back (a meeting running now) to as far ahead
# as the host's event types may be booked, at least MIN_AHEAD (an event type made or
# stretched later is covered before the next full read) and at most MAX_AHEAD; and a day
# more, since a calendar that never changes is read in full once a day, as the window moves.
WINDOW_BEHIND = timedelta(days=1)
MIN_AHEAD = timedelta(days=60)
MAX_AHEAD = timedelta(days=90)
FULL_READ_EVERY = timedelta(days=1)
# Each request to a calendar server during a refresh: a background read can wait longer
# than a booking's re-check.
REFRESH_TIMEOUT = 20.0


@dataclass(frozen=True)
class Refreshed:
    """What one connection's refresh did: calendars read in full, and its error if any."""

    read: int = 0
    unchanged: int = 0
    error: CalendarError | None = None


def refresh_every() -> timedelta:
    return timedelta(seconds=settings.CALENDAR_REFRESH_SECONDS)


def connections_due(*, now: datetime) -> QuerySet[CalendarConnection]:
    """Connections whose last refresh (good or not) is at least a period old."""
    return CalendarConnection.objects.filter(
        Q(tried_at__isnull=True) | Q(tried_at__lte=now - refresh_every())
    ).order_by("tried_at", "id")


def connection_refresh_claim(
    *, connection_id: int, tried_at: datetime | None, now: datetime
) -> bool:
    """Take this period's refresh of the connection, unless another scheduler run took it
    since `tried_at` was read (one conditional UPDATE)."""
    return bool(
        CalendarConnection.objects.filter(id=connection_id, tried_at=tried_at).update(tried_at=now)
    )


def refresh_window(*, host_id: int, now: datetime) -> tuple[datetime, datetime]:
    ahead = min(max(booking_horizon(host_id=host_id), MIN_AHEAD), MAX_AHEAD)
    return now - WINDOW_BEHIND, now + ahead + FULL_READ_EVERY


def connection_refresh(*, connection_id: int, now: datetime | None = None) -> Refreshed:
    """Read the connection's ticked calendars again where they changed, and keep whether
    it works: cleared on success, broken (its owner told once) on a failure."""
    now = now or timezone.now()
    connection = CalendarConnection.objects.select_related("owner").filter(id=connection_id).first()
    if connection is None:
        return Refreshed()
    account = CalDAVAccount(connection.server_url, connection.username, connection.password)
    read = unchanged = 0
    try:
        for calendar in connection.calendars.filter(is_busy=True):
            if _calendar_refresh(connection, account, calendar, now):
                read += 1
            else:
                unchanged += 1
    except CalendarError as error:
        connection_broken(connection=connection, error=error)
        return Refreshed(read=read, unchanged=unchanged, error=error)
    _connection_works(connection, now)
    log.info(
        "calendars.refresh.done connection=%s read=%s unchanged=%s", connection.id, read, unchanged
    )
    return Refreshed(read=read, unchanged=unchanged)


def _calendar_refresh(
    connection: CalendarConnection,
    account: CalDAVAccount,
    calendar: ConnectedCalendar,
    now: datetime,
) -> bool:
    """Replace the calendar's busy stretches if it changed; whether it was read in full."""
    ctag, sync_token = client.state(account, calendar.url, timeout=REFRESH_TIMEOUT)
    fresh = calendar.refreshed_at is not None and calendar.refreshed_at > now - FULL_READ_EVERY
    if (
        fresh
        and (ctag or sync_token)
        and (ctag, sync_token) == (calendar.ctag, calendar.sync_token)
    ):
        return False
    since, until = refresh_window(host_id=connection.owner_id, now=now)
    texts = client.events_between(
        account, calendar.url, *server_query_range(since, until), timeout=REFRESH_TIMEOUT
    )
    owner = connection.owner
    stretches = busy_stretches(
        texts,
        since,
        until,
        zone=ZoneInfo(owner.time_zone),
        owner_emails=[owner.email, *([connection.username] if "@" in connection.username else [])],
    )
    with transaction.atomic():
        # Unticked or gone while the server answered: its stretches must not come back.
        if (
            not ConnectedCalendar.objects.select_for_update()
            .filter(id=calendar.id, is_busy=True)
            .exists()
        ):
            return True
        BusyStretch.objects.filter(calendar_id=calendar.id).delete()
        BusyStretch.objects.bulk_create(
            BusyStretch(calendar_id=calendar.id, host_id=calendar.host_id, start=start, end=end)
            for start, end in stretches
        )
        # The tags read before the events: a change made meanwhile is seen next time.
        ConnectedCalendar.objects.filter(id=calendar.id).update(
            ctag=ctag, sync_token=sync_token, refreshed_at=now
        )
    return True


def _connection_works(connection: CalendarConnection, now: datetime) -> None:
    """Busy times are as of `now`, and whatever was wrong is over (one UPDATE)."""
    CalendarConnection.objects.filter(id=connection.id).update(
        checked_at=now, problem_code=Problem.NONE, problem_detail="", broken_at=None
    )
    if connection.problem_code != Problem.NONE:
        log.info("calendars.connection.recovered connection=%s", connection.id)


def connection_broken(*, connection: CalendarConnection, error: CalendarError) -> None:
    """Connection broken, with the server's reason in words; its owner is told once per
    break (a break lasting many refreshes keeps the time it began)."""
    code = problem_code_of(error)
    broken_at = connection.broken_at or timezone.now()
    with transaction.atomic():
        CalendarConnection.objects.filter(id=connection.id).update(
            problem_code=code, problem_detail=error.words, broken_at=broken_at
        )
        told = connection.told_at is not None and connection.told_at >= broken_at
        if not told:
            connection_broken_notice_enqueue(connection_id=connection.id)
    log.warning("calendars.refresh.failed connection=%s code=%s", connection.id, code)
