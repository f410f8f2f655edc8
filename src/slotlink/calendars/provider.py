"""CalDAV as a calendar provider on the seam (conferencing/calendars.py): scheduling asks
it for a host's busy times, read from the local cache of the calendars the host ticked,
and the Integrations page for the host's own connections."""

from datetime import datetime

from slotlink.calendars.recheck import slot_recheck
from slotlink.calendars.selectors import busy_stretches_of, connections_of
from slotlink.conferencing.calendars import BusyTime, SlotCheck
from slotlink.conferencing.seam import BookingRef, IntegrationCard


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

    def integration_card(self, *, organization_id: int, user_id: int) -> IntegrationCard:
        connections = connections_of(organization_id=organization_id, owner_id=user_id)
        return IntegrationCard("calendars/_card.html", {"connections": list(connections)})

    def event_written(self, booking: BookingRef) -> None:
        # Events out come with the booking-events work of issue 21: until then nothing is
        # written to the host's calendar, and no page says a booking was added to one.
        return None
