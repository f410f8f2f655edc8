"""The conferencing seam: what scheduling asks of a video-conferencing provider.

Scheduling never imports a provider. When a booking is created, rescheduled or cancelled it
calls the functions at the bottom of this module inside its transaction; they hand the
event to the provider registered for the event type's location kind (Zoom registers
itself in its AppConfig). A provider records what it needs and does slow work (talking
to Zoom) after commit, in the background. To show a booking, scheduling asks for
`ConferenceDetails`: the location text and join link, or why there is none yet.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class LinkStatus(StrEnum):
    READY = "ready"  # join_url is the link to use
    PENDING = "pending"  # being created; an update follows
    UNAVAILABLE = "unavailable"  # no link will come on its own; `reason` says why


@dataclass(frozen=True)
class ConferenceDetails:
    location_text: str  # e.g. "Zoom"
    status: LinkStatus
    join_url: str = ""
    passcode: str = ""
    reason: str = ""  # for people: why there is no link (yet)


@dataclass(frozen=True)
class BookingRef:
    """What a provider may know of a booking, without importing scheduling."""

    booking_id: int
    organization_id: int
    host_id: int
    title: str
    start_iso: str
    duration_minutes: int
    # Bookings of one group session share it (e.g. one Zoom webinar, a registrant each);
    # None for one-on-one bookings.
    group_session_id: int | None = None


@dataclass(frozen=True)
class IntegrationCard:
    """A provider's card in the Video Conferencing section of the Integrations page."""

    template_name: str
    context: dict[str, object]


class ConferencingProvider(Protocol):
    location_kind: str  # the event type location kind it serves, e.g. "zoom"
    label: str  # e.g. "Zoom"

    def booking_created(self, booking: BookingRef) -> None: ...

    def booking_rescheduled(self, booking: BookingRef) -> None: ...

    def booking_cancelled(self, booking: BookingRef) -> None: ...

    def details(self, booking: BookingRef) -> ConferenceDetails: ...

    def location_problem(self, *, organization_id: int, host_id: int) -> str:
        """Why a new booking with this location would get no link now ("" if it would)."""
        ...

    def integration_card(
        self, *, organization_id: int, user_id: int, is_admin: bool
    ) -> IntegrationCard | None:
        """The card this person sees on the Integrations page; None hides the provider."""
        ...


_providers: dict[str, ConferencingProvider] = {}
_link_ready_listeners: list[Callable[[int], None]] = []


def register_provider(provider: ConferencingProvider) -> None:
    _providers[provider.location_kind] = provider


def provider_for(location_kind: str) -> ConferencingProvider | None:
    return _providers.get(location_kind)


def providers() -> list[ConferencingProvider]:
    return list(_providers.values())


def booking_created(location_kind: str, booking: BookingRef) -> None:
    if provider := provider_for(location_kind):
        provider.booking_created(booking)


def booking_rescheduled(location_kind: str, booking: BookingRef) -> None:
    if provider := provider_for(location_kind):
        provider.booking_rescheduled(booking)


def booking_cancelled(location_kind: str, booking: BookingRef) -> None:
    if provider := provider_for(location_kind):
        provider.booking_cancelled(booking)


def conference_details(location_kind: str, booking: BookingRef) -> ConferenceDetails | None:
    """The link to show for a booking; None when its location is not a conferencing one."""
    provider = provider_for(location_kind)
    return provider.details(booking) if provider else None


def location_problem(location_kind: str, *, organization_id: int, host_id: int) -> str:
    provider = provider_for(location_kind)
    return (
        provider.location_problem(organization_id=organization_id, host_id=host_id)
        if provider
        else ""
    )


def on_link_ready(listener: Callable[[int], None]) -> None:
    """Scheduling registers here to hear when a booking's join link becomes ready late
    (after the confirmation went out), so it can send the updated invite."""
    if listener not in _link_ready_listeners:
        _link_ready_listeners.append(listener)


def link_ready(booking_id: int) -> None:
    """A provider calls this (in its transaction) when a booking's link became ready or
    changed; listeners should enqueue their work on commit."""
    for listener in _link_ready_listeners:
        listener(booking_id)
