"""The calendars' background work: the periodic job that hands out connections due a
refresh, one connection's refresh (calendars/refresh.py does the work), writing a
booking's event (calendars/sync.py), and the sweep that restarts an event's lost sync."""

import logging

from django.utils import timezone
from django_tasks import task

from slotlink.calendars.refresh import (
    connection_refresh,
    connection_refresh_claim,
    connections_due,
)
from slotlink.calendars.sync import calendar_event_sync as event_sync
from slotlink.calendars.sync import events_due

log = logging.getLogger("slotlink.calendars")


@task()
def calendars_refresh_due() -> None:
    """Every minute: each connection due a refresh is claimed and refreshed in a task of
    its own, so a slow server holds up only its own connection, on any worker."""
    now = timezone.now()
    for connection_id, tried_at in connections_due(now=now).values_list("id", "tried_at"):
        if connection_refresh_claim(connection_id=connection_id, tried_at=tried_at, now=now):
            calendar_connection_refresh.enqueue(connection_id)


@task()
def calendar_connection_refresh(connection_id: int) -> None:
    connection_refresh(connection_id=connection_id)


@task()
def calendar_event_sync(row_id: int) -> None:
    """Write a booking's event to the host's calendar; come back when it must wait."""
    again = event_sync(row_id=row_id)
    if again is not None:
        calendar_event_sync.using(run_after=again).enqueue(row_id)


@task()
def calendars_sweep() -> None:
    """Every minute: start the sync of each booking event whose task was lost."""
    for row_id in events_due():
        log.info("calendars.event.swept row=%s", row_id)
        calendar_event_sync.enqueue(row_id)
