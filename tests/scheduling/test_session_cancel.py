"""A host (or an admin of the organization) cancels a whole group session at once: every live
booking is cancelled with the reason, each invitee is told, the conferencing provider hears
each cancel, and the host's session event ends cancelled, in one email to the host for the
session, not one per seat. A session that has started can't be; other people's sessions are
not found."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from slotlink.accounts.models import Membership
from slotlink.core.times import long_when, short_when
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.models import Booking, BookingEvent, EventType, GroupSession
from slotlink.scheduling.services.bookings import BookingError, booking_cancel
from slotlink.scheduling.services.session_cancels import group_session_cancel
from slotlink.scheduling.tasks import send_booking_email
from slotlink.zoom.locations import ZOOM
from tests.factories import make_member, make_organization
from tests.fixtures.task_queue import run_ready_tasks
from tests.notifications.smtp_server import Received
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import change_of, invite_facts, to

pytestmark = pytest.mark.django_db

IVY, BOB, UMA = "ivy@example.test", "bob@example.test", "uma@example.test"


@pytest.fixture
def group(organization, host, provider) -> EventType:
    return make_event_type(
        organization,
        host,
        slug="webinar",
        title="Product webinar",
        kind=EventType.Kind.GROUP,
        seats_per_session=8,
        location_kind=ZOOM,
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Make a change as a request does, then run the emails it enqueued."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = change(*args, **kwargs)
        run_queued_tasks()
        return result

    return run


@pytest.fixture
def seats(group, committed) -> list[Booking]:
    """Three invitees booked into one session, each told (and its host of each)."""
    start = next_free_starts(group)[0]
    return [
        committed(book, group, start, email=IVY, name="Ivy Invitee"),
        committed(book, group, start, email=BOB, name="Bob Second"),
        committed(book, group, start, email=UMA, name="Uma Third"),
    ]


@pytest.fixture
def session(seats) -> GroupSession:
    return GroupSession.objects.get(pk=seats[0].session_id)


@pytest.fixture
def host_client(host) -> Client:
    client = Client()
    client.force_login(host)
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def statuses(bookings: list[Booking]) -> list[str]:
    return [Booking.objects.get(pk=booking.pk).status for booking in bookings]


def test_cancelling_a_session_cancels_each_live_booking_and_tells_everyone(
    session, seats, host, provider, committed
):
    """Each booking still live is cancelled by the host with the reason, each invitee gets
    their cancellation, the provider hears every cancel, and the host's session event ends
    with a CANCEL of its UID. A booking cancelled before is left as it was."""
    ivy, bob, uma = seats
    committed(booking_cancel, booking=uma, reason="Can't make it")
    provider.calls.clear()
    before = len(to(host.email))

    cancelled = committed(
        group_session_cancel, session=session, by=host, reason="The speaker is ill"
    )

    assert [booking.pk for booking in cancelled] == [ivy.pk, bob.pk]
    for booking in (ivy, bob):
        booking.refresh_from_db()
        assert (booking.status, booking.cancel_reason, booking.cancelled_by_host) == (
            Booking.Status.CANCELLED,
            "The speaker is ill",
            True,
        )
        event = booking.history.get(kind=BookingEvent.Kind.CANCELLED)
        assert (event.actor, event.reason) == (host, "The speaker is ill")
    uma.refresh_from_db()
    assert uma.cancel_reason == "Can't make it"
    for address, booking in ((IVY, ivy), (BOB, bob)):
        email = to(address)[-1]
        assert change_of(email) == BookingChange.CANCELLED
        assert (invite_facts(email)["method"], invite_facts(email)["uid"]) == (
            "CANCEL",
            booking.ical_uid,
        )
        assert "The speaker is ill" in email.body
    assert [change_of(email) for email in to(UMA)] == [  # nothing more
        BookingChange.BOOKED,
        BookingChange.CANCELLED,
    ]
    assert [(kind, ref.booking_id) for kind, ref in provider.calls] == [
        ("cancelled", ivy.pk),
        ("cancelled", bob.pk),
    ]
    assert {ref.group_session_id for _, ref in provider.calls} == {session.pk}
    last = to(host.email)[-1]
    assert len(to(host.email)) > before
    assert (invite_facts(last)["method"], invite_facts(last)["uid"]) == (
        "CANCEL",
        session.ical_uid,
    )


def test_a_session_that_has_started_is_refused_and_nothing_changes(session, seats, host, provider):
    """Once the session has begun it can't be cancelled: no booking, history or provider
    call changes."""
    provider.calls.clear()
    with pytest.raises(BookingError) as refused:
        group_session_cancel(session=session, by=host, now=session.start + timedelta(minutes=1))
    assert refused.value.message == "This session has already started, so it can't be cancelled."
    assert statuses(seats) == [Booking.Status.CONFIRMED] * 3
    assert not BookingEvent.objects.filter(kind=BookingEvent.Kind.CANCELLED).exists()
    assert provider.calls == []


def test_a_session_with_every_booking_cancelled_is_refused(session, seats, host):
    """Nothing left to cancel is said, rather than cancelling nothing."""
    for booking in seats:
        booking_cancel(booking=booking)
    with pytest.raises(BookingError) as refused:
        group_session_cancel(session=session, by=host)
    assert refused.value.message == "Every booking of this session is already cancelled."


def test_get_asks_to_confirm_listing_the_invitees_to_be_told(
    session, seats, host_client, admin_client
):
    """The confirmation page names each live booking; its host and an admin of the
    organization may open it, and opening it cancels nothing."""
    booking_cancel(booking=seats[2])
    for client in (host_client, admin_client):
        response = client.get(f"/360/sessions/{session.pk}/cancel")
        assert response.status_code == 200
        html = text(response)
        assert "Cancel the whole session?" in html
        for name, email in (("Ivy Invitee", IVY), ("Bob Second", BOB)):
            assert f"{name}</bdi></a> · <bdi>{email}</bdi>" in html
        assert "Uma Third" not in html  # already cancelled
    assert statuses(seats[:2]) == [Booking.Status.CONFIRMED] * 2


def test_posting_cancels_the_session_and_says_how_many(
    session, seats, host_client, django_capture_on_commit_callbacks
):
    """The host's POST cancels each booking with the reason and returns to the bookings
    with how many were cancelled."""
    with django_capture_on_commit_callbacks(execute=True):
        response = host_client.post(
            f"/360/sessions/{session.pk}/cancel", {"reason": "Venue closed"}
        )
    assert response.status_code == 302
    assert response["Location"] == "/360/bookings"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Cancelled the session: 3 bookings, each invitee told."
    ]
    assert statuses(seats) == [Booking.Status.CANCELLED] * 3
    assert {Booking.objects.get(pk=b.pk).cancel_reason for b in seats} == {"Venue closed"}


def test_posting_for_a_started_session_shows_why_not(session, seats, host_client):
    """A session that began meanwhile is refused on the page, in words, and stays."""
    GroupSession.objects.filter(pk=session.pk).update(start=timezone.now() - timedelta(minutes=5))
    response = host_client.post(f"/360/sessions/{session.pk}/cancel", {"reason": ""})
    assert response.status_code == 200
    assert "This session has already started, so it can't be cancelled." in text(response)
    assert statuses(seats) == [Booking.Status.CONFIRMED] * 3


def test_a_member_who_is_not_the_host_gets_404(session, seats, member_client):
    """A colleague of the host can neither see nor cancel the session."""
    assert member_client.get(f"/360/sessions/{session.pk}/cancel").status_code == 404
    assert member_client.post(f"/360/sessions/{session.pk}/cancel").status_code == 404
    assert statuses(seats) == [Booking.Status.CONFIRMED] * 3


def test_an_admin_of_another_organization_gets_404(session, seats):
    """Another organization's session is not found, even for its admins."""
    other = make_organization("Globex")
    client = Client()
    client.force_login(make_member(other, role=Membership.Role.ADMIN).user)
    assert client.get(f"/360/sessions/{session.pk}/cancel").status_code == 404
    assert client.post(f"/360/sessions/{session.pk}/cancel").status_code == 404
    assert statuses(seats) == [Booking.Status.CONFIRMED] * 3


