"""Fixtures of the scheduling tests: a host, event types, a test provider."""

from dataclasses import dataclass, field, replace

import pytest

from slotlink.conferencing import seam
from slotlink.conferencing.seam import (
    BookingRef,
    ConferenceDetails,
    ExistingEvent,
    HostAction,
    HostStartUnavailable,
    LinkStatus,
    link_comes_text,
)
from slotlink.scheduling.models import EventType
from slotlink.zoom.locations import ZOOM, ZOOM_WEBINAR
from tests.scheduling.builders import make_event_type, make_host


@pytest.fixture
def host(organization):
    return make_host(organization)


@pytest.fixture
def event_type(organization, host) -> EventType:
    return make_event_type(organization, host)


RECREATE = HostAction("Recreate meeting", "/recreate", method="post")


@dataclass
class RecordingProvider:
    """A conferencing provider for tests of our own seam: it records what it hears, counts
    the detail lookups (a list of bookings is one), and answers with the link status a test
    sets. Without a link it gives the host a reason and an action."""

    location_kind: str = ZOOM
    label: str = "Zoom"
    status: LinkStatus = LinkStatus.READY
    join_url: str = "https://zoom.example.test/j/123"
    reason: str = "The Zoom meeting could not be created."  # the host's, when unavailable
    action: HostAction | None = RECREATE
    pending_reason: str = ""  # the host's, while pending
    problem: str = ""
    public_text: str = ""  # what the booking page may say; by default, that the link comes
    link_follows: bool = False  # whether it promises to announce its link (seam.link_ready)
    calls: list[tuple[str, BookingRef]] = field(default_factory=list)
    details_calls: list[list[int]] = field(default_factory=list)  # booking ids, per call

    def booking_created(self, booking: BookingRef) -> bool:
        self.calls.append(("created", booking))
        return self.link_follows

    def booking_rescheduled(self, booking: BookingRef) -> bool:
        self.calls.append(("rescheduled", booking))
        return self.link_follows

    def booking_cancelled(self, booking: BookingRef) -> None:
        self.calls.append(("cancelled", booking))

    def details_many(self, bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
        self.details_calls.append([booking.booking_id for booking in bookings])
        ready = self.status == LinkStatus.READY
        unavailable = self.status == LinkStatus.UNAVAILABLE
        details = ConferenceDetails(
            location_text=self.label,
            status=self.status,
            join_url=self.join_url if ready else "",
            passcode="4321" if ready else "",
            reason=self.reason if unavailable else "" if ready else self.pending_reason,
            action=self.action if unavailable else None,
        )
        return {booking.booking_id: details for booking in bookings}

    def location_problem(self, *, organization_id: int, host_id: int) -> str:
        return self.problem

    def public_location_text(self, *, organization_id: int, host_id: int) -> str:
        return self.public_text or link_comes_text(self.label)

    def integration_card(self, *, organization_id: int, user_id: int, is_admin: bool) -> None:
        return None


@pytest.fixture
def provider():
    """A registered test provider for Zoom locations, removed again afterwards."""
    recording = RecordingProvider()
    previous = seam.provider_for(ZOOM)
    seam.register_provider(recording)
    yield recording
    if previous is None:
        seam._providers.pop(ZOOM, None)
    else:
        seam.register_provider(previous)


@pytest.fixture
def no_provider():
    """No conferencing provider for Zoom locations (the app registers the real one)."""
    previous = seam._providers.pop(ZOOM, None)
    yield
    if previous is not None:
        seam.register_provider(previous)


@dataclass
class WebinarProvider(RecordingProvider):
    """A test provider for Zoom webinar locations: each invitee's link is their own
    (personal); it also lists each host's own existing webinars (`events`, by host id),
    says who attended (`attendance`, by booking id) and gives the host a start link
    (`start_url`, counted in `starts`) or, with `start_problem`, says why it can't."""

    location_kind: str = ZOOM_WEBINAR
    label: str = "Zoom webinar"
    join_url: str = "https://zoom.example.test/w/987?tk=personal"
    public_text: str = "Zoom webinar (your personal link comes with your confirmation)"
    events: dict[int, list[ExistingEvent]] = field(default_factory=dict)
    attendance: dict[int, str] = field(default_factory=dict)
    start_label: str = "Start webinar as host"
    start_url: str = "https://zoom.example.test/s/987?zak=host-only"
    start_problem: str = ""
    starts: list[BookingRef] = field(default_factory=list)

    def existing_events(self, *, organization_id: int, host_id: int) -> list[ExistingEvent]:
        return list(self.events.get(host_id, []))

    def details_many(self, bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
        return {
            booking_id: replace(
                details,
                attendance=self.attendance.get(booking_id, ""),
                personal=True,
                host_start_label=self.start_label,
            )
            for booking_id, details in super().details_many(bookings).items()
        }

    def host_start_url(self, booking: BookingRef) -> str:
        self.starts.append(booking)
        if self.start_problem:
            raise HostStartUnavailable(self.start_problem)
        return self.start_url


@pytest.fixture
def webinar_provider():
    """A registered test provider for Zoom webinar locations, in place of the real one (if
    any) until the test ends."""
    webinars = WebinarProvider()
    previous = seam.provider_for(ZOOM_WEBINAR)
    seam.register_provider(webinars)
    yield webinars
    if previous is None:
        seam._providers.pop(ZOOM_WEBINAR, None)
    else:
        seam.register_provider(previous)
