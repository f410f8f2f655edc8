"""The conferencing seam on its own: providers register by location kind, booking changes
and detail lookups go to the provider of the booking's kind, a list is one call per
provider, and what an invitee is told never includes the host's reason. A provider brings
its own kinds, words and rules, which scheduling shows and applies without a change."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from slotlink.conferencing import calendars, kinds, seam
from slotlink.conferencing.kinds import ExistingEventWords, ProvidedLocation
from slotlink.conferencing.seam import (
    BookingRef,
    ConferenceDetails,
    ExistingEvent,
    HostAction,
    LinkStatus,
)
from slotlink.scheduling.locations import booking_link_for, booking_ref
from slotlink.scheduling.messages import group_session_invite
from slotlink.scheduling.models import EventType, location_kind_choices
from slotlink.scheduling.services.event_types import event_type_create
from tests.scheduling.builders import book, make_event_type, make_host

# A second provider's kind, as it registers it: scheduling knows none of these words.
WEBEX = ProvidedLocation(
    kind="webex_event",
    label="Webex event",
    not_set_up="No Webex link: Webex isn't set up here.",
    editor_not_set_up="Webex events need a Webex site. Add one, or pick another location.",
    host_action_label="Add Webex →",
    editor_help="A Webex event is for group event types.",
    option_title="Group event types only.",
    requires_group="A Webex event seats many: make this a group event type.",
    shares_one_event_per_session=True,
    description_limit=12,
    existing_events=ExistingEventWords(
        field_label="Webex event",
        help="One of the host's Webex events, or a new one for each session.",
        new_choice="A new Webex event for each session",
        unknown="That isn't one of the host's Webex events.",
        kept="Webex event {reference} (Webex doesn't list it now)",
    ),
    fallback_label="Without Webex events, use a Webex meeting",
)
TOWN_HALL = ExistingEvent("42", "Town hall")


@dataclass
class FakeProvider:
    location_kind: str
    label: str
    heard: list[tuple[str, int]] = field(default_factory=list)
    details_calls: list[list[int]] = field(default_factory=list)
    problem: str = ""
    location: ProvidedLocation | None = None
    events: list[ExistingEvent] = field(default_factory=list)

    def existing_events(self, *, organization_id: int, host_id: int) -> list[ExistingEvent]:
        return list(self.events)

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
    """Each test starts with no providers; the app's own come back afterwards, and only
    the kinds that were registered before (the app's own words stay registered)."""
    saved, locations = dict(seam._providers), dict(kinds._locations)
    seam._providers.clear()
    yield
    seam._providers.clear()
    seam._providers.update(saved)
    kinds._locations.clear()
    kinds._locations.update(locations)


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


# --- A second provider's kinds, words and rules, through scheduling ----------------------


@pytest.fixture
def webex_events() -> FakeProvider:
    provider = FakeProvider(WEBEX.kind, WEBEX.label, location=WEBEX, events=[TOWN_HALL])
    seam.register_provider(provider)
    return provider


def editor_html(client: Client, path: str, **params: object) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return unescape(response.content.decode())


def general(**overrides: object) -> dict[str, object]:
    return {
        "title": "Town hall",
        "slug": "",
        "duration_minutes": 60,
        "kind": "group",
        "seats_per_session": 20,
        "location_kind": WEBEX.kind,
        "location_detail": "",
    } | overrides


@pytest.mark.django_db
def test_a_providers_kind_is_offered_with_its_label_and_its_words(member_client, webex_events):
    """A provider that registers a kind gets it stored and offered by its own label, with
    its hover title and its rule in the Location field's help."""
    assert (WEBEX.kind, "Webex event") in location_kind_choices()
    html = editor_html(member_client, "/360/events/new")
    assert '<option value="webex_event" title="Group event types only.">Webex event</option>' in (
        html
    )
    assert "A Webex event is for group event types." in html


@pytest.mark.django_db
def test_a_providers_group_rule_existing_events_and_fallback_shape_the_editor(
    member_client, webex_events
):
    """The editor says the provider's group rule as soon as a one-on-one picks its kind and
    refuses to save it; a group gets the provider's events to attach to, under its words,
    and its fallback; an event not among the host's is refused in the provider's words."""
    one_on_one = editor_html(
        member_client, "/360/events/location", location_kind=WEBEX.kind, kind="one_on_one"
    )
    assert WEBEX.requires_group in one_on_one
    group = editor_html(
        member_client, "/360/events/location", location_kind=WEBEX.kind, kind="group"
    )
    assert WEBEX.requires_group not in group
    assert '<label for="id_location_detail">Webex event</label>' in group
    assert "One of the host's Webex events, or a new one for each session." in group
    assert '<option value="" selected>A new Webex event for each session</option>' in group
    assert '<option value="42">Town hall</option>' in group
    assert "Without Webex events, use a Webex meeting" in group

    refused = member_client.post("/360/events/new", general(kind="one_on_one", slug="solo"))
    assert WEBEX.requires_group in unescape(refused.content.decode())
    unknown = member_client.post("/360/events/new", general(location_detail="7"))
    assert "That isn't one of the host's Webex events." in unescape(unknown.content.decode())
    assert not EventType.objects.exists()

    saved = member_client.post(
        "/360/events/new", general(location_detail="42", fallback_to_meeting="on")
    )
    assert saved.status_code == 302
    event_type = EventType.objects.get()
    assert (event_type.location_kind, event_type.location_detail) == (WEBEX.kind, "42")
    assert event_type.fallback_to_meeting is True


@pytest.mark.django_db
def test_a_one_on_one_with_a_kind_that_needs_a_group_is_refused_by_the_services(
    organization, webex_events
):
    """The model applies the provider's group rule too, in its words."""
    with pytest.raises(ValidationError) as refused:
        event_type_create(
            organization=organization,
            host=make_host(organization),
            title="Solo",
            slug="solo",
            location_kind=WEBEX.kind,
        )
    assert refused.value.message_dict == {"location_kind": [WEBEX.requires_group]}


@pytest.mark.django_db(transaction=True)
def test_a_providers_bookings_follow_its_limits_and_words_with_or_without_it(
    organization, webex_events
):
    """A booking of the kind gets the provider's link, its description within the
    provider's limit, and its group session's invite carries the one shared link; with the
    provider gone, the host reads the provider's words for it and its way out."""
    event_type = make_event_type(
        organization,
        make_host(organization),
        kind=EventType.Kind.GROUP,
        seats_per_session=5,
        location_kind=WEBEX.kind,
        description="A long agenda for everyone",
    )
    booking = book(event_type)
    assert booking_ref(booking).description == "A long agen…"
    link = booking_link_for(booking)
    assert link.join_url == f"https://webex_event.example.test/{booking.id}"
    assert booking.session is not None
    invite = group_session_invite(session=booking.session, sequence=0)
    assert invite.join_url == link.join_url

    seam._providers.pop(WEBEX.kind)
    missing = booking_link_for(booking)
    assert (missing.location_text, missing.host_reason) == ("Webex event", WEBEX.not_set_up)
    assert missing.host_action is not None
    assert missing.host_action.label == "Add Webex →"
    assert missing.invitee_note == "Your host will send you the meeting details."


def test_a_calendar_provider_registers_beside_the_conferencing_ones(webex_events):
    """Calendar connections have a registry of their own: registering one leaves every
    conferencing provider and kind as it was, and a later one of the same name wins."""
    first, second = CalendarFake("caldav"), CalendarFake("caldav")
    saved = dict(calendars._calendar_providers)
    try:
        calendars.register_calendar_provider(first)
        assert calendars.calendar_providers() == [first]
        calendars.register_calendar_provider(second)
        assert calendars.calendar_providers() == [second]
        assert seam.providers() == [webex_events]
    finally:
        calendars._calendar_providers.clear()
        calendars._calendar_providers.update(saved)


@dataclass
class CalendarFake:
    name: str
    label: str = "A calendar"
    written: list[int] = field(default_factory=list)

    def busy_times(
        self, *, host_id: int, since: datetime, until: datetime
    ) -> list[calendars.BusyTime]:
        return [calendars.BusyTime(since, until)]

    def host_in_use_sql(self, host_column: str) -> str:
        return "1 = 1"

    def event_written(self, booking: BookingRef) -> None:
        self.written.append(booking.booking_id)

    def event_notes(self, *, booking_id: int, session_id: int | None) -> list:
        return []