def test_the_booking_page_links_to_cancelling_the_session_while_there_is_one(
    session, seats, host, host_client, event_type
):
    """A group booking's page offers to cancel the whole session while it is ahead and
    has live bookings, even from a booking already cancelled; then no more. A one-on-one
    booking's page never does."""
    link = f'href="/360/sessions/{session.pk}/cancel"'
    booking_cancel(booking=seats[0])
    assert link in text(host_client.get(f"/360/bookings/{seats[0].pk}"))
    assert "Cancel the whole session" in text(host_client.get(f"/360/bookings/{seats[1].pk}"))
    group_session_cancel(session=session, by=host)
    assert link not in text(host_client.get(f"/360/bookings/{seats[1].pk}"))
    single = book(event_type)
    assert "Cancel the whole session" not in text(host_client.get(f"/360/bookings/{single.pk}"))


# --- The host's one email about the whole session cancelled ------------------------------

SEATS = {IVY: "Ivy Invitee", BOB: "Bob Second", UMA: "Uma Third"}
REASON = "The speaker is ill"


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
    }


def session_cancelled_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path__endswith="send_session_cancelled_email"))


def test_cancelling_a_three_seat_session_emails_each_invitee_and_the_host_once(
    session, seats, host, smtp_server, committed
):
    """Cancelling a three-seat session sends four emails through the mail server: each
    invitee their own cancellation (their booking's invite, CANCEL), and the host one
    "Session cancelled" email: the event type, its time in the host's zone, the three seats
    cancelled and whose, the reason, and the session's invite cancelled (its UID at the
    SEQUENCE the cancel gave it). Running every task again, a duplicate of each, sends
    nothing more."""
    assert smtp_server.received == []  # the bookings' own emails went before
    committed(group_session_cancel, session=session, by=host, reason=REASON)
    session.refresh_from_db()

    for booking in seats:
        booking.refresh_from_db()
        (email,) = smtp_server.to(booking.invitee_email)
        assert email.subject.startswith("Cancelled: Product webinar with Hana Host")
        assert REASON in email.text
        assert received_invite(email)["method"] == "CANCEL"
        assert received_invite(email)["uid"] == booking.ical_uid
    (told,) = smtp_server.to(host.email)
    when = short_when(session.start, time_zone=host.time_zone, clock=host.clock)
    assert told.subject == f"Session cancelled: Product webinar on {when}, 3 bookings cancelled"
    body = told.text
    assert "You cancelled your Product webinar session." in body
    assert f"When:      {long_when(session.start, session.end, time_zone=host.time_zone)}" in body
    assert "Cancelled (3)" in body
    for address, name in SEATS.items():
        assert f"- {name} <{address}>" in body
    assert f"Reason: {REASON}" in body
    assert "/booking/" not in body  # the invitees' links are theirs alone
    assert received_invite(told) == {
        "method": "CANCEL",
        "uid": session.ical_uid,
        "sequence": session.sequence,
        "start": session.start,
    }

    for booking in seats:
        send_booking_email.call(booking.id, "cancelled", booking.sequence)
    for task in session_cancelled_tasks():
        task.task.call(*task.args_kwargs["args"])
    assert len(smtp_server.received) == 4


