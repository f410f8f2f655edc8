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

Events go the other way: scheduling tells the providers that a booking changed
(`event_written`, in the booking's transaction; a provider that fails is logged and left
out, never failing the booking), and a provider writing the event later asks scheduling for
the host's event as it is then (`host_event`, a source scheduling registers), so the
calendar always gets the booking's latest state, in the words of the host's invite.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from slotlink.conferencing.seam import BookingRef, HostAction, IntegrationCard

log = logging.getLogger("slotlink.conferencing")

# What a live look at the host's calendars found for a time: "unchecked" when a server
# could not answer in time (down, slow, refusing the credentials).
SlotCheck = Literal["free", "busy", "unchecked"]


@dataclass(frozen=True)
class BusyTime:
    """A stretch when the host is taken in their own calendar (aware datetimes)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class HostEvent:
    """The host's own event of a booking, or of a group session (one event for its seats),
    as it is now: what a calendar provider writes to the host's calendar."""

    uid: str  # the booking's (or the session's) invite UID
    ics: bytes  # one VEVENT in a VCALENDAR, without METHOD: a calendar's stored object
    present: bool  # False: cancelled (a session: its last seat gone), so it is removed
    booking_id: int | None = None  # the booking whose page shows the event's state


@dataclass(frozen=True)
class EventNote:
    """What the booking's page tells its host of the booking's event in their calendar
    (e.g. that they changed it there, so slotlink left it), and the action to undo it."""

    text: str
    action: HostAction | None = None


class HostEventSource(Protocol):
    def __call__(
        self, *, booking_id: int | None = None, session_id: int | None = None
    ) -> HostEvent | None: ...


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

    def host_in_use_sql(self, host_column: str) -> str:
        """An SQL condition on a host's id (`host_column`, a column of the query it goes
        in) that is true when the host has a calendar of this provider that a new
        one-on-one booking concerns: one to ask whether the time is free, or one to write
        the booking's event to. When false, `slot_recheck` is "free" and `event_written`
        of such a booking does nothing, so the booking POST asks neither."""
        ...

    def integration_card(self, *, organization_id: int, user_id: int) -> IntegrationCard | None:
        """The card this person sees in the Calendars section of the Integrations page,
        with their own connections only; None hides the provider."""
        ...

    def event_written(self, booking: BookingRef) -> None:
        """Write (or move, or with `booking.cancelled` remove) the booking's event in the
        host's calendar: recorded in the booking's transaction, written after commit. Its
        writes go in a savepoint, so one that fails leaves the booking's transaction whole
        (the caller logs it and goes on)."""
        ...

    def event_notes(self, *, booking_id: int, session_id: int | None) -> list[EventNote]:
        """What the host's page of the booking says of its event in the host's calendar
        (its own, or its group session's): [] when there is nothing to tell."""
        ...


_calendar_providers: dict[str, CalendarProvider] = {}
# How far ahead a host's bookings reach (scheduling registers the reader in its
# `AppConfig.ready`), so a provider keeps busy times as far ahead as slots are offered.
_booking_horizon: list[Callable[[int], timedelta]] = []
DEFAULT_HORIZON = timedelta(days=60)


_host_event_sources: list[HostEventSource] = []
# Which group session a booking sits in (scheduling registers the reader): a provider that
# keeps one event per session finds it when a seat's join link arrives.
_session_of: list[Callable[[int], int | None]] = []


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


def host_in_use_sql(host_column: str) -> str:
    """An SQL condition on a host's id, true when any provider has a calendar of the host
    that a new one-on-one booking concerns (`CalendarProvider.host_in_use_sql`). The
    booking POST reads it with its event type: a host without one (most hosts) costs the
    POST no query of the providers' own."""
    conditions = [f"({p.host_in_use_sql(host_column)})" for p in _calendar_providers.values()]
    return " OR ".join(conditions) or "1 = 0"


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


def on_session_of(reader: Callable[[int], int | None]) -> None:
    """Scheduling tells how to read the group session a booking sits in."""
    _session_of[:] = [reader]


def session_of(*, booking_id: int) -> int | None:
    """The group session the booking sits in; None for a one-on-one booking."""
    return _session_of[0](booking_id) if _session_of else None


def on_booking_horizon(reader: Callable[[int], timedelta]) -> None:
    """Scheduling tells how to read how far ahead a host's bookings may be made."""
    _booking_horizon[:] = [reader]


def booking_horizon(*, host_id: int) -> timedelta:
    """How far ahead of now the host's event types may be booked (the furthest of them)."""
    return _booking_horizon[0](host_id) if _booking_horizon else DEFAULT_HORIZON


def event_written(booking: BookingRef) -> None:
    """Each provider records that the booking's event is to be written (in the booking's
    transaction; a provider writes in a savepoint of its own): one that fails is logged and
    left out, and the booking goes on."""
    for provider in _calendar_providers.values():
        try:
            provider.event_written(booking)
        except Exception:
            log.exception(
                "conferencing.calendars.event-failed provider=%s booking=%s",
                provider.name,
                booking.booking_id,
            )


def event_notes(*, booking_id: int, session_id: int | None = None) -> list[EventNote]:
    """Every provider's notes of the booking's event, for its host's page."""
    return [
        note
        for provider in _calendar_providers.values()
        for note in provider.event_notes(booking_id=booking_id, session_id=session_id)
    ]


def register_host_event_source(source: HostEventSource) -> None:
    """Scheduling registers the builder of the host's events here (its AppConfig)."""
    if source not in _host_event_sources:
        _host_event_sources.append(source)


def host_event(*, booking_id: int | None = None, session_id: int | None = None) -> HostEvent | None:
    """The host's event of a booking (or of a group session) as it is now; None when the
    booking or session no longer exists."""
    for source in _host_event_sources:
        return source(booking_id=booking_id, session_id=session_id)
    return None
