"""The host of a group event type gets one calendar event per session, not one per seat:
the session's invite rides in the host's emails, at a SEQUENCE that rises with every seat
that joins or leaves, and is cancelled with its last seat. Each invitee keeps the invite of
their own booking. One-on-one bookings keep theirs for the host too."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.notifications.messages import Audience, BookingChange
from slotlink.scheduling.models import (
    Booking,
    BookingEmail,
    EventType,
    GroupSession,
    GroupSessionEmail,
)
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.scheduling.services.session_moves import group_session_reschedule
from slotlink.scheduling.tasks import send_booking_email, send_group_session_left_email
from slotlink.zoom.locations import ZOOM
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import (
    change_of,
    invite_attendees,
    invite_event,
    invite_facts,
    to,
    told,
)

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.example.test/j/123"  # the test provider's, shared by every seat
IVY, BOB = "ivy@example.test", "bob@example.test"


@pytest.fixture
def group(organization, host, provider) -> EventType:
    return make_event_type(
        organization,
        host,
        slug="tour",
        title="Product tour",
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


def latest_two(address: str) -> dict[BookingChange, EmailMessage]:
    """The last two emails to `address`, by the change each tells of."""
    return {change_of(email): email for email in to(address)[-2:]}


def session_of(booking: Booking) -> GroupSession:
    assert booking.session_id is not None
    return GroupSession.objects.get(pk=booking.session_id)


def test_two_bookings_of_a_session_are_one_event_in_the_hosts_calendar(group, host, committed):
    """Two invitees book one session: the host gets an email about each, and their invites
    are one event (the session's UID) at a rising SEQUENCE, the second listing both
    invitees, the seats and the shared join link. Each invitee's invite is their own."""
    start = next_free_starts(group)[0]
    ivy = committed(book, group, start, email=IVY)
    bob = committed(book, group, start, email=BOB, name="Bob Second")
    session = session_of(ivy)
    assert bob.session_id == session.id

    first, second = to(host.email)
    assert [change_of(email) for email in (first, second)] == [BookingChange.BOOKED] * 2
    assert invite_facts(first)["uid"] == invite_facts(second)["uid"] == session.ical_uid
    assert invite_facts(first)["sequence"] < invite_facts(second)["sequence"]
    assert invite_facts(second)["sequence"] == session.sequence
    assert invite_attendees(first) == [IVY]
    assert invite_attendees(second) == [IVY, BOB]
    assert str(invite_event(second)["SUMMARY"]) == "Product tour (2 of 8 seats booked)"
    assert (invite_facts(second)["start"], invite_facts(second)["location"]) == (start, JOIN_URL)
    assert "Bob Second <bob@example.test>" in second.body  # who joined
    assert "Seats:     2 of 8 seats booked" in second.body

    (to_ivy,), (to_bob,) = to(IVY), to(BOB)
    assert (invite_facts(to_ivy)["uid"], invite_facts(to_ivy)["sequence"]) == (ivy.ical_uid, 0)
    assert (invite_facts(to_bob)["uid"], invite_facts(to_bob)["sequence"]) == (bob.ical_uid, 0)
    assert invite_attendees(to_bob) == [BOB]
    recorded = BookingEmail.objects.filter(audience=Audience.HOST).order_by("id")
    assert [(e.session_id, e.session_sequence) for e in recorded] == [
        (session.id, invite_facts(first)["sequence"]),
        (session.id, invite_facts(second)["sequence"]),
    ]


def test_a_cancelled_seat_updates_the_session_and_the_last_one_cancels_it(group, host, committed):
    """Cancelling one of two seats updates the host's session event: a REQUEST at a higher
    SEQUENCE with one attendee left. Cancelling the last sends a CANCEL of the session's
    UID. Each invitee's cancellation is of their own booking."""
    start = next_free_starts(group)[0]
    ivy = committed(book, group, start, email=IVY)
    bob = committed(book, group, start, email=BOB)
    session = session_of(ivy)
    both = invite_facts(to(host.email)[-1])["sequence"]

    committed(booking_cancel, booking=ivy, reason="Can't make it")
    update = to(host.email)[-1]
    assert change_of(update) == BookingChange.CANCELLED
    facts = invite_facts(update)
    assert (facts["method"], facts["uid"]) == ("REQUEST", session.ical_uid)
    assert facts["sequence"] > both
    assert invite_attendees(update) == [BOB]
    assert "1 of 8 seats booked" in str(invite_event(update)["SUMMARY"])
    assert facts["location"] == JOIN_URL  # the meeting Bob still joins
    assert "Can't make it" in update.body
    assert "updates it" in update.body
    ivy_cancelled = invite_facts(to(IVY)[-1])
    assert (ivy_cancelled["method"], ivy_cancelled["uid"]) == ("CANCEL", ivy.ical_uid)

    committed(booking_cancel, booking=bob)
    last = to(host.email)[-1]
    facts = invite_facts(last)
    assert (facts["method"], facts["uid"]) == ("CANCEL", session.ical_uid)
    assert facts["sequence"] > invite_facts(update)["sequence"]
    assert str(invite_event(last)["STATUS"]) == "CANCELLED"
    assert "removes the meeting from your calendar" in last.body
    assert (invite_facts(to(BOB)[-1])["method"], invite_facts(to(BOB)[-1])["uid"]) == (
        "CANCEL",
        bob.ical_uid,
    )
    assert len(to(host.email)) == 4  # one email per change


def test_a_seat_moved_to_another_session_updates_both_of_the_hosts_events(group, host, committed):
    """Ivy moves from the session she shares with Bob to another: the host's Rescheduled
    email carries the new session with Ivy in it, a Seat freed email the old one with Bob
    alone. When Bob follows, the old session is cancelled in the host's calendar."""
    first, later = next_free_starts(group, 3)[0], next_free_starts(group, 3)[2]
    ivy = committed(book, group, first, email=IVY)
    bob = committed(book, group, first, email=BOB)
    old = session_of(ivy)
    before = invite_facts(to(host.email)[-1])["sequence"]

    ivy = committed(booking_reschedule, booking=ivy, start=later)
    new = session_of(ivy)
    assert new.id != old.id
    emails = latest_two(host.email)
    moved, freed = emails[BookingChange.RESCHEDULED], emails[BookingChange.LEFT_SESSION]
    facts = invite_facts(moved)
    assert (facts["method"], facts["uid"], facts["start"]) == ("REQUEST", new.ical_uid, later)
    assert invite_attendees(moved) == [IVY]
    facts = invite_facts(freed)
    assert (facts["method"], facts["uid"], facts["start"]) == ("REQUEST", old.ical_uid, first)
    assert facts["sequence"] > before
    assert invite_attendees(freed) == [BOB]
    assert freed.subject.startswith("Seat freed: Product tour on ")
    assert "Ivy Invitee moved to another Product tour session." in freed.body
    assert (invite_facts(to(IVY)[-1])["uid"], invite_facts(to(IVY)[-1])["sequence"]) == (
        ivy.ical_uid,
        1,
    )
    assert told(IVY) == [(BookingChange.BOOKED, 0), (BookingChange.RESCHEDULED, 1)]

    updated_before = invite_facts(freed)["sequence"]
    committed(booking_reschedule, booking=bob, start=later)
    emails = latest_two(host.email)
    moved, freed = emails[BookingChange.RESCHEDULED], emails[BookingChange.LEFT_SESSION]
    assert invite_attendees(moved) == [IVY, BOB]
    assert invite_facts(moved)["uid"] == new.ical_uid
    facts = invite_facts(freed)
    assert (facts["method"], facts["uid"]) == ("CANCEL", old.ical_uid)
    assert facts["sequence"] > updated_before


def test_a_session_the_host_never_heard_of_gets_no_update(group, host, committed):
    """Ivy books and moves before any email went: the host hears of the move alone, with
    the session she moved to, and nothing of the one she left."""
    first, later = next_free_starts(group, 3)[0], next_free_starts(group, 3)[2]
    ivy = book(group, first, email=IVY)  # its emails not run
    committed(booking_reschedule, booking=ivy, start=later)
    (email,) = to(host.email)
    assert change_of(email) == BookingChange.RESCHEDULED
    assert invite_facts(email)["uid"] == session_of(Booking.objects.get(pk=ivy.pk)).ical_uid
    assert not GroupSessionEmail.objects.exists()


def test_the_hosts_update_of_a_session_left_goes_once(group, host, committed):
    """The task of the Seat freed email running again sends nothing more."""
    first, later = next_free_starts(group, 3)[0], next_free_starts(group, 3)[2]
    ivy = committed(book, group, first, email=IVY)
    committed(book, group, first, email=BOB)
    old = session_of(ivy)
    committed(booking_reschedule, booking=ivy, start=later)
    old.refresh_from_db()
    sent = len(to(host.email))
    send_group_session_left_email.call(old.id, old.sequence, ivy.id)
    assert len(to(host.email)) == sent
    assert list(GroupSessionEmail.objects.values_list("session", "sequence")) == [
        (old.id, old.sequence)
    ]


def test_a_refused_seat_freed_email_is_sent_again_later_and_once(
    group, host, smtp_server, committed
):
    """The mail server refuses the host: the Seat freed email is forgotten and its task
    runs again later; once the server takes it, it has gone exactly once."""
    first, later = next_free_starts(group, 3)[0], next_free_starts(group, 3)[2]
    ivy = committed(book, group, first, email=IVY)
    committed(book, group, first, email=BOB)
    old = session_of(ivy)
    smtp_server.refuse(host.email)
    committed(booking_reschedule, booking=ivy, start=later)
    assert not GroupSessionEmail.objects.exists()
    (retry,) = DBTaskResult.objects.filter(
        status="READY", task_path__endswith="send_group_session_left_email"
    )
    old.refresh_from_db()
    assert retry.args_kwargs["args"] == [old.id, old.sequence, ivy.id, 2]

    smtp_server.accept(host.email)
    for _ in range(2):  # the retry, and a late duplicate
        retry.task.call(*retry.args_kwargs["args"])
    freed = [e for e in smtp_server.to(host.email) if e.subject.startswith("Seat freed:")]
    assert len(freed) == 1
    assert GroupSessionEmail.objects.count() == 1


def test_a_late_link_reaches_the_hosts_session_event(
    group, host, provider, django_capture_on_commit_callbacks
):
    """The confirmation went before the meeting existed: the link's update of the host's
    session event is a REQUEST of its UID at a higher SEQUENCE, with the link."""
    provider.status = LinkStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        ivy = book(group, email=IVY)
    late = timezone.now() + timedelta(minutes=1)
    booking_email_send(
        booking_id=ivy.id, change=BookingChange.BOOKED, sequence=0, deadline=late, now=late
    )
    (confirmation,) = to(host.email)
    session = session_of(ivy)
    assert invite_facts(confirmation)["uid"] == session.ical_uid
    assert invite_facts(confirmation)["location"] == "Zoom"

    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(ivy.id)
    run_queued_tasks()
    update = to(host.email)[-1]
    assert change_of(update) == BookingChange.LINK_READY
    facts = invite_facts(update)
    assert (facts["method"], facts["uid"], facts["location"]) == (
        "REQUEST",
        session.ical_uid,
        JOIN_URL,
    )
    assert facts["sequence"] > invite_facts(confirmation)["sequence"]
    assert invite_facts(to(IVY)[-1])["uid"] == ivy.ical_uid


def test_a_session_whose_seats_meet_apart_names_no_ones_details(organization, host, committed):
    """Each seat of a phone group is a call to its own invitee: the host's session event
    lists the invitees, but puts no one's phone number in its location."""
    calls = make_event_type(
        organization, host, slug="calls", kind=EventType.Kind.GROUP, seats_per_session=4
    )
    start = next_free_starts(calls)[0]
    committed(book, calls, start, email=IVY, phone="+1 212 555 0100")
    committed(book, calls, start, email=BOB, phone="+1 212 555 0199")
    email = to(host.email)[-1]
    assert invite_attendees(email) == [IVY, BOB]
    assert invite_facts(email)["location"] == ""
    assert "+1 212 555 01" not in str(invite_event(email)["DESCRIPTION"])
    assert "Phone call: Hana Host calls +1 212 555 0199" in email.body  # who joined


def test_one_on_one_hosts_keep_an_event_per_booking(event_type, host, committed):
    """A one-on-one booking's host invite is the booking's own, as before."""
    booking = committed(book, event_type, email=IVY)
    (email,) = to(host.email)
    assert (invite_facts(email)["uid"], invite_facts(email)["sequence"]) == (
        booking.ical_uid,
        0,
    )
    assert str(invite_event(email)["SUMMARY"]) == "Intro call with Ivy Invitee"
    assert "Seats:" not in email.body
    assert BookingEmail.objects.get(audience=Audience.HOST).session_id is None


def test_a_group_booking_whose_host_had_its_own_invite_keeps_it(group, host, committed):
    """A seat booked before sessions had their own invite: its host's calendar holds the
    booking's event, so its cancellation cancels that event rather than leave it behind."""
    ivy = book(group, email=IVY)
    BookingEmail.objects.create(  # as emailed before: the booking's own invite
        booking=ivy, audience=Audience.HOST, sequence=0, change=BookingChange.BOOKED
    )
    BookingEmail.objects.create(
        booking=ivy, audience=Audience.INVITEE, sequence=0, change=BookingChange.BOOKED
    )
    send_booking_email.call(ivy.id, "booked", 0)
    assert to(host.email) == []  # told already
    committed(booking_cancel, booking=ivy)
    (cancelled,) = to(host.email)
    facts = invite_facts(cancelled)
    assert (facts["method"], facts["uid"], facts["sequence"]) == ("CANCEL", ivy.ical_uid, 1)


def test_a_whole_session_move_updates_a_seat_whose_host_had_its_own_invite(group, host, committed):
    """Moving the whole session: a seat whose host's calendar holds the booking's own event
    (emailed before sessions had theirs) still gets its own update to the host, which moves
    that event; the other seats are in the host's one email of the session moved."""
    first, later = next_free_starts(group, 5)[0], next_free_starts(group, 5)[4]
    old = book(group, first, email=IVY)
    for audience in Audience:  # as emailed before: the booking's own invite
        BookingEmail.objects.create(
            booking=old, audience=audience, sequence=0, change=BookingChange.BOOKED
        )
    committed(book, group, first, email=BOB, name="Bob Second")
    mail.outbox.clear()
    committed(group_session_reschedule, session=session_of(old), start=later, by=host)
    emails = {email.subject.split(":", 1)[0]: email for email in to(host.email)}
    assert sorted(emails) == ["Rescheduled", "Session moved"]
    own = invite_facts(emails["Rescheduled"])
    assert (own["uid"], own["sequence"], own["start"]) == (old.ical_uid, 1, later)
    moved = emails["Session moved"].body
    assert "Moved with it (1)" in moved
    assert "- Bob Second <bob@example.test>" in moved
