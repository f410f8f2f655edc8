"""`locations.py`: a booking owns its location; a conferencing provider hears of each
change with all it may know of the booking; and the booking's link is worked out in one
place: the invitee sees the link or that it follows, never the host's reason; the host sees
the reason and the action that fixes it; a list of bookings asks the seam once."""

from datetime import timedelta
from html import unescape

import pytest
from django.http import HttpResponse
from django.utils import timezone

from slotlink.conferencing.seam import HostAction, LinkStatus
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.locations import booking_link_for, booking_links
from slotlink.scheduling.models import Booking, EventType, LocationKind
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.scheduling.services.event_types import event_type_update
from slotlink.scheduling.views.public import confirmation_url
from slotlink.zoom.locations import MEETING_DESCRIPTION_LIMIT, ZOOM
from tests.scheduling.builders import book, make_event_type, next_free_starts

pytestmark = pytest.mark.django_db

NOT_SET_UP = "No Zoom link: Zoom isn't set up for this organization yet."
COULD_NOT = "The Zoom meeting could not be created."  # the test provider's reason
HOST_SENDS = "Your host will send you the meeting details."


def text(response: HttpResponse) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def zoom(organization, member_membership):
    return make_event_type(organization, member_membership.user, slug="zoom", location_kind=ZOOM)


def test_a_booking_keeps_its_location_when_the_event_type_changes(zoom, provider):
    """A Zoom booking whose event type switches to Phone stays Zoom: its link, and its
    cancel still reaches the Zoom provider, so its meeting is removed."""
    booking = book(zoom)
    assert (booking.location_kind, booking.location_detail) == (ZOOM, "")
    event_type_update(event_type=zoom, location_kind=LocationKind.PHONE)
    booking.refresh_from_db()
    assert booking.location_kind == ZOOM
    link = booking_link_for(booking)
    assert (link.location_text, link.join_url) == ("Zoom", "https://zoom.example.test/j/123")
    booking_cancel(booking=booking)
    assert [kind for kind, _ in provider.calls] == ["created", "cancelled"]
    assert provider.calls[1][1].booking_id == booking.id
    assert booking_link_for(Booking.objects.get()).location_text == "Zoom"
    assert book(zoom).location_kind == LocationKind.PHONE  # only new bookings change


def test_an_edited_address_changes_only_new_bookings(organization, host):
    """The in-person address is the one the invitee booked with."""
    office = make_event_type(
        organization, host, location_kind=LocationKind.IN_PERSON, location_detail="Old Office"
    )
    earlier, later = next_free_starts(office, 3)[0], next_free_starts(office, 3)[2]
    before = book(office, earlier)
    event_type_update(event_type=office, location_detail="New Office")
    after = book(office, later)
    before.refresh_from_db()
    assert booking_link_for(before).location_text == "In person: Old Office"
    assert booking_link_for(after).location_text == "In person: New Office"


def test_a_switched_event_type_leaves_a_zoom_bookings_pages_and_emails_alone(
    client, member_client, zoom, provider
):
    """After the switch to Phone, the confirmation and the host's page still show the Zoom
    link, and the cancellation email still says Zoom."""
    booking = book(zoom)
    event_type_update(event_type=zoom, location_kind=LocationKind.PHONE)
    assert "https://zoom.example.test/j/123" in text(client.get(confirmation_url(booking)))
    assert "https://zoom.example.test/j/123" in text(member_client.get(booking_url(booking)))
    assert "Phone call" not in text(member_client.get(booking_url(booking)))


def booking_url(booking: Booking) -> str:
    return f"/360/bookings/{booking.id}"


@pytest.fixture
def zoom_event_type(organization, host):
    return make_event_type(
        organization, host, slug="zoom", location_kind=ZOOM, description="Agenda"
    )


