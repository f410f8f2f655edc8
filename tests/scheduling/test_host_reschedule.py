"""A host moves a booking from its page: only to a free time by the booking page's rules,
with an optional message; the invitee is emailed the old and new time, the message and
working manage links, the host gets a copy, and the old links stop working. Who may do it is
who may cancel it: the host, or an admin of the organization. Of a group session, one seat
moves alone, or the whole session with every seat."""

from datetime import timedelta
from html import unescape
from itertools import pairwise

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from slotlink.core.times import long_when, short_when
from slotlink.scheduling.models import Booking, BookingEmail, BookingEvent, EventType, GroupSession
from slotlink.scheduling.services.bookings import (
    RESCHEDULE_MESSAGE_LIMIT,
    BookingError,
    booking_cancel,
    booking_reschedule,
)
from slotlink.scheduling.services.session_moves import group_session_reschedule
from slotlink.scheduling.tasks import send_booking_email
from tests.factories import make_member, make_organization
from tests.fixtures.task_queue import drop_queued_tasks, queued_tasks, run_ready_tasks
from tests.notifications.smtp_server import Received
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL, change_of, invite_facts, link_in, to

pytestmark = pytest.mark.django_db

INVALID = "This link doesn't work anymore"
MESSAGE = "Sorry: a clash came up. Does this time suit you?"


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def emails_sent(booking: Booking, change: str) -> None:
    """Send the booking's current emails, as the queued task does."""
    booking.refresh_from_db()
    send_booking_email.call(booking.id, change, booking.sequence)


@pytest.fixture
def event_type(organization, member_membership) -> EventType:
    return make_event_type(organization, member_membership.user, slug="members-call")


@pytest.fixture
def booking(event_type) -> Booking:
    return book(event_type, next_free_starts(event_type)[0])


def page(booking: Booking) -> str:
    return f"/360/bookings/{booking.id}/reschedule"


def move(client: Client, booking: Booking, start, message: str = "") -> HttpResponse:
    return client.post(
        page(booking), {"start": start.isoformat(), "time_zone": "UTC", "message": message}
    )


# --- The service -------------------------------------------------------------------------


def test_a_host_move_records_who_moved_it_and_their_message(booking, member_membership):
    """A move by the host is the same booking at a new SEQUENCE; its history names the
    host and keeps their message, where an invitee's move names no one."""
    new_start = next_free_starts(booking.event_type, 3)[2]
    booking_reschedule(booking=booking, start=new_start, by=member_membership.user, message=MESSAGE)
    moved = Booking.objects.get()
    assert (moved.id, moved.start, moved.sequence) == (booking.id, new_start, 1)
    event = moved.history.get(kind=BookingEvent.Kind.RESCHEDULED)
    assert (event.actor, event.actor_name, event.reason) == (
        member_membership.user,
        "Max Member",
        MESSAGE,
    )
    assert event.previous_start == booking.start


def test_an_over_long_message_is_refused_and_moves_nothing(booking, member_membership):
    """The message is at most RESCHEDULE_MESSAGE_LIMIT characters; a longer one is refused
    in words and the booking stays where it was."""
    new_start = next_free_starts(booking.event_type, 3)[2]
    with pytest.raises(BookingError, match="at most 500 characters"):
        booking_reschedule(
            booking=booking,
            start=new_start,
            by=member_membership.user,
            message="x" * (RESCHEDULE_MESSAGE_LIMIT + 1),
        )
    booking.refresh_from_db()
    assert (booking.sequence, booking.history.count()) == (0, 1)


# --- The page ----------------------------------------------------------------------------


