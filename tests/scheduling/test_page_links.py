"""The confirmation page's reschedule and cancel links: the same on every load, so reloading
the page (or polling it) writes nothing; working until the booking changes, like the
email's, and never again after."""

from datetime import timedelta
from html import unescape

import pytest
from django.test import Client

from slotlink.scheduling.models import Booking, BookingToken, EventType
from slotlink.scheduling.tasks import send_booking_email
from slotlink.scheduling.tokens import page_tokens
from slotlink.scheduling.views.public import confirmation_url
from tests.scheduling.builders import book, next_free_starts
from tests.scheduling.mailbox import link_in, to

pytestmark = pytest.mark.django_db

INVALID = "This link doesn't work anymore"
MOVED = "This link is from an earlier email: the booking was moved to "


def text(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status
    return unescape(response.content.decode())


def page_links(client: Client, booking: Booking) -> tuple[str, str]:
    """The confirmation page's reschedule and cancel links, as a load of it shows them."""
    page = text(client, confirmation_url(booking))
    manage = page.split('class="manage-links"', 1)[1].split("</p>", 1)[0]
    reschedule, cancel = (chunk.split('"', 1)[0] for chunk in manage.split('href="')[1:])
    assert reschedule.endswith("/reschedule")
    assert cancel.endswith("/cancel")
    return reschedule, cancel


def links_open(client: Client, booking: Booking, reschedule: str, cancel: str) -> None:
    assert f"Reschedule {booking.event_type.title}" in text(client, reschedule)
    assert "Cancel your booking?" in text(client, cancel)


@pytest.fixture
def booking(event_type: EventType) -> Booking:
    return book(event_type, next_free_starts(event_type)[0])


def test_reloading_the_page_or_its_poll_writes_no_links_and_the_links_keep_working(client, booking):
    """The page's polls for the meeting link write no links; the first load writes the
    page's two, and ten more loads write none and show the same links, which work; the
    emailed links are others and work as well."""
    for _ in range(5):
        poll = client.get(confirmation_url(booking), headers={"HX-Request": "true"})
        assert poll.status_code == 200
        assert "manage-links" not in poll.content.decode()
    assert not BookingToken.objects.exists()
    first = page_links(client, booking)
    written = BookingToken.objects.count()
    assert written == 2
    for _ in range(10):
        assert page_links(client, booking) == first
        client.get(confirmation_url(booking), headers={"HX-Request": "true"})
    assert BookingToken.objects.count() == written
    links_open(client, booking, *first)

    send_booking_email.call(booking.id, "booked", booking.sequence)
    email = to(booking.invitee_email)[-1]
    emailed = (link_in(email, "reschedule"), link_in(email, "cancel"))
    assert set(emailed).isdisjoint(first)
    links_open(client, booking, *emailed)
    links_open(client, booking, *first)


def test_the_pages_links_are_unguessable_and_stored_only_as_hashes(client, booking):
    """A page link carries 43 URL-safe characters, as an emailed one does; the database
    holds only their SHA-256."""
    tokens = [path.split("/")[2] for path in page_links(client, booking)]
    assert all(len(token) == 43 for token in tokens)
    stored = set(BookingToken.objects.values_list("token_hash", flat=True))
    assert not stored & set(tokens)
    assert all(len(value) == 64 for value in stored)


def test_after_a_reschedule_the_old_pages_links_are_refused_and_the_new_pages_work(client, booking):
    """Moving the booking through the page's reschedule link retires both of that page's
    links (the page explains it moved); the page then shows new links, the same on every
    load, which work."""
    old_reschedule, old_cancel = page_links(client, booking)
    new_start = next_free_starts(booking.event_type, 3)[2]
    moved = client.post(old_reschedule, {"start": new_start.isoformat(), "time_zone": "UTC"})
    assert moved.status_code == 302
    for old in (old_reschedule, old_cancel):
        page = text(client, old, status=404)
        assert INVALID in page
        assert MOVED in page
    assert client.post(old_cancel, {"reason": ""}).status_code == 404

    booking.refresh_from_db()
    new = page_links(client, booking)
    assert set(new).isdisjoint({old_reschedule, old_cancel})
    written = BookingToken.objects.count()
    assert page_links(client, booking) == new
    assert BookingToken.objects.count() == written
    links_open(client, booking, *new)
    assert text(client, old_reschedule, status=404)  # still refused after the new page loads
    booking.refresh_from_db()
    assert (booking.start, booking.status) == (new_start, "confirmed")


def test_a_page_read_before_a_change_never_writes_links_of_the_old_sequence(client, booking):
    """A load that read the booking before a change committed gets no links: the old
    SEQUENCE's, revoked by the change, are not written again as current ones."""
    stale = Booking.objects.get(pk=booking.pk)
    old_reschedule, _ = page_links(client, booking)
    new_start = next_free_starts(booking.event_type, 3)[2]
    assert client.post(old_reschedule, {"start": new_start.isoformat(), "time_zone": "UTC"})
    before = set(BookingToken.objects.values_list("token_hash", "revoked_at"))
    assert page_tokens(booking=stale) is None
    assert set(BookingToken.objects.values_list("token_hash", "revoked_at")) == before
    assert INVALID in text(client, old_reschedule, status=404)


def test_a_cancelled_booking_shows_and_writes_no_links(client, booking):
    """Once cancelled (through the page's link) the page offers no links and writes none."""
    _, cancel = page_links(client, booking)
    assert client.post(cancel, {"reason": ""}).status_code == 302
    written = BookingToken.objects.count()
    assert "manage-links" not in text(client, confirmation_url(booking))
    assert BookingToken.objects.count() == written


def test_a_started_booking_shows_and_writes_no_links(client, booking):
    """Once the booking started there is nothing to change: no links, none written."""
    Booking.objects.filter(pk=booking.pk).update(
        start=booking.start - timedelta(days=2), end=booking.end - timedelta(days=2)
    )
    assert "manage-links" not in text(client, confirmation_url(booking))
    assert not BookingToken.objects.exists()
