"""CalDAV as a calendar provider on the seam (conferencing/calendars.py): scheduling asks
it for a host's busy times, read from the local cache of the calendars the host ticked,
and the Integrations page for the host's own connections."""

from datetime import datetime

from django.urls import reverse

from slotlink.calendars.models import CalendarEvent
from slotlink.calendars.recheck import slot_recheck
from slotlink.calendars.selectors import (
    busy_stretches_of,
    connections_of,
    event_of,
    host_in_use_sql,
)
from slotlink.calendars.services.events import calendar_event_record
from slotlink.conferencing.calendars import BusyTime, EventNote, SlotCheck
from slotlink.conferencing.seam import BookingRef, HostAction, IntegrationCard


class CalDAVProvider:
    name = "caldav"
    label = "CalDAV calendar"

    def busy_times(self, *, host_id: int, since: datetime, until: datetime) -> list[BusyTime]:
        # The cache only: a booking page never waits on a calendar server.
        return [
            BusyTime(start, end)
            for start, end in busy_stretches_of(host_id=host_id, since=since, until=until)
        ]

    def slot_recheck(
        self, *, host_id: int, start: datetime, end: datetime, timeout: float
    ) -> SlotCheck:
        # The servers themselves, for the booking POST (calendars/recheck.py).
        return slot_recheck(host_id=host_id, start=start, end=end, timeout=timeout)

    def host_in_use_sql(self, host_column: str) -> str:
        return host_in_use_sql(host_column)

    def integration_card(self, *, organization_id: int, user_id: int) -> IntegrationCard:
        connections = connections_of(organization_id=organization_id, owner_id=user_id)
        return IntegrationCard("calendars/_card.html", {"connections": list(connections)})

    def event_written(self, booking: BookingRef) -> None:
        calendar_event_record(booking)

    def event_notes(self, *, booking_id: int, session_id: int | None) -> list[EventNote]:
        row = event_of(booking_id=booking_id, session_id=session_id)
        if row is None or not row.host_changed:
            return []
        what = "changed" if row.host_changed == CalendarEvent.HostChange.EDITED else "removed"
        put_back = HostAction(
            "Put it back", reverse("calendars-event-put-back", args=[row.pk]), method="post"
        )
        return [
            EventNote(
                f"You {what} this booking's event in your calendar; slotlink left it as "
                "you made it.",
                put_back,
            )
        ]
