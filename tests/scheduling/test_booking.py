"""Booking, rescheduling and cancelling through the services, and what each change records."""

from datetime import time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.models import Booking, BookingEvent, EventType, GroupSession
from slotlink.scheduling.selectors import free_slots
from slotlink.scheduling.services.bookings import (
    BookingError,
    LinkExpired,
    SlotUnavailable,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from slotlink.scheduling.services.event_types import availability_replace
from slotlink.scheduling.slots import SlotProblem
from slotlink.scheduling.tasks import send_booking_email
from tests.scheduling.builders import (
    book,
    invitee,
    make_event_type,
    make_host,
    next_free_starts,
    run_queued_tasks,
)
from tests.scheduling.mailbox import INVITEE_EMAIL, invite_facts, link_in, to, told

pytestmark = pytest.mark.django_db


def test_a_booking_takes_the_slot_and_records_who_booked_it(event_type):
    """Booking a free slot confirms it, with end, UID, SEQUENCE 0 and a "booked" entry."""
    start = next_free_starts(event_type)[0]
    booking = book(event_type, start, name="Ivy Invitee")
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.end - booking.start == timedelta(minutes=30)
    assert booking.host == event_type.host
    assert booking.sequence == 0
    assert booking.ical_uid.endswith("@127.0.0.1")
    (entry,) = booking.history.all()
    assert (entry.kind, entry.actor, entry.actor_name, entry.start) == (
        "booked",
        None,
        "Ivy Invitee",
        start,
    )
    assert start not in [
        slot.start
        for slot in free_slots(
            event_type=event_type, since=start, until=start + timedelta(hours=1), now=timezone.now()
        )
    ]


def test_a_booked_slot_cannot_be_booked_again(event_type):
    """The second invitee for the same one-on-one time is refused: it was just taken."""
    start = next_free_starts(event_type)[0]
    book(event_type, start)
    with pytest.raises(SlotUnavailable) as refused:
        book(event_type, start, email="second@example.test")
    assert refused.value.problem == SlotProblem.TAKEN
    assert refused.value.message == "That time was just taken. Please pick another."
    assert Booking.objects.count() == 1


def test_a_host_is_busy_across_all_their_event_types(organization, host, event_type):
    """A booking of one event type blocks the overlapping times of the host's others,
    including the larger buffer."""
    other = make_event_type(organization, host, slug="long", duration_minutes=60, buffer_minutes=15)
    # Midday in the host's zone, so the hour before stays inside the day's hours whenever
    # the test runs (they end at 23:59), and far enough ahead that the earliest time tried
    # below has not passed (run at 10:44 in Berlin, today's noon is too close).
    berlin = ZoneInfo("Europe/Berlin")
    earliest = timezone.now() + timedelta(hours=2)
    start = next(
        s
        for s in next_free_starts(event_type, 96)
        if s.astimezone(berlin).hour == 12 and s - timedelta(hours=1, minutes=30) > earliest
    )
    book(event_type, start)
    with pytest.raises(SlotUnavailable):
        book(other, start - timedelta(minutes=30))
    with pytest.raises(SlotUnavailable):  # ends as the booking starts, but the buffer
        book(other, start - timedelta(hours=1))
    assert book(other, start - timedelta(hours=1, minutes=30)).event_type == other


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        (-timedelta(days=1), SlotProblem.PAST),
        (timedelta(days=90), SlotProblem.TOO_FAR),
        (timedelta(minutes=7), SlotProblem.OUTSIDE_HOURS),
    ],
)
def test_times_that_are_not_offered_are_refused_and_change_nothing(event_type, when, problem):
    """Past times, times beyond the horizon and times off the hours are refused with words
    a person can act on, and nothing is written."""
    start = next_free_starts(event_type)[0] + when
    with pytest.raises(SlotUnavailable) as refused:
        book(event_type, start)
    assert refused.value.problem == problem
    assert not Booking.objects.exists()
    assert not BookingEvent.objects.exists()


def test_minimum_notice_is_enforced(organization, host):
    """A time sooner than the event type's notice can't be booked."""
    event_type = make_event_type(organization, host, minimum_notice_minutes=24 * 60)
    soon = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=3)
    with pytest.raises(SlotUnavailable) as refused:
        book(event_type, soon)
    assert refused.value.problem == SlotProblem.TOO_SOON