def test_the_seam_hears_of_every_change_inside_the_booking_transaction(zoom_event_type, provider):
    """Created, rescheduled and cancelled reach the provider with all a provider may know of
    the booking: when, who, the host's zone, the invite's SEQUENCE and what it is about."""
    first, later = next_free_starts(zoom_event_type, 3)[0], next_free_starts(zoom_event_type, 3)[2]
    booking = book(zoom_event_type, first, name="Ivy Invitee", email="ivy@example.test")
    booking_reschedule(booking=booking, start=later)
    booking_cancel(booking=booking)
    assert [kind for kind, _ in provider.calls] == ["created", "rescheduled", "cancelled"]
    created, moved, cancelled = (ref for _, ref in provider.calls)
    assert (moved.booking_id, moved.host_id, moved.title, moved.duration_minutes) == (
        booking.id,
        booking.host_id,
        "Intro call",
        30,
    )
    assert (moved.organization_id, moved.event_type_id) == (
        booking.organization_id,
        zoom_event_type.id,
    )
    assert (created.start, moved.start) == (first, later)
    assert moved.start.tzinfo is not None
    assert moved.start_iso == later.isoformat()
    assert (moved.invitee_name, moved.invitee_email, moved.host_time_zone) == (
        "Ivy Invitee",
        "ivy@example.test",
        "Europe/Berlin",
    )
    assert [ref.sequence for ref in (created, moved, cancelled)] == [0, 1, 2]
    assert [ref.cancelled for ref in (created, moved, cancelled)] == [False, False, True]
    assert created.description == "Agenda\n\nInvitee's phone: +1 212 555 0100"
    assert moved.group_session_id is None  # one-on-one
    assert moved.previous_group_session_id is None


def test_bookings_of_one_group_session_reach_the_seam_with_that_session(
    organization, host, provider
):
    """Seats of one group session share its id in the seam (one webinar, a registrant each)."""
    group = make_event_type(
        organization,
        host,
        kind=EventType.Kind.GROUP,
        seats_per_session=3,
        slug="zoom-group",
        location_kind=ZOOM,
    )
    start = next_free_starts(group)[0]
    first = book(group, start, email="one@example.test")
    second = book(group, start, email="two@example.test")
    refs = [ref for kind, ref in provider.calls if kind == "created"]
    assert [ref.booking_id for ref in refs] == [first.id, second.id]
    assert refs[0].group_session_id == refs[1].group_session_id == first.session_id
    assert first.session_id is not None


def test_a_group_booking_moved_to_another_session_tells_the_seam_which_it_left(
    organization, host, provider
):
    """A reschedule into another session names the new session and the previous one."""
    group = make_event_type(
        organization,
        host,
        kind=EventType.Kind.GROUP,
        seats_per_session=3,
        slug="zoom-group",
        location_kind=ZOOM,
    )
    first, later = next_free_starts(group, 3)[0], next_free_starts(group, 3)[2]
    booking = book(group, first)
    left = booking.session_id
    booking = booking_reschedule(booking=booking, start=later)
    (moved,) = [ref for kind, ref in provider.calls if kind == "rescheduled"]
    assert moved.group_session_id == booking.session_id != left
    assert moved.previous_group_session_id == left


def test_the_description_a_provider_gets_is_kept_within_2000_characters(
    organization, host, provider
):
    """The event type's description and the invitee's answers, clipped for an agenda: Zoom
    keeps 2000 characters, less the room its create marker takes (zoom/locations.py), so
    the ellipsis is the agenda's last word before the marker, never cut off by it."""
    long = make_event_type(
        organization, host, slug="long", location_kind=ZOOM, description="x" * 2000
    )
    book(long)
    ((_, ref),) = provider.calls
    assert len(ref.description) == MEETING_DESCRIPTION_LIMIT < 2000
    assert ref.description.endswith("…")


def test_other_locations_never_reach_the_seam(event_type, provider):
    """A phone call is no conferencing location: no provider call, its own words."""
    book(event_type, phone="+49 30 1234567")
    assert provider.calls == []


def test_the_booking_page_says_what_the_provider_promises(client, zoom, provider):
    """Before booking, the location reads as the provider says: the link comes, or the
    host sends the details."""
    page = f"/book/{zoom.organization.slug}/{zoom.slug}"
    assert "Zoom (the link comes with your confirmation)" in text(client.get(page))
    provider.public_text = "Zoom — your host will send you the meeting details"
    html = text(client.get(page))
    assert provider.public_text in html
    assert "comes with your confirmation" not in html


