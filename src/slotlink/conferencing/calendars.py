"""Calendar connections, the second kind of provider: busy times in, events out.

A calendar provider registers here beside the conferencing providers (seam.py), from its
app's `AppConfig.ready`; scheduling asks it through this module only, as it asks a
conferencing provider through the seam, with the same `BookingRef`.

Scheduling asks two things of the host's calendars. The booking page reads their busy
times from the provider's local copy (`busy_times`: a query, never a request to a
calendar server while a page renders). The booking POST asks the servers themselves
whether the chosen time is still free (`slot_recheck`), bounded by a short timeout, since
the copy may be minutes old: a server that can't answer says "unchecked", never an error,
so a server that is down never breaks a booking.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from slotlink.conferencing.seam import BookingRef, IntegrationCard

log = logging.getLogger("slotlink.conferencing")

# What a live look at the host's calendars found for a time: "unchecked" when a server
# could not answer in time (down, slow, refusing the credentials).
SlotCheck = Literal["free", "busy", "unchecked"]


@dataclass(frozen=True)
class BusyTime:
    """A stretch when the host is taken in their own calendar (aware datetimes)."""

    start: datetime
    end: datetime


class CalendarProvider(Protocol):
    name: str  # e.g. "caldav"
    label: str  # the Integrations page's name for it, e.g. "CalDAV calendar"

    def busy_times(self, *, host_id: int, since: datetime, until: datetime) -> list[BusyTime]:
        """The host's busy stretches overlapping [since, until), for the free slots: read
        from the provider's local copy, never from the calendar server."""
        ...

    def slot_recheck(
        self, *, host_id: int, start: datetime, end: datetime, timeout: float
    ) -> SlotCheck:
        """Whether the host's calendars are free in [start, end) now, asking their servers
        and taking at most `timeout` seconds in all; "free" when the host has none.
        Never raises: a server that can't answer makes it "unchecked"."""
        ...

    def integration_card(self, *, organization_id: int, user_id: int) -> IntegrationCard | None:
        """The card this person sees in the Calendars section of the Integrations page,
        with their own connections only; None hides the provider."""
        ...

    def event_written(self, booking: BookingRef) -> None:
        """Write (or move, or with `booking.cancelled` remove) the booking's event in the
        host's calendar: recorded in the booking's transaction, written after commit."""
        ...


_calendar_providers: dict[str, CalendarProvider] = {}
# How far ahead a host's bookings reach (scheduling registers the reader in its
# `AppConfig.ready`), so a provider keeps busy times as far ahead as slots are offered.
_booking_horizon: list[Callable[[int], timedelta]] = []
DEFAULT_HORIZON = timedelta(days=60)


def register_calendar_provider(provider: CalendarProvider) -> None:
    _calendar_providers[provider.name] = provider


def calendar_providers() -> list[CalendarProvider]:
    return list(_calendar_providers.values())


def busy_times(*, host_id: int, since: datetime, until: datetime) -> list[BusyTime]:
    """The host's busy stretches in every connected calendar, from the providers' copies."""
    return [
        busy
        for provider in _calendar_providers.values()
        for busy in provider.busy_times(host_id=host_id, since=since, until=until)
    ]


def slot_recheck(*, host_id: int, start: datetime, end: datetime, timeout: float) -> SlotCheck:
    """What every provider's servers say of [start, end): busy when any says busy, else
    unchecked when any could not answer, else free. A provider that raises after all
    counts as unchecked: the booking must not break over a calendar."""
    answers: set[SlotCheck] = set()
    for provider in _calendar_providers.values():
        try:
            answers.add(
                provider.slot_recheck(host_id=host_id, start=start, end=end, timeout=timeout)
            )
        except Exception:
            log.exception("conferencing.calendars.recheck-failed provider=%s", provider.name)
            answers.add("unchecked")
    if "busy" in answers:
        return "busy"
    return "unchecked" if "unchecked" in answers else "free"


def on_booking_horizon(reader: Callable[[int], timedelta]) -> None:
    """Scheduling tells how to read how far ahead a host's bookings may be made."""
    _booking_horizon[:] = [reader]


def booking_horizon(*, host_id: int) -> timedelta:
    """How far ahead of now the host's event types may be booked (the furthest of them)."""
    return _booking_horizon[0](host_id) if _booking_horizon else DEFAULT_HORIZON