def test_times_outside_the_hosts_hours_are_refused(organization, host):
    """Hours are the host's wall clock: with only 09:00-10:00, 11:00 is refused."""
    event_type = make_event_type(organization, host, always_open=False)
    availability_replace(host=host, intervals=[(d, time(9), time(10)) for d in range(7)])
    nine = next_free_starts(event_type, days=3)[0]
    with pytest.raises(SlotUnavailable) as refused:
        book(event_type, nine + timedelta(hours=2))
    assert refused.value.problem == SlotProblem.OUTSIDE_HOURS


def test_group_sessions_fill_up_to_their_capacity(organization, host):
    """Three seats: three invitees share one session, the fourth is told it filled up."""
    group = make_event_type(
        organization, host, kind=EventType.Kind.GROUP, seats_per_session=3, slug="group"
    )
    start = next_free_starts(group)[0]
    bookings = [book(group, start, email=f"seat{n}@example.test") for n in range(3)]
    (session,) = GroupSession.objects.all()
    assert {b.session_id for b in bookings} == {session.id}
    assert session.capacity == 3
    with pytest.raises(SlotUnavailable) as refused:
        book(group, start, email="fourth@example.test")
    assert refused.value.message == "That session just filled up. Please pick another time."
    slots = free_slots(
        event_type=group, since=start, until=start + timedelta(hours=2), now=timezone.now()
    )
    assert start not in [slot.start for slot in slots]


def test_group_slots_show_the_seats_left_and_a_cancelled_seat_frees_up(organization, host):
    """A session's slot shows seats left; cancelling a booking gives its seat back."""
    group = make_event_type(
        organization, host, kind=EventType.Kind.GROUP, seats_per_session=2, slug="group"
    )
    start = next_free_starts(group)[0]
    first = book(group, start)

    def seats() -> int | None:
        now = timezone.now()
        slots = free_slots(
            event_type=group, since=start, until=start + timedelta(minutes=1), now=now
        )
        return slots[0].seats_left if slots else None

    assert seats() == 1
    book(group, start, email="second@example.test")
    assert seats() is None
    booking_cancel(booking=first)
    assert seats() == 1


def test_reschedule_moves_the_same_booking_and_bumps_the_sequence(event_type):
    """The booking keeps its id and UID, gets a new time, SEQUENCE 1 and a history entry;
    its old time is free again."""
    old, new = next_free_starts(event_type, 3)[0], next_free_starts(event_type, 3)[2]
    booking = book(event_type, old)
    moved = booking_reschedule(booking=booking, start=new)
    assert (moved.id, moved.ical_uid) == (booking.id, booking.ical_uid)
    assert (moved.start, moved.end, moved.sequence) == (new, new + timedelta(minutes=30), 1)
    entry = moved.history.last()
    assert (entry.kind, entry.previous_start, entry.start, entry.sequence) == (
        "rescheduled",
        old,
        new,
        1,
    )
    assert book(event_type, old, email="next@example.test").start == old


def test_reschedule_can_overlap_its_own_old_time(event_type):
    """Moving by 30 minutes into a time the booking itself blocks is allowed."""
    starts = next_free_starts(event_type, 2)
    booking = book(event_type, starts[0])
    assert booking_reschedule(booking=booking, start=starts[1]).start == starts[1]


def test_an_hour_long_booking_moves_half_an_hour_into_its_own_time(organization, host):
    """The booking being moved doesn't block itself: an hour-long booking moves 30 minutes
    later, into the half hour it still holds, and the times around it are as before."""
    event_type = make_event_type(organization, host, slug="hour", duration_minutes=60)
    # Two starts half an hour apart on one day: late in the day, the last start of the day
    # is followed by the next morning's.
    starts = next_free_starts(event_type, 96)
    first, half_past = next((a, b) for a, b in pairwise(starts) if b - a == timedelta(minutes=30))
    booking = book(event_type, first)
    moved = booking_reschedule(booking=booking, start=half_past)
    assert (moved.start, moved.end) == (half_past, half_past + timedelta(hours=1))
    with pytest.raises(SlotUnavailable):
        book(event_type, first, email="other@example.test")


def test_reschedule_into_a_taken_time_or_its_own_time_is_refused(event_type):
    """A taken time is refused as taken; the booking's own time asks for another."""
    first, second = next_free_starts(event_type, 2)
    booking = book(event_type, first)
    book(event_type, second, email="other@example.test")
    with pytest.raises(SlotUnavailable):
        booking_reschedule(booking=booking, start=second)
    with pytest.raises(BookingError, match="already the booking's time"):
        booking_reschedule(booking=booking, start=first)
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (first, 0)