def test_the_invitee_sees_the_link_and_passcode_on_the_confirmation(client, zoom, provider):
    """A ready link is on the confirmation page, with its passcode."""
    html = text(client.get(confirmation_url(book(zoom))))
    assert "https://zoom.example.test/j/123" in html
    assert "passcode 4321" in html


def test_the_invitee_is_told_a_pending_link_comes_by_email_as_the_email_did_it(
    client, zoom, provider
):
    """While the link is being made, the confirmation page says what the invitee's email
    does: before it goes (it waits for the link, and most often carries it), that the link
    will be emailed; once it went without the link, that the link follows in a separate
    email."""
    provider.status = LinkStatus.PENDING
    booking = book(zoom)
    html = text(client.get(confirmation_url(booking)))
    assert "Your Zoom link is being created and will be emailed to you." in html
    assert "separate email" not in html
    assert "zoom.example.test" not in html
    sent = booking_email_send(
        booking_id=booking.id,
        change=BookingChange.BOOKED,
        sequence=booking.sequence,
        deadline=timezone.now(),  # the wait for the link is over
    )
    assert sent.sent
    html = text(client.get(confirmation_url(booking)))
    assert "Your Zoom link will follow in a separate email." in html
    assert "is being created" not in html


def test_a_pending_links_page_asks_often_while_the_link_is_due_then_every_3_seconds(
    client, zoom, provider
):
    """A link is usually there within seconds of the booking, and the invitee sees it only
    at the page's next ask: in the booking's first 5 seconds the page asks four times a
    second, after that every 3 s."""
    provider.status = LinkStatus.PENDING
    booking = book(zoom)
    assert 'hx-trigger="every 250ms"' in text(client.get(confirmation_url(booking)))
    Booking.objects.filter(pk=booking.pk).update(
        created_at=booking.created_at - timedelta(seconds=5)
    )
    html = text(client.get(confirmation_url(booking)))
    assert 'hx-trigger="every 3s"' in html
    assert "every 250ms" not in html


def test_the_pages_own_ask_gets_only_the_place_and_then_the_link(client, zoom, provider):
    """The page's poll (an htmx request) is answered with the place alone, still asking
    while the link is pending, and with the link and no more asking once it is there."""
    provider.status = LinkStatus.PENDING
    url = confirmation_url(book(zoom))
    pending = text(client.get(url, headers={"HX-Request": "true"}))
    assert pending.strip().startswith('<dd id="where" hx-get=')
    assert "Your Zoom link is being created and will be emailed to you." in pending
    assert "You're booked" not in pending
    provider.status = LinkStatus.READY
    ready = text(client.get(url, headers={"HX-Request": "true"}))
    assert ready.strip().startswith('<dd id="where">')
    assert "https://zoom.example.test/j/123" in ready
    assert "You're booked" not in ready


def test_the_invitee_never_sees_the_hosts_reason_or_action(client, zoom, provider):
    """No link will come on its own: the invitee's page says Zoom, that the host will send
    the details, and nothing of why."""
    provider.status = LinkStatus.UNAVAILABLE
    html = text(client.get(confirmation_url(book(zoom))))
    assert "Zoom" in html
    assert HOST_SENDS in html
    assert COULD_NOT not in html
    assert "Recreate meeting" not in html
    assert "will follow" not in html


@pytest.mark.usefixtures("no_provider")
def test_without_a_provider_the_host_is_told_why_and_the_invitee_is_not(
    client, member_client, zoom
):
    """No provider serves Zoom: the host's page says so with Connect Zoom →, the
    invitee's confirmation doesn't; the booking page and the confirmation promise no link,
    only that the host sends the details."""
    booking_page = text(client.get(f"/book/{zoom.organization.slug}/{zoom.slug}"))
    assert "Zoom — your host will send you the meeting details" in booking_page
    assert "comes with your confirmation" not in booking_page
    booking = book(zoom)
    link = booking_link_for(booking)
    assert (link.status, link.host_reason, link.invitee_note) == (
        LinkStatus.UNAVAILABLE,
        NOT_SET_UP,
        HOST_SENDS,
    )
    assert link.host_action == HostAction("Connect Zoom →", "/360/integrations")
    host_page = text(member_client.get(booking_url(booking)))
    assert NOT_SET_UP in host_page
    assert '<a href="/360/integrations">Connect Zoom →</a>' in host_page
    assert NOT_SET_UP not in text(client.get(confirmation_url(booking)))


