"""A personal join link (a webinar seat's: it joins as its invitee) reaches its invitee
only, through the conferencing seam with a test provider: never the host's booking page,
bookings list, email or invite. The host starts the event as its host from the booking's
page instead: the provider is asked for a start link on each click, for the booking's host
only, and when it can't give one the page says why."""

from html import unescape

import pytest
from django.test import Client

from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.views.public import confirmation_url
from slotlink.zoom.locations import ZOOM, ZOOM_WEBINAR
from tests.factories import make_member
from tests.scheduling.builders import book, make_event_type, run_queued_tasks
from tests.scheduling.mailbox import to

pytestmark = pytest.mark.django_db
START = "Start webinar as host"


def text(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def seat(organization, member_membership, webinar_provider) -> Booking:
    """A seat in a webinar session hosted by the member, its emails sent."""
    event_type = make_event_type(
        organization,
        member_membership.user,
        title="Product tour",
        kind=EventType.Kind.GROUP,
        seats_per_session=10,
        location_kind=ZOOM_WEBINAR,
    )
    booking = book(event_type, name="Ivy Invitee", email="ivy@example.test")
    run_queued_tasks()
    return booking


def test_a_personal_link_reaches_its_invitee_and_never_the_host(
    client, member_client, member_membership, seat, webinar_provider
):
    """The invitee's confirmation page and email carry their link; the host's email (text,
    HTML, invite), booking page and bookings list don't, and name the webinar instead."""
    link = webinar_provider.join_url
    assert link in text(client, confirmation_url(seat))
    (to_invitee,) = to(seat.invitee_email)
    assert link in to_invitee.body

    (to_host,) = to(member_membership.user.email)
    on_the_wire = to_host.message().as_string()
    assert "tk=personal" not in on_the_wire
    assert to_host.subject.startswith("New registration: Product tour (Zoom webinar) on ")
    assert "Ivy Invitee registered for your Zoom webinar “Product tour”." in to_host.body
    assert f"{START}: on the booking's page, " in to_host.body

    detail = text(member_client, f"/360/bookings/{seat.id}")
    assert "tk=personal" not in detail
    assert START in detail
    listing = text(member_client, "/360/bookings")
    assert "Ivy Invitee" in listing
    assert "tk=personal" not in listing


def test_each_click_asks_the_provider_for_a_start_link_for_the_host_only(
    member_client, admin_client, organization, seat, webinar_provider
):
    """Each click is a new request to the provider, answered with a 303 to its start link;
    an admin who isn't the host (403) and a co-worker (404) never get to ask."""
    for _ in range(2):
        response = member_client.post(f"/360/bookings/{seat.id}/start")
        assert response.status_code == 303
        assert response["Location"] == webinar_provider.start_url
    assert [ref.booking_id for ref in webinar_provider.starts] == [seat.id, seat.id]

    coworker = Client()
    coworker.force_login(make_member(organization, full_name="Cole Coworker").user)
    assert coworker.post(f"/360/bookings/{seat.id}/start").status_code == 404
    assert admin_client.post(f"/360/bookings/{seat.id}/start").status_code == 403
    assert START not in text(admin_client, f"/360/bookings/{seat.id}")
    assert len(webinar_provider.starts) == 2


def test_when_the_provider_cannot_start_it_the_booking_page_says_why(
    member_client, seat, webinar_provider
):
    """The provider's words, on the booking's page; no redirect anywhere else."""
    webinar_provider.start_problem = "Zoom could not be reached just now. Try again."
    response = member_client.post(f"/360/bookings/{seat.id}/start", follow=True)
    assert response.redirect_chain == [(f"/360/bookings/{seat.id}", 302)]
    assert "Zoom could not be reached just now. Try again." in unescape(response.content.decode())


def test_a_shared_meeting_link_stays_on_the_hosts_page_with_no_start_button(
    member_client, organization, member_membership, provider
):
    """A Zoom meeting's link is the same for everyone: its host still sees it. Its provider
    gives no start link, so there is no button, and a forged click is told so."""
    event_type = make_event_type(organization, member_membership.user, location_kind=ZOOM)
    booking = book(event_type)
    detail = text(member_client, f"/360/bookings/{booking.id}")
    assert provider.join_url in detail
    assert START not in detail
    response = member_client.post(f"/360/bookings/{booking.id}/start", follow=True)
    assert "This location has no start link for its host." in unescape(response.content.decode())