def test_the_booking_page_offers_reschedule_and_the_picker_offers_other_free_times(
    member_client, booking
):
    """The booking's page links to its reschedule page, which offers the free times of the
    event type but not the booking's own, and says only free times are offered."""
    detail = text(member_client.get(f"/360/bookings/{booking.id}"))
    assert f'href="{page(booking)}"' in detail
    new_start = next_free_starts(booking.event_type, 3)[2]
    response = member_client.get(page(booking), {"tz": "UTC", "date": new_start.date()})
    assert response.status_code == 200
    html = text(response)
    assert "Reschedule Intro call with Ivy Invitee" in html
    assert f'value="{new_start.isoformat()}"' in html
    assert f'value="{booking.start.isoformat()}"' not in html
    assert "Only free times are offered" in html


def test_the_host_moves_a_booking_and_the_invitee_is_told_with_working_links(
    client, member_client, booking
):
    """The host picks a new time with a message: the booking moves, the page says the
    invitee is told, the history names the host and the message. The invitee's email has
    the old and new time, who moved it, the message and reschedule and cancel links that
    work; the host's copy says they moved it."""
    new_start = next_free_starts(booking.event_type, 3)[2]
    response = move(member_client, booking, new_start, MESSAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/360/bookings/{booking.id}"
    detail = text(member_client.get(response["Location"]))
    assert "Moved. <bdi>Ivy Invitee</bdi> is told by email, with the new time." in detail
    assert "Rescheduled</strong> by <bdi>Max Member</bdi>" in detail
    assert f"“{MESSAGE}”" in detail
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (new_start, 1)

    emails_sent(booking, "rescheduled")
    (invitee_email,) = to(INVITEE_EMAIL)
    assert change_of(invitee_email) == "rescheduled"
    assert invite_facts(invitee_email)["start"] == new_start
    assert invite_facts(invitee_email)["sequence"] == 1
    body = invitee_email.body
    assert "Moved from " in body  # the old time, then the new one, in their zone
    assert "Max Member moved it." in body
    assert f"Message from Max Member: {MESSAGE}" in body
    assert "&" not in body  # plain text, no HTML entities
    (html_part, _) = invitee_email.alternatives[0]
    assert "<bdi>Max Member</bdi> moved it." in str(html_part)
    reschedule, cancel = link_in(invitee_email, "reschedule"), link_in(invitee_email, "cancel")
    assert "Reschedule Intro call" in text(client.get(reschedule))
    assert "Cancel your booking?" in text(client.get(cancel))
    again = next_free_starts(booking.event_type, 5)[4]
    assert (
        client.post(reschedule, {"start": again.isoformat(), "time_zone": "UTC"}).status_code == 302
    )
    booking.refresh_from_db()
    assert booking.start == again

    (host_copy,) = [e for e in mail.outbox if e is not invitee_email]
    assert "You moved it." in host_copy.body
    assert f"Your message to Ivy Invitee: {MESSAGE}" in host_copy.body
    assert "/booking/" not in host_copy.body  # the invitee's links are theirs alone


def test_a_host_move_retires_the_old_emails_links(client, member_client, booking):
    """After the host moves the booking, the links of the invitee's earlier email say they
    don't work and change nothing, as after the invitee's own move."""
    emails_sent(booking, "booked")
    confirmation = to(INVITEE_EMAIL)[-1]
    old_reschedule, old_cancel = (
        link_in(confirmation, "reschedule"),
        link_in(confirmation, "cancel"),
    )
    new_start = next_free_starts(booking.event_type, 3)[2]
    assert move(member_client, booking, new_start).status_code == 302
    for path in (old_reschedule, old_cancel):
        response = client.get(path)
        assert response.status_code == 404
        assert INVALID in text(response)
    assert client.post(old_cancel, {"reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert (booking.start, booking.status) == (new_start, "confirmed")


def test_a_time_taken_meanwhile_shows_the_picker_again_and_changes_nothing(
    member_client, booking, django_capture_on_commit_callbacks
):
    """A time booked by someone else since the page was loaded is refused with the words
    of the booking page (409), the picker shows again with the other free times, and the
    booking, its history and the queue stay as they were."""
    taken = next_free_starts(booking.event_type, 3)[2]
    book(booking.event_type, taken, email="other@example.test")
    drop_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        response = move(member_client, booking, taken, MESSAGE)
    assert response.status_code == 409
    html = text(response)
    assert "That time was just taken. Please pick another." in html
    assert 'name="start"' in html  # the picker, to pick again
    assert f'value="{taken.isoformat()}"' not in html
    assert MESSAGE in html  # the message is kept for the next try
    booking.refresh_from_db()
    assert (booking.sequence, booking.history.count()) == (0, 1)
    assert queued_tasks() == []


@pytest.mark.parametrize(
    ("shift", "error"),
    [
        (timedelta(days=-2), "That time has already passed."),
        (timedelta(days=400), "That time is too far ahead to book yet."),
        (timedelta(minutes=7), "That time isn't available. Please pick one of the times shown."),
    ],
)
def test_a_time_the_booking_page_would_refuse_is_refused_to_the_host(
    member_client, booking, shift, error
):
    """The host gets no way around the booking rules: past, beyond the horizon, or off
    the slot grid is refused in words, and nothing changes."""
    response = move(member_client, booking, booking.start + shift)
    assert error in text(response)
    booking.refresh_from_db()
    assert (booking.sequence, booking.history.count()) == (0, 1)


def test_the_hosts_other_bookings_and_buffers_keep_their_time(
    member_client, organization, member_membership
):
    """A time next to a booking of the host's other event type, inside its buffer, is
    refused: the host's whole calendar counts, as for invitees."""
    host = member_membership.user
    buffered = make_event_type(organization, host, slug="buffered", buffer_minutes=30)
    other = make_event_type(organization, host, slug="other")
    starts = next_free_starts(other, 12)
    booking = book(other, starts[0])
    # Two starts half an hour apart (the free starts skip some around midnight: this failed
    # at 19:31 UTC, the sixth start an hour after the fifth).
    busy, right_after = next(
        (start, later)
        for start, later in pairwise(starts[2:])
        if later - start == timedelta(minutes=30)
    )
    book(buffered, busy, email="busy@example.test")
    response = move(member_client, booking, right_after)  # right after it, in its buffer
    assert response.status_code == 409
    assert "That time was just taken." in text(response)
    booking.refresh_from_db()
    assert booking.start == starts[0]


def test_bad_input_gets_a_clear_error_and_moves_nothing(member_client, booking):
    """A tampered start, an over-long message or one with invisible controls is refused
    in words; nothing moves."""
    before = booking.start
    response = member_client.post(
        page(booking), {"start": "tomorrow at ten", "time_zone": "UTC", "message": ""}
    )
    assert "That time isn't valid. Please pick one of the times shown." in text(response)
    new_start = next_free_starts(booking.event_type, 3)[2]
    response = move(member_client, booking, new_start, "x" * (RESCHEDULE_MESSAGE_LIMIT + 1))
    assert "1 character over the limit: 501 / 500. Nothing was cut" in text(response)
    response = move(member_client, booking, new_start, "hidden\u202econtrol")
    assert "invisible control characters" in text(response)
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (before, 0)


def test_a_cancelled_or_started_booking_cant_be_moved(member_client, booking):
    """The page of a cancelled booking, or one that started, sends the host back to the
    booking saying why; a POST changes nothing."""
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    new_start = next_free_starts(booking.event_type, 3)[2]
    response = move(member_client, booking, new_start)
    assert response.status_code == 302
    detail = text(member_client.get(response["Location"]))
    assert "This booking was cancelled, so it can't be moved." in detail
    assert f'href="/360/bookings/{booking.id}/reschedule"' not in detail
    Booking.objects.filter(pk=booking.pk).update(
        status=Booking.Status.CONFIRMED,
        start=booking.start - timedelta(days=2),
        end=booking.end - timedelta(days=2),
    )
    response = member_client.get(page(booking))
    assert "has already started" in text(member_client.get(response["Location"]))
    booking.refresh_from_db()
    assert booking.sequence == 0


def test_only_the_host_and_admins_may_move_a_booking(
    member_client, admin_client, organization, booking
):
    """As for cancelling: a co-worker's booking is 404 for a member, page and POST; an
    admin of the organization may move it; another organization's is 404 for anyone."""
    colleague = make_member(organization, full_name="Cole League").user
    theirs_type = make_event_type(organization, colleague, slug="theirs")
    theirs = book(theirs_type, email="their@example.test")
    new_start = next_free_starts(theirs_type, 3)[2]
    assert member_client.get(page(theirs)).status_code == 404
    assert move(member_client, theirs, new_start).status_code == 404
    theirs.refresh_from_db()
    assert theirs.sequence == 0
    assert admin_client.get(page(theirs)).status_code == 200
    assert move(admin_client, theirs, new_start).status_code == 302
    theirs.refresh_from_db()
    moved = theirs.history.get(kind=BookingEvent.Kind.RESCHEDULED)
    assert (theirs.start, moved.actor_name) == (new_start, "Ada Admin")
    other = make_organization("Globex")
    foreign_type = make_event_type(other, make_member(other).user, slug="globex")
    foreign = book(foreign_type)
    assert admin_client.get(page(foreign)).status_code == 404
    assert move(admin_client, foreign, next_free_starts(foreign_type, 3)[2]).status_code == 404
    assert Client().get(page(booking)).status_code == 302  # to sign in


# --- Group sessions: one seat ------------------------------------------------------------


def test_the_host_moves_one_seat_to_a_new_session_or_one_with_room(
    member_client, organization, member_membership
):
    """Moving one seat of a group session takes that invitee alone to the new time: a new
    session there, or the session already there when it has room; the seat's neighbours
    stay. A full session is refused with the booking page's words."""
    group = make_event_type(
        organization,
        member_membership.user,
        slug="workshop",
        title="Workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=2,
    )
    first, second, third = next_free_starts(group, 5)[0:5:2]
    ivy = book(group, first, email=INVITEE_EMAIL)
    bob = book(group, first, email="bob@example.test", name="Bob")
    detail = text(member_client.get(f"/360/bookings/{ivy.id}"))
    assert "<bdi>Ivy Invitee</bdi>'s seat" in detail
    assert move(member_client, ivy, second).status_code == 302
    ivy.refresh_from_db()
    bob.refresh_from_db()
    assert (ivy.start, bob.start) == (second, first)
    assert ivy.session_id != bob.session_id
    assert move(member_client, bob, second).status_code == 302  # joins Ivy's session
    bob.refresh_from_db()
    assert bob.session_id == ivy.session_id
    book(group, third, email="a@example.test")
    book(group, third, email="b@example.test")
    full = move(member_client, bob, third)
    assert full.status_code == 409
    assert "That session just filled up. Please pick another time." in text(full)
    bob.refresh_from_db()
    assert bob.start == second


# --- Group sessions: the whole session ---------------------------------------------------


@pytest.fixture
def workshop(organization, member_membership) -> EventType:
    return make_event_type(
        organization,
        member_membership.user,
        slug="workshop",
        title="Workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=3,
    )


def session_page(booking: Booking) -> str:
    return f"/360/sessions/{booking.session_id}/reschedule"


def move_session(client: Client, booking: Booking, start, message: str = "") -> HttpResponse:
    return client.post(
        session_page(booking), {"start": start.isoformat(), "time_zone": "UTC", "message": message}
    )


def test_the_host_moves_a_whole_session_and_each_invitee_is_told_once(
    client, member_client, workshop
):
    """Every live seat moves with the session, which stays one session (same row, same
    invite UID, a higher SEQUENCE); a cancelled seat stays behind. Each invitee gets one
    email with the new time, the message and working links; their old links stop
    working; the history of each names the host."""
    first, later = next_free_starts(workshop, 5)[0], next_free_starts(workshop, 5)[4]
    ivy = book(workshop, first, email=INVITEE_EMAIL)
    emails_sent(ivy, "booked")
    old_reschedule = link_in(to(INVITEE_EMAIL)[-1], "reschedule")
    bob = book(workshop, first, email="bob@example.test", name="Bob Second")
    gone = book(workshop, first, email="gone@example.test")
    booking_cancel(booking=gone)
    session = GroupSession.objects.get()
    detail = text(member_client.get(f"/360/bookings/{ivy.id}"))
    assert f'href="{session_page(ivy)}"' in detail
    page_html = text(member_client.get(session_page(ivy), {"tz": "UTC", "date": later.date()}))
    assert "<bdi>Ivy Invitee</bdi> · <bdi>ivy@example.test</bdi> · " in page_html
    assert f'href="/360/bookings/{bob.id}/reschedule"' in page_html  # one seat alone
    assert f'value="{later.isoformat()}"' in page_html
    assert "Message to the invitees (optional)" in page_html

    mail.outbox.clear()
    response = move_session(member_client, ivy, later, MESSAGE)
    assert response.status_code == 302
    assert "Moved the session: 2 bookings, each invitee told." in text(
        member_client.get(response["Location"])
    )
    moved = GroupSession.objects.get()
    assert (moved.pk, moved.ical_uid, moved.start) == (session.pk, session.ical_uid, later)
    assert moved.sequence > session.sequence
    for booking in (ivy, bob):
        booking.refresh_from_db()
        assert (booking.start, booking.sequence, booking.session_id) == (later, 1, session.pk)
        event = booking.history.get(kind=BookingEvent.Kind.RESCHEDULED)
        assert (event.actor_name, event.reason, event.previous_start) == (
            "Max Member",
            MESSAGE,
            first,
        )
        emails_sent(booking, "rescheduled")
    gone.refresh_from_db()
    assert gone.start == first

    for address in (INVITEE_EMAIL, "bob@example.test"):
        (email,) = to(address)
        assert invite_facts(email)["start"] == later
        assert f"Message from Max Member: {MESSAGE}" in email.body
        assert "Reschedule Workshop" in text(client.get(link_in(email, "reschedule")))
    assert client.get(old_reschedule).status_code == 404


def test_a_session_is_never_moved_onto_another_sessions_time(member_client, workshop):
    """A start where the event type has another session is not offered, and posting it is
    refused in words; nothing moves."""
    first, other = next_free_starts(workshop, 5)[0], next_free_starts(workshop, 5)[4]
    ivy = book(workshop, first, email=INVITEE_EMAIL)
    book(workshop, other, email="bob@example.test")
    page_html = text(member_client.get(session_page(ivy), {"tz": "UTC", "date": other.date()}))
    assert f'value="{other.isoformat()}"' not in page_html
    assert f'value="{first.isoformat()}"' not in page_html  # where it is now is no move
    response = move_session(member_client, ivy, other)
    assert "The event type has another session at that time." in text(response)
    ivy.refresh_from_db()
    assert (ivy.start, ivy.sequence) == (first, 0)


def test_a_session_move_keeps_to_the_hosts_free_time_and_changes_nothing_when_refused(
    member_client, organization, member_membership
):
    """A time the host is busy at (a booking of another event type) is refused with the
    booking page's words (409); a time overlapping the session's own seats is free to it;
    an over-long message or a started session is refused; nothing moves."""
    workshop = make_event_type(
        organization,
        member_membership.user,
        slug="long-workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=3,
        duration_minutes=60,  # its starts are half an hour apart: overlapping
    )
    starts = next_free_starts(workshop, 8)
    ivy = book(workshop, starts[0], email=INVITEE_EMAIL)
    bob = book(workshop, starts[0], email="bob@example.test")
    other = make_event_type(organization, member_membership.user, slug="other")
    book(other, starts[4], email="busy@example.test")
    taken = move_session(member_client, ivy, starts[4])
    assert taken.status_code == 409
    assert "That time was just taken. Please pick another." in text(taken)
    too_long = move_session(member_client, ivy, starts[2], "x" * (RESCHEDULE_MESSAGE_LIMIT + 1))
    assert "1 character over the limit: 501 / 500. Nothing was cut" in text(too_long)
    for booking in (ivy, bob):
        booking.refresh_from_db()
        assert (booking.start, booking.sequence) == (starts[0], 0)
    with pytest.raises(BookingError, match="already started"):
        group_session_reschedule(
            session=GroupSession.objects.get(),
            start=starts[2],
            by=member_membership.user,
            now=starts[0] + timedelta(minutes=1),
        )
    # Half an hour later overlaps the session's own time: free to it, as it moves away.
    assert move_session(member_client, ivy, starts[1]).status_code == 302
    bob.refresh_from_db()
    assert bob.start == starts[1]


def test_only_the_sessions_host_and_admins_may_move_it(
    member_client, admin_client, organization, workshop
):
    """As for cancelling the session: a co-worker's session is 404 for a member, page and
    POST; an admin may move it; another organization's is 404."""
    colleague = make_member(organization, full_name="Cole League").user
    theirs = make_event_type(
        organization, colleague, slug="theirs", kind=EventType.Kind.GROUP, seats_per_session=2
    )
    first, later = next_free_starts(theirs, 3)[0], next_free_starts(theirs, 3)[2]
    seat = book(theirs, first, email="their@example.test")
    assert member_client.get(session_page(seat)).status_code == 404
    assert move_session(member_client, seat, later).status_code == 404
    seat.refresh_from_db()
    assert seat.start == first
    assert move_session(admin_client, seat, later).status_code == 302
    seat.refresh_from_db()
    assert seat.start == later
    other = make_organization("Globex")
    foreign_type = make_event_type(
        other, make_member(other).user, slug="globex", kind=EventType.Kind.GROUP
    )
    foreign = book(foreign_type)
    assert admin_client.get(session_page(foreign)).status_code == 404


# --- Group sessions: the host's one email about the whole session moved -----------------

SEATS = {INVITEE_EMAIL: "Ivy Invitee", "bob@example.test": "Bob Second", "cy@example.test": "Cy"}


@pytest.fixture
def three_seats(workshop, member_membership, django_capture_on_commit_callbacks):
    """The workshop's session with three seats, their emails sent; the host reads a
    12-hour clock in Chicago."""
    host = member_membership.user
    host.time_zone, host.time_format = "America/Chicago", "12"
    host.save()
    first = next_free_starts(workshop, 5)[0]
    with django_capture_on_commit_callbacks(execute=True):
        seats = [book(workshop, first, email=email, name=name) for email, name in SEATS.items()]
    run_queued_tasks()
    return seats


def received_invite(received: Received) -> dict[str, object]:
    """The facts of the invite an email carried, as the mail server received it."""
    (part,) = [p for p in received.message.iter_attachments() if p.get_filename() == "invite.ics"]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return {
        "method": str(calendar["METHOD"]),
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "start": event.decoded("DTSTART"),
        "attendees": sorted(str(a).removeprefix("mailto:") for a in event.attendees),
    }


def test_a_whole_session_move_emails_each_invitee_and_the_host_once(
    member_client,
    member_membership,
    workshop,
    three_seats,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    """Moving a three-seat session sends four emails through the mail server: each invitee
    their own "Updated" email with working links, and the host one "Session moved" email:
    the event type, the old and new time in the host's zone on their clock, the three
    seats moved and who, the message, and the session's invite (its UID at the SEQUENCE
    the move gave it, at the new time, with the three invitees). The seats' own emails go
    to no host, and running every task again sends nothing more."""
    host = member_membership.user
    first = three_seats[0].start
    later = next_free_starts(workshop, 5)[4]
    assert smtp_server.received == []  # the bookings' own emails went before
    with django_capture_on_commit_callbacks(execute=True):
        assert move_session(member_client, three_seats[0], later, MESSAGE).status_code == 302
    run_queued_tasks()
    session = GroupSession.objects.get()

    for address in SEATS:
        (email,) = smtp_server.to(address)
        assert email.subject.startswith("Updated: Workshop with Max Member")
        assert f"Message from Max Member: {MESSAGE}" in email.text
        assert "/booking/" in email.text  # their own manage links
    (told,) = smtp_server.to(host.email)
    when = short_when(later, time_zone="America/Chicago", clock="12")
    assert told.subject == f"Session moved: Workshop on {when}, 3 of 3 seats booked"
    body = told.text
    assert "You moved your Workshop session." in body
    old = long_when(first, None, time_zone="America/Chicago", clock="12", show_zone=False)
    new = long_when(later, later + timedelta(minutes=30), time_zone="America/Chicago", clock="12")
    assert f"Moved from {old} to {new}" in body
    assert "Moved with it (3)" in body
    for address, name in SEATS.items():
        assert f"- {name} <{address}>" in body
    assert f"Your message to them: {MESSAGE}" in body
    assert "/booking/" not in body  # the invitees' links are theirs alone
    assert received_invite(told) == {
        "method": "REQUEST",
        "uid": session.ical_uid,
        "sequence": session.sequence,
        "start": later,
        "attendees": sorted([*SEATS, host.email]),
    }
    assert not BookingEmail.objects.filter(audience="host", sequence=1).exists()

    for booking in three_seats:
        send_booking_email.call(booking.id, "rescheduled", 1)
    for task in DBTaskResult.objects.filter(task_path__endswith="send_session_moved_email"):
        task.task.call(*task.args_kwargs["args"])
    assert len(smtp_server.received) == 4


def test_a_session_moved_email_the_mail_server_refused_goes_later_exactly_once(
    member_client,
    member_membership,
    workshop,
    three_seats,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    """The mail server refuses the host when the session moves: the invitees have theirs,
    the host's email is queued again for later, and once the server takes it the host has
    exactly one, after every queued retry ran and a late duplicate of its task."""
    host = member_membership.user
    smtp_server.refuse(host.email)
    later = next_free_starts(workshop, 5)[4]
    with django_capture_on_commit_callbacks(execute=True):
        assert move_session(member_client, three_seats[0], later).status_code == 302
    run_queued_tasks()
    assert sorted(r for m in smtp_server.received for r in m.recipients) == sorted(SEATS)
    (retry,) = DBTaskResult.objects.filter(
        status="READY", task_path__endswith="send_session_moved_email"
    )
    assert retry.args_kwargs["args"][-1] == 2  # its second attempt, after a pause

    smtp_server.accept(host.email)
    run_ready_tasks(rounds=100, only_due=False)  # every retry queued, now
    retry.task.call(*retry.args_kwargs["args"])  # a late duplicate
    (told,) = smtp_server.to(host.email)
    assert told.subject.startswith("Session moved: Workshop on ")
    assert len(smtp_server.received) == len(SEATS) + 1


def test_an_admins_move_of_a_session_tells_its_host_who_moved_it(
    admin_client, member_membership, workshop, django_capture_on_commit_callbacks
):
    """An admin moves a host's session: the host's one email says the admin moved it, with
    the admin's message, not that the host did."""
    first, later = next_free_starts(workshop, 5)[0], next_free_starts(workshop, 5)[4]
    ivy = book(workshop, first, email=INVITEE_EMAIL)
    book(workshop, first, email="bob@example.test", name="Bob Second")
    with django_capture_on_commit_callbacks(execute=True):
        assert move_session(admin_client, ivy, later, MESSAGE).status_code == 302
    run_queued_tasks()
    (told,) = [
        email
        for email in to(member_membership.user.email)
        if email.subject.startswith("Session moved:")
    ]
    assert "Ada Admin moved your Workshop session." in told.body
    assert f"Ada Admin's message to them: {MESSAGE}" in told.body
    assert "Moved with it (2)" in told.body
