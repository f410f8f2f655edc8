"""The conferencing seam on its own: providers register by location kind, booking changes
and detail lookups go to the provider of the booking's kind, a list is one call per
provider, and what an invitee is told never includes the host's reason."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from slotlink.conferencing import seam
from slotlink.conferencing.seam import BookingRef, ConferenceDetails, HostAction, LinkStatus


@dataclass
class FakeProvider:
    location_kind: str
    label: str
    heard: list[tuple[str, int]] = field(default_factory=list)
    details_calls: list[list[int]] = field(default_factory=list)
    problem: str = ""

    def booking_created(self, booking: BookingRef) -> bool:
        self.heard.append(("created", booking.booking_id))
        return False

    def booking_rescheduled(self, booking: BookingRef) -> bool:
        self.heard.append(("rescheduled", booking.booking_id))
        return False

    def booking_cancelled(self, booking: BookingRef) -> None:
        self.heard.append(("cancelled", booking.booking_id))

    def details_many(self, bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
        self.details_calls.append([booking.booking_id for booking in bookings])
        return {
            booking.booking_id: ConferenceDetails(
                location_text=self.label,
                status=LinkStatus.READY,
                join_url=f"https://{self.location_kind}.example.test/{booking.booking_id}",
            )
            for booking in bookings
        }

    def location_problem(self, *, organization_id: int, host_id: int) -> str:
        return self.problem

    def public_location_text(self, *, organization_id: int, host_id: int) -> str:
        if self.problem:
            return seam.host_sends_text(self.label)
        return seam.link_comes_text(self.label)

    def integration_card(self, *, organization_id: int, user_id: int, is_admin: bool) -> None:
        return None


def ref(booking_id: int, **fields: object) -> BookingRef:
    values: dict[str, object] = {
        "booking_id": booking_id,
        "organization_id": 1,
        "host_id": 2,
        "event_type_id": 3,
        "title": "Intro call",
        "start": datetime(2030, 1, 7, 9, 0, tzinfo=UTC),
        "duration_minutes": 30,
        "host_time_zone": "Europe/Berlin",
        "invitee_name": "Ivy Invitee",
        "invitee_email": "ivy@example.test",
        "sequence": 0,
    }
    values.update(fields)
    return BookingRef(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def registry() -> Iterator[None]:
    """Each test starts with no providers; the app's own come back afterwards."""
    saved = dict(seam._providers)
    seam._providers.clear()
    yield
    seam._providers.clear()
    seam._providers.update(saved)


@pytest.fixture
def zoom() -> FakeProvider:
    provider = FakeProvider("zoom", "Zoom")
    seam.register_provider(provider)
    return provider


@pytest.fixture
def webex() -> FakeProvider:
    provider = FakeProvider("webex", "Webex")
    seam.register_provider(provider)
    return provider


def test_a_provider_is_found_by_the_location_kind_it_serves(zoom):
    """Registering makes a provider the one for its kind; other kinds have none."""
    assert seam.provider_for("zoom") is zoom
    assert seam.provider_for("phone") is None
    assert seam.providers() == [zoom]


def test_registering_again_for_a_kind_replaces_the_provider(zoom):
    """One provider per kind: the later registration wins."""
    newer = FakeProvider("zoom", "Zoom")
    seam.register_provider(newer)
    assert seam.provider_for("zoom") is newer
    assert seam.providers() == [newer]


def test_booking_changes_reach_only_the_provider_of_the_bookings_kind(zoom, webex):
    """Created, rescheduled and cancelled go to the kind's provider; a kind without one
    (a phone call) goes nowhere and raises nothing."""
    seam.booking_created("zoom", ref(1))
    seam.booking_rescheduled("webex", ref(2))
    seam.booking_cancelled("zoom", ref(1, cancelled=True))
    seam.booking_created("phone", ref(3))
    assert zoom.heard == [("created", 1), ("cancelled", 1)]
    assert webex.heard == [("rescheduled", 2)]