def test_cancel_records_who_and_why_and_frees_the_time(event_type, host):
    """A host's cancel records the host, the reason and a higher SEQUENCE."""
    booking = book(event_type)
    cancelled = booking_cancel(booking=booking, reason="Travelling", by=host)
    assert cancelled.status == Booking.Status.CANCELLED
    assert (cancelled.sequence, cancelled.cancelled_by_host, cancelled.cancel_reason) == (
        1,
        True,
        "Travelling",
    )
    entry = cancelled.history.last()
    assert (entry.kind, entry.actor, entry.reason) == ("cancelled", host, "Travelling")
    assert book(event_type, booking.start, email="next@example.test")


def test_a_cancelled_booking_cannot_be_cancelled_or_moved_again(event_type):
    """Changing a cancelled booking is refused and changes nothing."""
    booking = booking_cancel(booking=book(event_type))
    with pytest.raises(BookingError, match="was cancelled"):
        booking_cancel(booking=booking)
    with pytest.raises(BookingError, match="was cancelled"):
        booking_reschedule(booking=booking, start=next_free_starts(event_type)[0])
    assert booking.history.count() == 2


def test_a_booking_that_started_cannot_be_changed(event_type):
    """Once a booking has started, it can't be moved or cancelled."""
    booking = book(event_type)
    later = booking.start + timedelta(minutes=1)
    with pytest.raises(BookingError, match="already started"):
        booking_cancel(booking=booking, now=later)
    with pytest.raises(BookingError, match="already started"):
        booking_reschedule(booking=booking, start=booking.start + timedelta(hours=2), now=later)


def test_over_long_invitee_fields_are_refused_by_the_service_too(event_type):
    """Even without the form, a name over 100 characters writes nothing."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        booking_create(
            event_type=event_type,
            start=next_free_starts(event_type)[0],
            invitee=invitee(name="x" * 101),
        )
    assert not Booking.objects.exists()


def test_bookings_of_an_event_type_follow_the_host_at_booking_time(organization, event_type):
    """Changing an event type's host leaves existing bookings with their host."""
    from slotlink.scheduling.services.event_types import event_type_update

    booking = book(event_type)
    new_host = make_host(organization, full_name="Nina New")
    event_type_update(event_type=event_type, host=new_host)
    booking.refresh_from_db()
    assert booking.host != new_host


def test_each_change_enqueues_its_email_after_commit(
    event_type, host, django_capture_on_commit_callbacks
):
    """Booked, rescheduled and cancelled each email once, after the transaction commits,
    with the SEQUENCE the change produced."""
    first, second = next_free_starts(event_type, 3)[0], next_free_starts(event_type, 3)[2]
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(event_type, first)
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booking, start=second)
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, reason="Sorry")
    run_queued_tasks()
    assert (
        told(INVITEE_EMAIL)
        == told(host.email)
        == [
            (BookingChange.BOOKED, 0),
            (BookingChange.RESCHEDULED, 1),
            (BookingChange.CANCELLED, 2),
        ]
    )
    assert {invite_facts(email)["uid"] for email in mail.outbox} == {booking.ical_uid}


def test_nothing_is_emailed_for_a_booking_that_was_refused(
    event_type, django_capture_on_commit_callbacks
):
    """The email is enqueued on commit: a refused booking rolls back and enqueues nothing."""
    start = next_free_starts(event_type)[0]
    book(event_type, start)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(SlotUnavailable):
        book(event_type, start)
    assert callbacks == []


def test_a_change_through_a_link_that_stopped_working_changes_nothing(event_type):
    """The services check the invitee's link under the lock: one already used, or replaced
    by a newer email's, is refused in words and the booking stays as it was."""
    booking = book(event_type)
    send_booking_email.call(booking.id, "booked", 0)
    email = to(INVITEE_EMAIL)[-1]
    reschedule = link_in(email, "reschedule").split("/")[2]
    cancel = link_in(email, "cancel").split("/")[2]
    later = next_free_starts(event_type, 3)[2]
    booking_reschedule(booking=booking, start=later, link_token=reschedule)
    for attempt in (
        lambda: booking_reschedule(booking=booking, start=booking.start, link_token=reschedule),
        lambda: booking_cancel(booking=booking, link_token=cancel),
        lambda: booking_cancel(booking=booking, link_token=reschedule),  # the wrong purpose
    ):
        with pytest.raises(LinkExpired, match="This link doesn't work anymore"):
            attempt()
    booking.refresh_from_db()
    assert (booking.start, booking.sequence, booking.status) == (later, 1, "confirmed")
    assert booking.history.count() == 2
