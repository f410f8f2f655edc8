"""Calendar connections, the second kind of provider: busy times in, events out.

A calendar provider registers here beside the conferencing providers (seam.py), from its
app's `AppConfig.ready`; scheduling will ask it through this module only, as it asks a
conferencing provider through the seam, with the same `BookingRef`. None is registered
yet: nothing calls these until one is (issue 21).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from slotlink.conferencing.seam import BookingRef


@dataclass(frozen=True)
class BusyTime:
    """A stretch when the host is taken in their own calendar (aware datetimes)."""

    start: datetime
    end: datetime


class CalendarProvider(Protocol):
    name: str  # e.g. "caldav"
    label: str  # the Integrations page's name for it, e.g. "CalDAV calendar"

    def busy_times(self, *, host_id: int, since: datetime, until: datetime) -> list[BusyTime]:
        """The host's busy stretches between `since` and `until`, for the free slots."""
        ...

    def event_written(self, booking: BookingRef) -> None:
        """Write (or move, or with `booking.cancelled` remove) the booking's event in the
        host's calendar: recorded in the booking's transaction, written after commit."""
        ...


_calendar_providers: dict[str, CalendarProvider] = {}


def register_calendar_provider(provider: CalendarProvider) -> None:
    _calendar_providers[provider.name] = provider


def calendar_providers() -> list[CalendarProvider]:
    return list(_calendar_providers.values())
