"""The conferencing seam: what scheduling asks of a video-conferencing provider.

Scheduling never imports a provider. When a booking is created, rescheduled or cancelled it
calls the functions at the bottom of this module inside its transaction; they hand the
event to the provider registered for the booking's location kind (Zoom registers itself in
its AppConfig). A provider records what it needs and does slow work (talking to Zoom)
after commit, in the background. A `BookingRef` carries everything a provider may know of
a booking, so a provider needs nothing from scheduling.

To show a booking, scheduling asks for `ConferenceDetails`: the location text and join
link, or why there is none. The why is for the host (with the action that fixes it); the
invitee only ever learns that the link follows, or, when none will come on its own, that
the host will send the details, never an admin's reason. Lists ask for many bookings at
once (`conference_details_many`), one query per provider, not per row. Before anyone books,
the provider says what the booking page may promise (`public_location_text`).

A link can be the invitee's own (`personal`, e.g. a webinar registrant's): it joins as
them, so only they see it. The host of such an event starts it as its host instead, with a
start link the provider gives on demand (`host_start_url`), fresh each time and never kept.

A provider brings its location kinds with their words and rules (`location`, a
`ProvidedLocation` of kinds.py): scheduling shows and applies them, and names no provider.
A link made late is announced with the details just stored (`link_ready`), so nothing
reads them back. Calendar providers register beside these (calendars.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from slotlink.conferencing.kinds import ProvidedLocation, register_location


class LinkStatus(StrEnum):
    READY = "ready"  # join_url is the link to use
    PENDING = "pending"  # being created; an update follows
    UNAVAILABLE = "unavailable"  # no link will come on its own; `reason` says why


# What an invitee is promised when no link will come on its own: the host, who is told why
# (and can still get the link made, which then comes by email), sends the details.
HOST_SENDS_DETAILS = "your host will send you the meeting details"


def link_comes_text(label: str) -> str:
    """The booking page's words for a location whose link comes with the confirmation."""
    return f"{label} (the link comes with your confirmation)"


def host_sends_text(label: str) -> str:
    """The booking page's words for a location that will get no link on its own."""
    return f"{label} — {HOST_SENDS_DETAILS}"


@dataclass(frozen=True)
class HostAction:
    """What the host can do about a missing link: a page to open, or a form to post."""

    label: str  # e.g. "Connect Zoom →", "Reconnect", "Recreate meeting"
    url: str
    method: str = "get"  # "post" renders a button in a form with the CSRF token


@dataclass(frozen=True)
class ConferenceDetails:
    location_text: str  # e.g. "Zoom"
    status: LinkStatus
    join_url: str = ""
    passcode: str = ""
    # For the host only: why there is no link (yet), or what changed in the provider
    # ("moved in Zoom to ..."), and the action that fixes it.
    reason: str = ""
    action: HostAction | None = None
    # Whether the invitee came, when the provider knows (e.g. a webinar's attendance):
    # "attended", "no_show" or "" (not known yet).
    attendance: str = ""
    # `join_url` is the invitee's own (a webinar registrant's): opening it joins as them,
    # so it is shown and sent to that invitee only, never to the host.
    personal: bool = False
    # The host's button that starts the event as its host (e.g. "Start webinar as host"),
    # when the provider gives a start link on demand (`host_start_url`); "" when it can't.
    host_start_label: str = ""

    @property
    def is_ready(self) -> bool:
        return self.status == LinkStatus.READY

    def invitee_note(self) -> str:
        """What the invitee is told when there is no link: that it follows, or that the
        host will send the details (none will come on its own); never the host's reason."""
        if self.status == LinkStatus.PENDING:
            return f"Your {self.location_text} link will follow in a separate email."
        if self.status == LinkStatus.UNAVAILABLE:
            return f"{HOST_SENDS_DETAILS.capitalize()}."
        return ""


