"""The booking POST's live look at a host's calendars (`CalendarProvider.slot_recheck`).

The booking page offered the time from the busy times kept by the refresh, which may be
minutes old; here the ticked calendars' servers are asked for just the chosen time, all
within the caller's timeout. Anything short of every server answering is "unchecked",
never an error: a connection already broken is not asked at all (its server would only
make the invitee wait), and a server that fails or runs out of time leaves it unchecked.
"""

import logging
import time
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
    deadline = time.monotonic() + timeout
    unchecked = False
    for calendar in calendars:
        connection = calendar.connection
        left = deadline - time.monotonic()
        if connection.problem_code != Problem.NONE or left <= 0:
            unchecked = True
            continue
        account = CalDAVAccount(connection.server_url, connection.username, connection.password)
        try:
            texts = client.events_between(
                account, calendar.url, *server_query_range(start, end), timeout=left
            )
        except CalendarError as error:
            log.warning(
                "calendars.recheck.unchecked connection=%s calendar=%s why=%s",
                connection.id,
                calendar.id,
                type(error).__name__,
            )
            unchecked = True
            continue
        host = calendar.host
        emails = [host.email, *([connection.username] if "@" in connection.username else [])]
        if busy_stretches(texts, start, end, zone=ZoneInfo(host.time_zone), owner_emails=emails):
            return "busy"
    return "unchecked" if unchecked else "free"
