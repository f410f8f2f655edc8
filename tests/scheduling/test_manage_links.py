"""The invitee's reschedule and cancel links: each does one thing, to one booking, while it
is current; tampered, replaced or used links change nothing."""

from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.models import Booking, BookingToken, EventType
from slotlink.scheduling.services.departures import booking_reassign
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.scheduling.tasks import send_booking_email
from slotlink.scheduling.tokens import booking_for_token
from slotlink.zoom.locations import ZOOM
from tests.fixtures.task_queue import queued_tasks
from tests.scheduling.builders import (
    book,
    make_event_type,
    make_host,
    next_free_starts,
    run_queued_tasks,
)
from tests.scheduling.mailbox import INVITEE_EMAIL, change_of, link_in, to

pytestmark = pytest.mark.django_db

INVALID = "This link doesn't work anymore"


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def emailed_links(booking: Booking, change: str = "booked") -> tuple[str, str]:
    """Send the booking's current email (as the task does) and return its two links' paths."""
    booking.refresh_from_db()
    send_booking_email.call(booking.id, change, booking.sequence)
    email = to(booking.invitee_email)[-1]
    return link_in(email, "reschedule"), link_in(email, "cancel")


@pytest.fixture
def booking(event_type: EventType) -> Booking:
    return book(event_type, next_free_starts(event_type)[0])


def test_links_are_unguessable_and_stored_only_as_hashes(booking):
    """A link carries 43 random URL-safe characters; the database holds only their SHA-256."""
    reschedule, cancel = emailed_links(booking)
    token = reschedule.split("/")[2]
    assert len(token) == 43
    stored = set(BookingToken.objects.values_list("token_hash", flat=True))
    assert token not in stored
    assert all(len(value) == 64 for value in stored)
    assert reschedule.split("/")[2] != cancel.split("/")[2]


def test_the_reschedule_link_moves_the_same_booking(client, booking):
    """Picking a new time on the link's page moves the booking and confirms it; the page
    offers the other free times, not the current one."""
    reschedule, _ = emailed_links(booking)
    new_start = next_free_starts(booking.event_type, 3)[2]
    page = client.get(reschedule, {"tz": "UTC", "date": new_start.date().isoformat()})
    assert page.status_code == 200
    assert "Reschedule Intro call" in text(page)
    assert f'value="{new_start.isoformat()}"' in text(page)
    assert f'value="{booking.start.isoformat()}"' not in text(page)
    response = client.post(reschedule, {"start": new_start.isoformat(), "time_zone": "UTC"})
    assert response.status_code == 302
    assert "Your booking moved" in text(client.get(response["Location"]))
    moved = Booking.objects.get()
    assert (moved.id, moved.start, moved.sequence) == (booking.id, new_start, 1)


def test_moving_a_booking_retires_its_old_links(client, booking):
    """After a reschedule, the previous email's links show a clear page and change nothing;
    the new email's links work."""
    old_reschedule, old_cancel = emailed_links(booking)
    starts = next_free_starts(booking.event_type, 6)
    client.post(old_reschedule, {"start": starts[2].isoformat(), "time_zone": "UTC"})
    for path in (old_reschedule, old_cancel):
        response = client.get(path)
        assert response.status_code == 404
        assert INVALID in text(response)
    again = client.post(old_reschedule, {"start": starts[4].isoformat(), "time_zone": "UTC"})
    assert again.status_code == 404
    assert client.post(old_cancel, {"reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert (booking.start, booking.status) == (starts[2], "confirmed")
    new_reschedule, new_cancel = emailed_links(booking, "rescheduled")
    assert client.get(new_reschedule).status_code == 200
    assert client.get(new_cancel).status_code == 200


def test_the_cancel_link_cancels_with_an_optional_reason_once(client, booking):
    """Cancelling through the link records the reason; the used link can't be used again."""
    _, cancel = emailed_links(booking)
    page = client.get(cancel)
    assert "Cancel your booking?" in text(page)
    response = client.post(cancel, {"reason": "Something came up"})
    assert response.status_code == 302
    assert "Your booking is cancelled" in text(client.get(response["Location"]))
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason, booking.cancelled_by_host) == (
        "cancelled",
        "Something came up",
        False,
    )
    reused = client.post(cancel, {"reason": "again"})
    assert reused.status_code == 404
    assert INVALID in text(reused)
    assert booking.history.count() == 2


def test_an_empty_reason_is_fine_and_an_over_long_one_is_refused(client, booking):
    """The reason is optional, but at most 500 characters; too long cancels nothing."""
    _, cancel = emailed_links(booking)
    response = client.post(cancel, {"reason": "x" * 501})
    assert "1 character over the limit: 501 / 500" in text(response)
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert client.post(cancel, {"reason": ""}).status_code == 302


def test_each_link_does_only_its_own_job(client, booking):
    """A reschedule link can't cancel, and a cancel link can't reschedule."""
    reschedule, cancel = emailed_links(booking)
    reschedule_token, cancel_token = reschedule.split("/")[2], cancel.split("/")[2]
    assert client.post(f"/booking/{reschedule_token}/cancel").status_code == 404
    new_start = next_free_starts(booking.event_type, 3)[2]
    response = client.post(
        f"/booking/{cancel_token}/reschedule", {"start": new_start.isoformat(), "time_zone": "UTC"}
    )
    assert response.status_code == 404
    booking.refresh_from_db()
    assert (booking.status, booking.sequence) == ("confirmed", 0)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:20],
        lambda token: token + "x" * 200,
        lambda token: "0" * 43,
    ],
)
def test_tampered_links_change_nothing(client, booking, tamper):
    """A link with a changed, cut or padded token shows the clear page and changes nothing."""
    _, cancel = emailed_links(booking)
    token = cancel.split("/")[2]
    response = client.post(f"/booking/{tamper(token)}/cancel", {"reason": "x"})
    assert response.status_code == 404
    assert INVALID in text(response)
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_rescheduling_into_a_taken_or_past_time_is_refused(client, booking, event_type):
    """The reschedule page refuses a time just taken (with fresh slots) or already past."""
    reschedule, _ = emailed_links(booking)
    taken = next_free_starts(event_type, 3)[2]
    book(event_type, taken, email="other@example.test")
    response = client.post(reschedule, {"start": taken.isoformat(), "time_zone": "UTC"})
    assert response.status_code == 409
    assert "That time was just taken. Please pick another." in text(response)
    past = booking.start - timedelta(days=3)
    response = client.post(reschedule, {"start": past.isoformat(), "time_zone": "UTC"})
    assert "That time has already passed." in text(response)
    booking.refresh_from_db()
    assert booking.sequence == 0


