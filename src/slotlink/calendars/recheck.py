"""The booking POST's live look at a host's calendars (`CalendarProvider.slot_recheck`).

The booking page offered the time from the busy times kept by the refresh, which may be
minutes old; here the ticked calendars' servers are asked for just the chosen time, all
within the caller's timeout. Anything short of every server answering is "unchecked",
never an error: a connection already broken is not asked at all (its server would only
make the invitee wait), and a server that fails or runs out of time leaves it unchecked.

The calendars are asked at once, each in a thread of its own: one after another, three
calendars on a server answering in half a second kept the invitee waiting 1.6 s
(docs/benchmarks.md, issue 21), and a hung server spent the whole timeout before the
others were asked at all. The first "busy" answers for all; the threads touch no database.
"""

import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime
from zoneinfo import ZoneInfo

from slotlink.calendars import client
from slotlink.calendars.busy import busy_stretches, server_query_range
from slotlink.calendars.client import CalDAVAccount, CalendarError
from slotlink.calendars.models import ConnectedCalendar
from slotlink.calendars.problems import Problem
from slotlink.conferencing.calendars import SlotCheck

log = logging.getLogger("slotlink.calendars")


def slot_recheck(*, host_id: int, start: datetime, end: datetime, timeout: float) -> SlotCheck:
    calendars = list(
        ConnectedCalendar.objects.filter(host_id=host_id, is_busy=True).select_related(
            "connection", "host"
        )
    )
    asked = [c for c in calendars if c.connection.problem_code == Problem.NONE]
    unchecked = len(asked) < len(calendars)
    if not asked:
        return "unchecked" if unchecked else "free"
    deadline = time.monotonic() + timeout
    pool = ThreadPoolExecutor(max_workers=len(asked), thread_name_prefix="calendar-recheck")
    try:
        waiting: set[Future[SlotCheck]] = {
            pool.submit(_calendar_recheck, calendar, start, end, timeout) for calendar in asked
        }
        while waiting:
            # Each request has `timeout` for its whole exchange, so every thread ends soon
            # after it; a thread still going then (expanding a large answer) is unchecked.
            left = max(0.0, deadline - time.monotonic())
            done, waiting = wait(waiting, timeout=left, return_when=FIRST_COMPLETED)
            if not done:
                return "unchecked"
            for future in done:
                answer = future.result()
                if answer == "busy":
                    return "busy"
                unchecked = unchecked or answer == "unchecked"
    finally:
        # Never waits: a hung server's thread ends at its own deadline.
        pool.shutdown(wait=False, cancel_futures=True)
    return "unchecked" if unchecked else "free"


def _calendar_recheck(
    calendar: ConnectedCalendar, start: datetime, end: datetime, timeout: float
) -> SlotCheck:
    """One calendar's answer for [start, end): busy, free, or unchecked when its server
    fails or runs out of time."""
    connection = calendar.connection
    account = CalDAVAccount(connection.server_url, connection.username, connection.password)
    try:
        texts = client.events_between(
            account, calendar.url, *server_query_range(start, end), timeout=timeout
        )
    except CalendarError as error:
        log.warning(
            "calendars.recheck.unchecked connection=%s calendar=%s why=%s",
            connection.id,
            calendar.id,
            type(error).__name__,
        )
        return "unchecked"
    host = calendar.host
    emails = [host.email, *([connection.username] if "@" in connection.username else [])]
    if busy_stretches(texts, start, end, zone=ZoneInfo(host.time_zone), owner_emails=emails):
        return "busy"
    return "free"