def test_details_of_many_bookings_are_one_call_per_provider(zoom, webex):
    """Bookings are grouped by kind: each provider gets all of its bookings in one call;
    those of kinds without a provider are left out."""
    details = seam.conference_details_many(
        [("zoom", ref(1)), ("webex", ref(2)), ("phone", ref(3)), ("zoom", ref(4))]
    )
    assert zoom.details_calls == [[1, 4]]
    assert webex.details_calls == [[2]]
    assert sorted(details) == [1, 2, 4]
    assert details[2].join_url == "https://webex.example.test/2"


def test_no_bookings_ask_no_provider(zoom):
    """An empty list costs no provider call."""
    assert seam.conference_details_many([]) == {}
    assert zoom.details_calls == []


def test_one_bookings_details_come_from_its_provider_or_are_none(zoom):
    """A single lookup is a list of one; without a provider for the kind, None."""
    assert seam.conference_details("zoom", ref(5)).join_url == "https://zoom.example.test/5"
    assert zoom.details_calls == [[5]]
    assert seam.conference_details("phone", ref(6)) is None


def test_without_any_provider_nothing_happens_and_nothing_is_found():
    """No provider registered: changes are no-ops, no details, no editor problem."""
    seam.booking_created("zoom", ref(1))
    assert seam.conference_details("zoom", ref(1)) is None
    assert seam.location_problem("zoom", organization_id=1, host_id=2) == ""


def test_the_editor_problem_comes_from_the_kinds_provider(zoom):
    """Why a new booking would get no link now is the provider's to say."""
    zoom.problem = "Connect a Zoom account."
    assert seam.location_problem("zoom", organization_id=1, host_id=2) == "Connect a Zoom account."


def test_the_booking_page_promises_what_the_kinds_provider_says(zoom):
    """Before anyone books, the provider says whether a link comes or the host sends the
    details; a kind without a provider says nothing."""
    assert (
        seam.public_location_text("zoom", organization_id=1, host_id=2)
        == "Zoom (the link comes with your confirmation)"
    )
    zoom.problem = "Zoom isn't enabled for this organization."
    assert (
        seam.public_location_text("zoom", organization_id=1, host_id=2)
        == "Zoom — your host will send you the meeting details"
    )
    assert seam.public_location_text("phone", organization_id=1, host_id=2) == ""


@pytest.mark.parametrize(
    ("status", "note"),
    [
        (LinkStatus.READY, ""),
        (LinkStatus.PENDING, "Your Zoom link will follow in a separate email."),
        (LinkStatus.UNAVAILABLE, "Your host will send you the meeting details."),
    ],
)
def test_the_invitee_is_told_only_that_a_link_follows_or_that_the_host_sends_details(status, note):
    """The invitee's note says a pending link follows, or, when none will come on its own,
    that the host will send the details: never the host's reason or action."""
    details = ConferenceDetails(
        location_text="Zoom",
        status=status,
        reason="No Zoom link: no Zoom account is connected for this host.",
        action=HostAction("Connect Zoom →", "/360/integrations"),
    )
    assert details.invitee_note() == note
    assert details.is_ready == (status == LinkStatus.READY)


def test_a_post_action_says_so_and_a_link_is_a_get_by_default():
    """Actions are pages to open unless they say they post a form."""
    assert HostAction("Connect Zoom →", "/360/integrations").method == "get"
    assert HostAction("Recreate meeting", "/recreate", method="post").method == "post"


def test_a_booking_reference_carries_an_aware_start_and_its_iso_form():
    """Providers get the start as an aware datetime, and as ISO 8601 for APIs."""
    booking = ref(1)
    assert booking.start.tzinfo is not None
    assert booking.start_iso == "2030-01-07T09:00:00+00:00"
    assert (booking.group_session_id, booking.previous_group_session_id) == (None, None)


def test_link_ready_listeners_hear_each_booking_once_per_call():
    """A listener registered twice is called once; each announcement reaches it."""
    heard: list[int] = []
    listeners = list(seam._link_ready_listeners)  # scheduling's own, from the app
    seam._link_ready_listeners.clear()
    try:
        seam.on_link_ready(heard.append)
        seam.on_link_ready(heard.append)
        seam.link_ready(7)
        seam.link_ready(8)
    finally:
        seam._link_ready_listeners[:] = listeners
    assert heard == [7, 8]
