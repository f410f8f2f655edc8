"""Reminders go before a booking starts, worked out from the booking as it is when the job
runs (the tests pass the job their own clock): once each, to the invitee and, when the host
asked, the host; with the join link as it is then and manage links that work; never for a
cancelled booking, never for the time a booking moved from, and not when the booking (or
the reminder) came after the reminder's time."""

from datetime import datetime, timedelta
from html import unescape

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone

from slotlink.core.times import long_when
from slotlink.scheduling.models import Booking, BookingEvent, EventType
from slotlink.scheduling.reminders.models import Reminder, ReminderEmail
from slotlink.scheduling.reminders.services import reminder_add
from slotlink.scheduling.selectors import free_slots
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.tasks import reminders_send_due
from slotlink.zoom.locations import ZOOM, ZOOM_WEBINAR
from tests.scheduling.builders import book, make_event_type, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL, link_url

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = timedelta(hours=1)
LONG_AGO = timezone.now() - timedelta(days=30)


def starts_after(event_type: EventType, after: timedelta, count: int = 1) -> list[datetime]:
    """Free starts at least `after` from now."""
    now = timezone.now()
    slots = free_slots(
        event_type=event_type, since=now + after, until=now + after + timedelta(days=3), now=now
    )
    return [slot.start for slot in slots[:count]]


def with_reminder(event_type: EventType, minutes: int, *, to_host: bool = False) -> Reminder:
    """A reminder the host set long ago (so it existed before any booking's reminder time)."""
    reminder = reminder_add(event_type=event_type, minutes_before=minutes, to_host=to_host)
    Reminder.objects.filter(pk=reminder.pk).update(created_at=LONG_AGO)
    return reminder


def booked(event_type: EventType, start: datetime, **fields: str) -> Booking:
    """A booking whose own emails went already: the outbox holds only what follows."""
    booking = book(event_type, start, **fields)
    run_queued_tasks()
    mail.outbox.clear()
    return booking


def remind(now: datetime) -> list[EmailMessage]:
    """The job at `now`, then the emails it queued, as workers would run them."""
    reminders_send_due(now=now)
    run_queued_tasks()
    sent = [email for email in mail.outbox if email.subject.startswith("Reminder:")]
    mail.outbox.clear()
    return sent


def recipients(emails: list[EmailMessage]) -> list[str]:
    return sorted(address for email in emails for address in email.to)


@pytest.fixture
def one_hour(event_type) -> Reminder:
    return with_reminder(event_type, 60)


def test_a_new_event_type_has_no_reminders(event_type):
    """Like Calendly and Cal.com: a new event type reminds nobody until its host sets one."""
    (start,) = starts_after(event_type, 3 * HOUR)
    booked(event_type, start)
    assert remind(start - 30 * timedelta(minutes=1)) == []
    assert not event_type.reminders.exists()


def test_the_invitee_is_reminded_once_at_its_time_with_links_that_work(event_type, one_hour):
    """Nothing before the hour; then one email, in the invitee's zone, whose reschedule and
    cancel links open their pages; the job running again sends nothing more."""
    (start,) = starts_after(event_type, 3 * HOUR)
    booking = booked(event_type, start)
    assert remind(start - HOUR - timedelta(minutes=1)) == []
    (reminder,) = remind(start - HOUR + timedelta(minutes=1))
    assert reminder.to == [f"Ivy Invitee <{INVITEE_EMAIL}>"]
    assert reminder.subject.startswith("Reminder: Intro call with Hana Host on ")
    assert long_when(booking.start, booking.end, time_zone="America/New_York") in reminder.body
    assert "Hana Host" in reminder.body
    client = Client()
    cancel_page = client.get(link_url(reminder, "cancel"))
    assert cancel_page.status_code == 200
    assert "Cancel" in unescape(cancel_page.content.decode())
    assert client.get(link_url(reminder, "reschedule")).status_code == 200
    assert reminder.attachments == []  # no invite: a reminder changes no calendar
    assert remind(start - HOUR + timedelta(minutes=2)) == []
    assert remind(start - timedelta(minutes=31)) == []


def test_the_bookings_page_lists_the_reminders_that_went(event_type, host, member_client):
    """Its host reads on the booking's page which reminders went, to whom and when; a
    co-worker of the organization can't open the page."""
    with_reminder(event_type, 60, to_host=True)
    (start,) = starts_after(event_type, 3 * HOUR)
    booking = booked(event_type, start)
    client = Client()
    client.force_login(host)
    page = unescape(client.get(f"/360/bookings/{booking.id}").content.decode())
    assert "Reminders sent" not in page
    remind(start - 50 * timedelta(minutes=1))
    page = unescape(client.get(f"/360/bookings/{booking.id}").content.decode())
    assert "1 hour before, to the invitee" in page
    assert "1 hour before, to the host" in page
    assert member_client.get(f"/360/bookings/{booking.id}").status_code == 404


def test_the_host_is_reminded_too_when_asked_in_their_own_zone(event_type, host):
    """The host's reminder names the invitee and links the booking's page, never the
    invitee's manage links."""
    with_reminder(event_type, 24 * 60, to_host=True)
    (start,) = starts_after(event_type, 26 * HOUR)
    booking = booked(event_type, start)
    emails = remind(start - 23 * HOUR)
    assert recipients(emails) == sorted(
        [f"Hana Host <{host.email}>", f"Ivy Invitee <{INVITEE_EMAIL}>"]
    )
    (for_host,) = [email for email in emails if host.email in email.to[0]]
    assert long_when(booking.start, booking.end, time_zone="Europe/Berlin") in for_host.body
    assert f"/360/bookings/{booking.id}" in for_host.body
    assert "/booking/" not in for_host.body
    assert "Ivy Invitee <ivy@example.test>" in for_host.body