def test_a_session_cancelled_email_the_mail_server_refused_goes_later_exactly_once(
    session, seats, host, smtp_server, committed
):
    """The mail server refuses the host when the session is cancelled: the invitees have
    theirs, the host's email is queued again for later, and once the server takes it the
    host has exactly one, after every queued retry ran and a late duplicate of its task."""
    smtp_server.refuse(host.email)
    committed(group_session_cancel, session=session, by=host, reason=REASON)
    assert sorted(r for m in smtp_server.received for r in m.recipients) == sorted(SEATS)
    (retry,) = [task for task in session_cancelled_tasks() if task.status == "READY"]
    assert retry.args_kwargs["args"][-1] == 2  # its second attempt, after a pause

    smtp_server.accept(host.email)
    run_ready_tasks(rounds=100, only_due=False)  # every retry queued, now
    retry.task.call(*retry.args_kwargs["args"])  # a late duplicate
    (told,) = smtp_server.to(host.email)
    assert told.subject.startswith("Session cancelled: Product webinar on ")
    assert len(smtp_server.received) == len(SEATS) + 1


def test_an_admins_cancel_of_a_session_tells_its_host_who_cancelled_it(
    session, seats, host, admin_membership, committed
):
    """An admin cancels a host's session: the host's one email about it says the admin
    cancelled it, with the reason, not that the host did."""
    before = len(to(host.email))
    committed(group_session_cancel, session=session, by=admin_membership.user, reason=REASON)
    (told,) = to(host.email)[before:]
    assert told.subject.startswith("Session cancelled: Product webinar on ")
    assert "Ada Admin cancelled your Product webinar session." in told.body
    assert f"Reason: {REASON}" in told.body


def test_a_seat_cancelled_on_its_own_still_emails_its_host(session, seats, host, committed):
    """A seat its invitee cancels, and one its host cancels from the booking's page, each
    email the host as before: a "Cancelled" email of that seat. The whole session cancelled
    later lists only the seat still booked."""
    ivy, bob = seats[:2]
    before = len(to(host.email))
    committed(booking_cancel, booking=ivy, reason="Can't make it")
    committed(booking_cancel, booking=bob, by=host, reason="Double-booked")
    one, other = to(host.email)[before:]
    assert one.subject.startswith("Cancelled: Product webinar with Ivy Invitee")
    assert other.subject.startswith("Cancelled: Product webinar with Bob Second")

    committed(group_session_cancel, session=session, by=host)
    (told,) = to(host.email)[before + 2 :]
    assert "Cancelled (1)" in told.body
    assert f"- Uma Third <{UMA}>" in told.body
    assert "Ivy Invitee" not in told.body