class HostStartUnavailable(Exception):
    """The provider could not give the host a start link now; `message` says why, in words
    the host can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BookingRef:
    """What a provider may know of a booking, without importing scheduling."""

    booking_id: int
    organization_id: int
    host_id: int
    event_type_id: int
    title: str
    start: datetime  # aware
    duration_minutes: int
    host_time_zone: str
    invitee_name: str
    invitee_email: str
    sequence: int  # the calendar invite's SEQUENCE, bumped on every change
    cancelled: bool = False
    # What the meeting is about, for its agenda: the event type's description and what the
    # invitee told the host.
    description: str = ""
    # Bookings of one group session share it (e.g. one Zoom webinar, a registrant each);
    # None for one-on-one bookings. A reschedule says which session the booking left.
    group_session_id: int | None = None
    previous_group_session_id: int | None = None
    # What the booking's location says beyond its kind: for a webinar location, an
    # existing event of the provider's to attach to ("" for a new one per session), and
    # whether to fall back to a plain meeting when the webinar cannot be made.
    location_detail: str = ""
    fallback_to_meeting: bool = False

    @property
    def start_iso(self) -> str:
        return self.start.isoformat()


@dataclass(frozen=True)
class ExistingEvent:
    """An event that already exists at the provider (e.g. a webinar on the host's Zoom),
    which an event type can attach to instead of making one per session."""

    reference: str
    label: str


@dataclass(frozen=True)
class IntegrationCard:
    """A provider's card in the Video Conferencing section of the Integrations page."""

    template_name: str
    context: dict[str, object]


class ConferencingProvider(Protocol):
    location_kind: str  # the location kind it serves, e.g. "zoom" (`location.kind`)
    label: str  # e.g. "Zoom" (`location.label`)
    # The kind's words and rules (kinds.py): its label, what the host reads when no link
    # will come, whether it needs a group, what a session shares, its description limit,
    # the editor's words for attaching to existing events.
    location: ProvidedLocation

    def booking_created(self, booking: BookingRef) -> bool:
        """Make the booking's link (in the booking's transaction; slow work goes to tasks).
        True when the link is still being made and the provider will call `link_ready`
        for this booking once it is ready or cannot be made."""
        ...

    def booking_rescheduled(self, booking: BookingRef) -> bool:
        """Move the booking's link; True as for `booking_created`."""
        ...

    def booking_cancelled(self, booking: BookingRef) -> None: ...

    def details_many(self, bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
        """The details of each booking, by booking id, in a bounded number of queries."""
        ...

    def location_problem(self, *, organization_id: int, host_id: int) -> str:
        """Why a new booking with this location would get no link now ("" if it would)."""
        ...

    def public_location_text(self, *, organization_id: int, host_id: int) -> str:
        """What the booking page tells the public of this location before anyone books: a
        link is promised only if a new booking would get one (`link_comes_text`), else the
        host sends the details (`host_sends_text`)."""
        ...

    def integration_card(
        self, *, organization_id: int, user_id: int, is_admin: bool
    ) -> IntegrationCard | None:
        """The card this person sees on the Integrations page; None hides the provider."""
        ...


class ProviderWithExistingEvents(ConferencingProvider, Protocol):
    """A provider whose location can attach to events that exist at the provider."""

    def existing_events(self, *, organization_id: int, host_id: int) -> list[ExistingEvent]:
        """The host's own events at the provider, never a co-worker's."""
        ...


class ProviderWithHostStart(ConferencingProvider, Protocol):
    """A provider whose events the host starts through a short-lived start link."""

    def host_start_url(self, booking: BookingRef) -> str:
        """A start link fresh from the provider for the booking's event, for its host only
        (the caller checks who asks): never stored, logged or emailed. Raises
        `HostStartUnavailable` when there is none to give now."""
        ...


_providers: dict[str, ConferencingProvider] = {}
_link_ready_listeners: list["LinkReadyListener"] = []


def register_provider(provider: ConferencingProvider) -> None:
    """The provider for its kind, and the kind's words and rules. A stand-in without words
    of its own (a test's) keeps the words registered for the kind before it."""
    _providers[provider.location_kind] = provider
    location = getattr(provider, "location", None)
    if location is not None:
        register_location(location)


def provider_for(location_kind: str) -> ConferencingProvider | None:
    return _providers.get(location_kind)


def providers() -> list[ConferencingProvider]:
    return list(_providers.values())


def booking_created(location_kind: str, booking: BookingRef) -> bool:
    """Tell the provider; True when its link follows through `link_ready`."""
    provider = provider_for(location_kind)
    return provider.booking_created(booking) if provider else False


def booking_rescheduled(location_kind: str, booking: BookingRef) -> bool:
    """Tell the provider; True when its link follows through `link_ready`."""
    provider = provider_for(location_kind)
    return provider.booking_rescheduled(booking) if provider else False


def booking_cancelled(location_kind: str, booking: BookingRef) -> None:
    if provider := provider_for(location_kind):
        provider.booking_cancelled(booking)


def booking_host_changed(location_kind: str, booking: BookingRef) -> None:
    """Another host took the booking (`booking.host_id`), at the same time: a provider that
    cares (a link made on the old host's account) implements `booking_host_changed`."""
    provider = provider_for(location_kind)
    handler = getattr(provider, "booking_host_changed", None)
    if handler is not None:
        handler(booking)


def conference_details(location_kind: str, booking: BookingRef) -> ConferenceDetails | None:
    """The link to show for a booking; None when no provider serves its location."""
    return conference_details_many([(location_kind, booking)]).get(booking.booking_id)


def conference_details_many(
    bookings: Iterable[tuple[str, BookingRef]],
) -> dict[int, ConferenceDetails]:
    """Details for many bookings (location kind, reference), by booking id: one call per
    provider. Bookings whose location no provider serves are left out."""
    by_kind: dict[str, list[BookingRef]] = {}
    for kind, ref in bookings:
        if kind in _providers:
            by_kind.setdefault(kind, []).append(ref)
    details: dict[int, ConferenceDetails] = {}
    for kind, refs in by_kind.items():
        details.update(_providers[kind].details_many(refs))
    return details


def existing_events(
    location_kind: str, *, organization_id: int, host_id: int
) -> list[ExistingEvent]:
    """Events the host could attach this location to; [] when the provider has none."""
    provider = provider_for(location_kind)
    lister = getattr(provider, "existing_events", None)
    if lister is None:
        return []
    events: list[ExistingEvent] = lister(organization_id=organization_id, host_id=host_id)
    return events


def host_start_url(location_kind: str, booking: BookingRef) -> str:
    """A fresh start link for the booking's host (see `ProviderWithHostStart`)."""
    starter = getattr(provider_for(location_kind), "host_start_url", None)
    if starter is None:
        raise HostStartUnavailable("This location has no start link for its host.")
    url: str = starter(booking)
    return url


def location_problem(location_kind: str, *, organization_id: int, host_id: int) -> str:
    provider = provider_for(location_kind)
    return (
        provider.location_problem(organization_id=organization_id, host_id=host_id)
        if provider
        else ""
    )


def public_location_text(location_kind: str, *, organization_id: int, host_id: int) -> str:
    """What the booking page may say of the location; "" when no provider serves it."""
    provider = provider_for(location_kind)
    if provider is None:
        return ""
    return provider.public_location_text(organization_id=organization_id, host_id=host_id)


class LinkReadyListener(Protocol):
    def __call__(self, booking_id: int, details: ConferenceDetails | None = None) -> None: ...


def on_link_ready(listener: LinkReadyListener) -> None:
    """Scheduling registers here to hear when a booking's join link becomes ready late
    (after the confirmation went out), so it can send the updated invite."""
    if listener not in _link_ready_listeners:
        _link_ready_listeners.append(listener)


def link_ready(booking_id: int, details: ConferenceDetails | None = None) -> None:
    """A provider calls this (in its transaction) when a booking's link became ready or
    changed, or when a link it promised cannot be made; listeners act once it commits
    (an email sent then, or a task written with it). `details` are the booking's as the
    provider has just stored them, so no listener asks for them again; a provider that
    would have to read them back passes None, and the listener asks."""
    for listener in _link_ready_listeners:
        if details is None:
            listener(booking_id)
        else:
            listener(booking_id, details)
