"""Reading calendar connections: only ever the owner's own, and the busy stretches of the
calendars they ticked."""

from datetime import datetime

from django.db import connection
from django.db.models import Prefetch, QuerySet

from slotlink.calendars.models import (
    BusyStretch,
    CalendarConnection,
    CalendarEvent,
    ConnectedCalendar,
)


def connections_of(*, organization_id: int, owner_id: int) -> QuerySet[CalendarConnection]:
    """The host's own connections in this organization, with their calendars. Nobody else's:
    not a co-worker's, and not for an admin either."""
    return (
        CalendarConnection.objects.filter(organization_id=organization_id, owner_id=owner_id)
        .prefetch_related(Prefetch("calendars", queryset=ConnectedCalendar.objects.all()))
        .order_by("created_at", "id")
    )


def connection_of(
    *, organization_id: int, owner_id: int, connection_id: int
) -> CalendarConnection | None:
    return (
        connections_of(organization_id=organization_id, owner_id=owner_id)
        .filter(id=connection_id)
        .first()
    )


def target_calendar_of(*, host_id: int) -> ConnectedCalendar | None:
    """The one calendar the host's bookings are added to, if they picked one."""
    return (
        ConnectedCalendar.objects.select_related("connection")
        .filter(host_id=host_id, is_target=True)
        .first()
    )


def host_in_use_sql(host_column: str) -> str:
    """SQL true when the host (`host_column`) has a calendar ticked as busy (the booking
    POST asks its server: recheck.py) or picked for bookings (a new booking's event is
    written to it: services/events.py); the provider's part of the booking POST's event
    type query. Written out, as the query it goes in is (whoever changes these fields or
    what those two modules look up changes it too; tests/calendars/test_busy_slots.py and
    test_booking_events.py hold it to their answers)."""
    quote = connection.ops.quote_name
    return (
        f"EXISTS (SELECT 1 FROM {quote(ConnectedCalendar._meta.db_table)} c"  # noqa: S608 - names only
        f" WHERE c.host_id = {host_column} AND (c.is_busy OR c.is_target))"
    )


def has_busy_calendars(*, host_id: int) -> bool:
    return ConnectedCalendar.objects.filter(host_id=host_id, is_busy=True).exists()


def busy_stretches_of(
    *, host_id: int, since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The host's cached busy stretches overlapping [since, until), from ticked calendars
    only, in start order."""
    return list(
        BusyStretch.objects.filter(
            host_id=host_id, calendar__is_busy=True, start__lt=until, end__gt=since
        )
        .order_by("start", "end")
        .values_list("start", "end")
    )


def event_of(*, booking_id: int, session_id: int | None) -> CalendarEvent | None:
    """The booking's event in its host's calendar (its group session's, if it has one)."""
    key = {"session_id": session_id} if session_id is not None else {"booking_id": booking_id}
    return CalendarEvent.objects.filter(**key).first()


def own_event(*, organization_id: int, host_id: int, event_id: int) -> CalendarEvent | None:
    """A booking's event, only for its own host: nobody else's, not for an admin either."""
    return CalendarEvent.objects.filter(
        pk=event_id, organization_id=organization_id, host_id=host_id
    ).first()