def test_links_of_a_booking_that_started_say_it_cant_be_changed(client, booking):
    """Once the meeting has started its links explain that it can't be changed."""
    reschedule, cancel = emailed_links(booking)
    Booking.objects.filter(pk=booking.pk).update(
        start=booking.start - timedelta(days=2), end=booking.end - timedelta(days=2)
    )
    for path in (reschedule, cancel):
        response = client.get(path)
        assert response.status_code == 400
        assert "already started" in text(response)


@pytest.mark.parametrize(
    ("start", "error"),
    [
        ("tomorrow at ten", "That time isn't valid. Please pick one of the times shown."),
        ("2030-01-01T10:00:00", "That time isn't valid."),  # no offset
        ("", "That time isn't valid."),
        ("9999-12-31T23:59:59-14:00", "That time isn't valid."),
        ("0001-01-01T00:00:00+14:00", "That time isn't valid."),
        ("9999-12-31T23:45:00+00:00", "That time isn't valid."),
        ("0001-01-01T00:00:00-14:00", "That time isn't valid."),
    ],
)
def test_bad_input_to_the_reschedule_link_gets_a_clear_error_and_moves_nothing(
    client, booking, start, error
):
    """Tampered or out-of-range times are refused in words; the booking, its links and the
    emails stay as they were."""
    reschedule, cancel = emailed_links(booking)
    before, emails, queued = booking.start, len(mail.outbox), queued_tasks()
    response = client.post(reschedule, {"start": start, "time_zone": "UTC"})
    assert response.status_code == 200
    assert error in text(response)
    booking.refresh_from_db()
    assert (booking.start, booking.sequence, booking.status) == (before, 0, "confirmed")
    assert booking.history.count() == 1
    assert queued_tasks() == queued  # no email about a change that wasn't made
    assert len(mail.outbox) == emails
    assert client.get(reschedule).status_code == client.get(cancel).status_code == 200


def manage_pages_open(client: Client, email, booking: Booking) -> None:
    """Follow the email's reschedule and cancel links: each opens its page for `booking`."""
    reschedule, cancel = link_in(email, "reschedule"), link_in(email, "cancel")
    for path, purpose in ((reschedule, "reschedule"), (cancel, "cancel")):
        token = path.split("/")[2]
        found = booking_for_token(token=token, purpose=BookingToken.Purpose(purpose))
        assert found is not None, (email.subject, path)
        assert found.id == booking.id
    assert f"Reschedule {booking.event_type.title}" in text(client.get(reschedule))
    assert "Cancel your booking?" in text(client.get(cancel))


def test_every_email_to_the_invitee_about_a_live_booking_has_working_manage_links(
    client, organization, host, provider, django_capture_on_commit_callbacks
):
    """The confirmation that says the link follows, the update that brings the late link,
    the reschedule's email and the new host's: each carries a reschedule and a cancel link,
    and following them from the received email opens that booking's pages. An email's
    links keep working until the booking changes (the late link's update changes only the
    invite)."""
    zoom = make_event_type(organization, host, slug="zoom", location_kind=ZOOM)
    provider.status = LinkStatus.PENDING
    booking = book(zoom)
    booking_email_send(
        booking_id=booking.id,
        change=BookingChange.BOOKED,
        sequence=0,
        deadline=timezone.now(),  # the wait for the link is over: it follows
    )
    (confirmation,) = to(INVITEE_EMAIL)
    assert "will follow in a separate email" in confirmation.body
    manage_pages_open(client, confirmation, booking)

    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)
    run_queued_tasks()
    late_link = to(INVITEE_EMAIL)[-1]
    assert change_of(late_link) == BookingChange.LINK_READY
    assert "https://zoom.example.test/j/123" in late_link.body
    manage_pages_open(client, late_link, booking)
    manage_pages_open(client, confirmation, booking)  # still working

    new_start = next_free_starts(zoom, 3)[2]
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            link_in(late_link, "reschedule"),
            {"start": new_start.isoformat(), "time_zone": "UTC"},
        )
    assert moved.status_code == 302
    run_queued_tasks()
    rescheduled = to(INVITEE_EMAIL)[-1]
    assert change_of(rescheduled) == BookingChange.RESCHEDULED
    booking.refresh_from_db()
    manage_pages_open(client, rescheduled, booking)

    other_host = make_host(organization, full_name="Otto Other")
    with django_capture_on_commit_callbacks(execute=True):
        booking_reassign(booking=booking, host=other_host, by=other_host)
    run_queued_tasks()
    new_host = to(INVITEE_EMAIL)[-1]
    assert new_host.subject.startswith("New host:")
    booking.refresh_from_db()
    manage_pages_open(client, new_host, booking)
