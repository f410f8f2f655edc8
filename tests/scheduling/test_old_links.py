"""A manage link from an earlier email that no longer works says why: the booking moved
(to when) or was cancelled since, or a newer email replaced it; and while the booking
stands it leads to the booking's own page. Nothing of another booking is ever shown."""

from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils.dateformat import format as date_format

from slotlink.scheduling.models import Booking, BookingToken, EventType
from slotlink.scheduling.tasks import send_booking_email
from slotlink.scheduling.tokens import KEPT, token_mint, tokens_purge, tokens_revoke
from tests.scheduling.builders import book, make_event_type, next_free_starts
from tests.scheduling.mailbox import link_in, to

pytestmark = pytest.mark.django_db

MOVED = "This link is from an earlier email: the booking was moved to "


def text(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status
    return unescape(response.content.decode())


def emailed_links(booking: Booking, change: str = "booked") -> tuple[str, str]:
    """Send the booking's current email (as the task does) and return its two links' paths."""
    booking.refresh_from_db()
    send_booking_email.call(booking.id, change, booking.sequence)
    email = to(booking.invitee_email)[-1]
    return link_in(email, "reschedule"), link_in(email, "cancel")


def newest_link(page: str) -> str:
    marker = '<a href="'
    assert "See your booking as it is now" in page
    return page.split("See your booking as it is now")[0].rsplit(marker, 1)[1].split('"')[0]


@pytest.fixture
def booking(event_type: EventType) -> Booking:
    return book(event_type, next_free_starts(event_type)[0])


def test_an_old_link_after_a_reschedule_says_where_it_moved_and_leads_to_its_page(client, booking):
    """After the booking moved through its reschedule link, both links of that email say
    it moved, and to when in the invitee's zone, and link to the booking's page, which
    works and shows the new time."""
    reschedule, cancel = emailed_links(booking)
    new_start = next_free_starts(booking.event_type, 3)[2]
    moved = client.post(reschedule, {"start": new_start.isoformat(), "time_zone": "UTC"})
    assert moved.status_code == 302
    # A browser that names no language reads the default 24-hour clock (core/times.py).
    when = date_format(new_start.astimezone(ZoneInfo("America/New_York")), "l, j F Y, H:i")
    for old in (reschedule, cancel):
        page = text(client, old, status=404)
        assert f"{MOVED}{when} (America/New_York) since." in page
        newest = text(client, newest_link(page))
        assert "Your booking moved" in newest
        assert when in newest
    assert Booking.objects.get().start == new_start


def test_an_old_link_after_a_cancel_says_it_was_cancelled_and_leads_nowhere(client, booking):
    """After the booking was cancelled, its old reschedule link says so and offers no page."""
    reschedule, cancel = emailed_links(booking)
    assert client.post(cancel, {"reason": ""}).status_code == 302
    page = text(client, reschedule, status=404)
    assert "was cancelled since" in page
    assert "Intro call" in page
    assert "See your booking as it is now" not in page
    assert "/booked/" not in page


def test_a_link_replaced_by_a_newer_email_says_so(client, booking):
    """A link an update replaced (the host's booking given to a new host sends new links)
    says a newer email replaced it, and leads to the booking's page."""
    reschedule, _ = emailed_links(booking)
    tokens_revoke(booking=booking)
    page = text(client, reschedule, status=404)
    assert "a newer email about this booking replaced it" in page
    assert text(client, newest_link(page)).count(booking.invitee_email) >= 1


def test_a_made_up_link_shows_nothing_of_any_booking(client, organization, host, booking):
    """A link that was never ours gets the plain page: no title, time or booking page, even
    while other bookings have revoked links."""
    other = make_event_type(organization, host, title="Secret review")
    other_booking = book(other, next_free_starts(other)[0], email="zed@example.test")
    emailed_links(other_booking)
    tokens_revoke(booking=other_booking)
    page = text(client, "/booking/" + "x" * 43 + "/reschedule", status=404)
    assert "Use the links in the most recent email" in page
    assert "Secret review" not in page
    assert "/booked/" not in page


def test_links_are_forgotten_90_days_after_their_use_or_their_booking(client, booking):
    """A revoked link says why it no longer works for 90 days, then is deleted (and says
    only that it doesn't work); a live link goes 90 days after its booking ended. Links of
    a booking still ahead are kept."""
    reschedule, _cancel = emailed_links(booking)
    tokens_revoke(booking=booking)
    revoked_at = BookingToken.objects.filter(booking=booking).first().revoked_at
    assert tokens_purge(now=revoked_at + KEPT) == 0
    assert "This link is from an earlier email" in text(client, reschedule, status=404)
    assert tokens_purge(now=revoked_at + KEPT + timedelta(seconds=1)) == 2
    gone = text(client, reschedule, status=404)
    assert "This link is from an earlier email" not in gone
    assert "This link doesn't work" in gone

    for purpose in BookingToken.Purpose:  # live links, as the next email would carry
        token_mint(booking=booking, purpose=purpose)
    assert tokens_purge(now=booking.end + KEPT) == 0
    assert tokens_purge(now=booking.end + KEPT + timedelta(seconds=1)) == 2
    assert not BookingToken.objects.filter(booking=booking).exists()