def test_a_reminder_late_by_more_than_half_its_lead_is_dropped(event_type, one_hour):
    """A worker down for most of the hour doesn't send the 1-hour reminder 10 minutes
    before: it goes until half an hour before, no later."""
    (start,) = starts_after(event_type, 3 * HOUR)
    booked(event_type, start)
    assert remind(start - timedelta(minutes=29)) == []
    assert len(remind(start - timedelta(minutes=31))) == 1


def test_a_cancelled_booking_gets_no_reminder(event_type, one_hour):
    """Cancelled before the reminder's time, or after the job claimed it but before it
    went: nothing is sent."""
    first, second = starts_after(event_type, 3 * HOUR, count=2)
    booking_cancel(booking=booked(event_type, first))
    assert remind(first - timedelta(minutes=45)) == []
    claimed = booked(event_type, second, email="bob@example.test")
    assert reminders_send_due(now=second - timedelta(minutes=45))
    booking_cancel(booking=claimed)
    run_queued_tasks()
    assert [email for email in mail.outbox if email.subject.startswith("Reminder:")] == []
    assert ReminderEmail.objects.get().sent_at is None


def test_a_moved_booking_is_reminded_of_its_new_time_only(event_type, one_hour):
    """The old time's reminder doesn't go, also when the job had claimed it before the
    move; the new time's does, with the new time."""
    first, *_, later = starts_after(event_type, 3 * HOUR, count=10)
    booking = booked(event_type, first)
    assert reminders_send_due(now=first - timedelta(minutes=45))  # claimed, not yet sent
    booking_reschedule(booking=booking, start=later)
    run_queued_tasks()
    assert [email for email in mail.outbox if email.subject.startswith("Reminder:")] == []
    mail.outbox.clear()
    assert remind(first - timedelta(minutes=40)) == []
    booking.refresh_from_db()
    (reminder,) = remind(later - timedelta(minutes=45))
    assert long_when(later, booking.end, time_zone="America/New_York") in reminder.body


def test_a_booking_made_after_the_reminders_time_gets_none(event_type):
    """Booked 3 hours ahead: no 24-hour reminder (its time had passed when it was booked),
    but the 1-hour one."""
    with_reminder(event_type, 24 * 60)
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, 3 * HOUR)
    booked(event_type, start)
    assert remind(start - 13 * HOUR) == []
    assert len(remind(start - 45 * timedelta(minutes=1))) == 1


def test_a_booking_moved_after_the_reminders_time_gets_none(event_type, one_hour):
    """Moved to a start under an hour after the move: its 1-hour reminder's time had
    passed when the booking got that start."""
    first, later = starts_after(event_type, 3 * HOUR, count=2)
    booking = booked(event_type, first)
    booking_reschedule(booking=booking, start=later)
    run_queued_tasks()
    BookingEvent.objects.filter(kind=BookingEvent.Kind.RESCHEDULED).update(
        at=later - timedelta(minutes=50)
    )
    assert remind(later - timedelta(minutes=40)) == []


def test_a_reminder_added_after_its_time_doesnt_go(event_type):
    """A host adding a 1-hour reminder 40 minutes before a booking doesn't send it then."""
    (start,) = starts_after(event_type, 3 * HOUR)
    booked(event_type, start)
    reminder_add(event_type=event_type, minutes_before=60, to_host=True)
    Reminder.objects.update(created_at=start - timedelta(minutes=40))
    assert remind(start - timedelta(minutes=35)) == []


def test_each_seat_of_a_group_session_is_reminded_and_its_host_once(
    organization, host, webinar_provider
):
    """Three seats: three invitees' reminders, each with their own join link, and one for
    the host about the session and its seats, without anyone's personal link."""
    group = make_event_type(
        organization,
        host,
        slug="webinar",
        title="Product webinar",
        kind=EventType.Kind.GROUP,
        seats_per_session=5,
        location_kind=ZOOM_WEBINAR,
    )
    with_reminder(group, 60, to_host=True)
    (start,) = starts_after(group, 3 * HOUR)
    for name in ("ivy", "bob", "cy"):
        booked(group, start, email=f"{name}@example.test", name=name.title())
    emails = remind(start - timedelta(minutes=50))
    assert len(emails) == 4
    invitees = [email for email in emails if host.email not in email.to[0]]
    assert sorted(email.to[0].split("<")[1] for email in invitees) == [
        "bob@example.test>",
        "cy@example.test>",
        "ivy@example.test>",
    ]
    assert all(webinar_provider.join_url in email.body for email in invitees)
    (for_host,) = [email for email in emails if host.email in email.to[0]]
    assert webinar_provider.join_url not in for_host.body
    assert "3 of 5 seats booked" in for_host.subject
    assert all(f"{name}@example.test" in for_host.body for name in ("ivy", "bob", "cy"))
    assert remind(start - timedelta(minutes=45)) == []


def test_the_reminder_carries_the_link_as_it_is_when_sent(event_type, provider):
    """The join link is read when the reminder goes: a link changed since the booking's
    confirmation is the one the reminder carries."""
    EventType.objects.filter(pk=event_type.pk).update(location_kind=ZOOM)
    event_type.refresh_from_db()
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, 3 * HOUR)
    booked(event_type, start)
    provider.join_url = "https://zoom.example.test/j/456-new"
    (reminder,) = remind(start - timedelta(minutes=50))
    assert "https://zoom.example.test/j/456-new" in reminder.body
    assert "/j/123" not in reminder.body
