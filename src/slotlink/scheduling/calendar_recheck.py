"""The look at the host's own calendars that every POST taking a host's time makes (a new
booking, a reschedule by invitee or host, a group session's move) before it takes the
host's lock.

The booking page offered times from the calendar providers' local copies, which may be a
few minutes old; a meeting the host put in their calendar since then must not be booked
over. So the POST asks the calendar servers themselves, with a short timeout
(`CALENDAR_RECHECK_SECONDS`), and outside the booking's transaction, so no other booking
of the host waits on a calendar server. A server that can't answer in time leaves the
time "unchecked": the copy decides, and a booking made on it is marked for the host.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from slotlink.accounts.models import User
from slotlink.conferencing import calendars
from slotlink.conferencing.calendars import SlotCheck
from slotlink.scheduling.models import EventType
from slotlink.scheduling.selectors import calendar_busy_times


def calendar_recheck(
    *, event_type: EventType, start: datetime, host_id: int | None = None
) -> SlotCheck:
    """Whether the host's calendars are free for a booking at `start`, with the event
    type's buffer on both sides (as around busy times on the page): "busy" when a server
    says so, or when none could answer and the local copy says so. The host is the event
    type's, or `host_id`'s (a booking kept by the colleague it was given to)."""
    host_id = event_type.host_id if host_id is None else host_id
    buffer = timedelta(minutes=event_type.buffer_minutes)
    since = start - buffer
    until = start + timedelta(minutes=event_type.duration_minutes) + buffer
    answer = calendars.slot_recheck(
        host_id=host_id,
        start=since,
        end=until,
        timeout=settings.CALENDAR_RECHECK_SECONDS,
    )
    if answer == "unchecked" and calendar_busy_times(host_id=host_id, since=since, until=until):
        return "busy"
    return answer


def hosts_with_calendars(host_ids: Iterable[int]) -> set[int]:
    """The hosts among `host_ids` who have a calendar a booking's time concerns (any
    provider's: `calendars.host_in_use_sql`, the booking POST's shortcut), in one query:
    the others' calendars need no asking (a reschedule's or a session move's recheck)."""
    ids = sorted(set(host_ids))
    if not ids:
        return set()
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.id FROM {connection.ops.quote_name(User._meta.db_table)} u"  # noqa: S608
            f" WHERE u.id IN ({marks}) AND ({calendars.host_in_use_sql('u.id')})",
            ids,
        )
        return {row[0] for row in cursor.fetchall()}