def test_the_host_gets_a_post_action_as_a_button_with_its_csrf_token(member_client, zoom, provider):
    """A POST action (Recreate meeting) is a form posting to the provider's URL."""
    provider.status = LinkStatus.UNAVAILABLE
    booking = book(zoom)
    html = text(member_client.get(booking_url(booking)))
    assert COULD_NOT in html
    form = html[html.index('<form method="post" action="/recreate">') :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert ">Recreate meeting</button>" in form


def test_the_host_gets_a_get_action_as_a_link(member_client, zoom, provider):
    """A GET action (Reconnect) is a plain link."""
    provider.status = LinkStatus.UNAVAILABLE
    provider.action = HostAction("Reconnect", "/360/integrations")
    html = text(member_client.get(booking_url(book(zoom))))
    assert '<a href="/360/integrations">Reconnect</a>' in html


def test_the_host_sees_a_pending_link_being_made_in_the_providers_words(
    member_client, zoom, provider
):
    """While the link is being made the host's page says so: the provider's words, or
    ours when it has none."""
    provider.status = LinkStatus.PENDING
    booking = book(zoom)
    html = text(member_client.get(booking_url(booking)))
    assert "The link is being created; it appears here and is emailed when ready." in html
    provider.pending_reason = "Zoom is slow to answer; slotlink keeps trying."
    html = text(member_client.get(booking_url(booking)))
    assert provider.pending_reason in html
    assert "The link is being created" not in html


def test_a_cancelled_booking_shows_no_reason_or_action(member_client, zoom, provider):
    """Nothing is left to fix on a cancelled booking."""
    provider.status = LinkStatus.UNAVAILABLE
    booking = booking_cancel(booking=book(zoom))
    html = text(member_client.get(booking_url(booking)))
    assert COULD_NOT not in html
    assert "Recreate meeting" not in html


def test_the_booking_list_shows_each_link_with_one_lookup_for_all_rows(
    member_client, organization, member_membership, zoom, provider, django_assert_max_num_queries
):
    """Ten rows, of Zoom and of other locations: one details call with the Zoom bookings,
    a bounded number of queries (the sign-in's, the rows' count, keys and bookings, the
    booking limits' refusals, the filter's event types), each row's location and link."""
    phone = make_event_type(organization, member_membership.user, slug="phone")
    starts = next_free_starts(zoom, 20, days=5)[::2]
    zoom_ids = [book(zoom, start).id for start in starts[:6]]
    for start in starts[6:]:
        book(phone, start)
    with django_assert_max_num_queries(9):
        html = text(member_client.get("/360/bookings"))
    assert provider.details_calls == [zoom_ids]
    assert html.count('href="https://zoom.example.test/j/123"') == 6
    assert html.count("Phone call: <bdi>Max Member</bdi> calls <bdi>+1 212 555 0100</bdi>") == 4


def test_the_booking_list_tells_the_host_why_a_link_is_missing(member_client, zoom, provider):
    """Without a link, the host's list says why."""
    provider.status = LinkStatus.UNAVAILABLE
    book(zoom)
    assert COULD_NOT in text(member_client.get("/360/bookings"))


def test_booking_links_asks_the_seam_once_and_leaves_other_kinds_out(zoom, event_type, provider):
    """Only conferencing bookings reach the provider, all of them in one call."""
    first, second = next_free_starts(zoom, 3)[0], next_free_starts(zoom, 3)[2]
    zoom_bookings = [book(zoom, first), book(zoom, second)]
    phone_booking = book(event_type)
    links = booking_links([*zoom_bookings, phone_booking])
    assert provider.details_calls == [[booking.id for booking in zoom_bookings]]
    assert links[phone_booking.id].status is None
    assert links[phone_booking.id].location_text == "Phone call: Hana Host calls +1 212 555 0100"
    assert all(links[booking.id].join_url for booking in zoom_bookings)
