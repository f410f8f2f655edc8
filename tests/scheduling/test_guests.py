"""The invitee's guests are part of the booking in every calendar: each invite (the
invitee's, the host's and the guests' own; a new booking, a new time, a cancellation)
lists them as attendees. And each guest gets each of the invitee's reminders, once, as a
guest reads it: no link to change or cancel the booking. Through a real mail server, the
invites parsed with icalendar."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.conf import settings
from icalendar import Calendar

from slotlink.notifications.messages import BookingChange
from slotlink.notifications.reminders import guest_reminder_email
from slotlink.scheduling.locations import booking_link_for
from slotlink.scheduling.messages import booking_message
from slotlink.scheduling.reminders.models import ReminderEmail
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.tasks import reminders_send_due
from tests.fixtures.task_queue import drop_queued_tasks
from tests.notifications.smtp_server import Received, SMTPServer
from tests.scheduling.builders import book, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL
from tests.scheduling.test_reminders import booked, starts_after, with_reminder

pytestmark = pytest.mark.django_db(transaction=True)

GUESTS = ("ann@example.test", "bo@example.test")


def invite(received: Received) -> Calendar:
    (part,) = [p for p in received.message.iter_attachments() if p.get_filename() == "invite.ics"]
    return Calendar.from_ical(part.get_payload(decode=True))


def attendees(calendar: Calendar) -> dict[str, dict[str, str]]:
    """Each attendee's address, with the parameters a calendar reads."""
    (event,) = calendar.walk("VEVENT")
    listed = event.get("ATTENDEE", [])
    listed = listed if isinstance(listed, list) else [listed]
    return {
        str(address).removeprefix("mailto:"): {
            name: str(address.params.get(name, "")) for name in ("ROLE", "PARTSTAT", "RSVP", "CN")
        }
        for address in listed
    }


def test_every_invite_lists_the_guests_as_attendees(event_type, host, smtp_server: SMTPServer):
    """Booked, moved, cancelled: the invitee's, the host's and each guest's invite name
    both guests (a participant whose answer nobody asks for, named by their address),
    beside the invitee and the host."""
    booking = book(event_type, guests=GUESTS)
    run_queued_tasks()
    booking_reschedule(booking=booking, start=next_free_starts(event_type, 3)[2])
    run_queued_tasks()
    booking_cancel(booking=booking)
    run_queued_tasks()
    for address in (INVITEE_EMAIL, host.email, *GUESTS):
        invites = [invite(received) for received in smtp_server.to(address)]
        assert [str(calendar["METHOD"]) for calendar in invites] == [
            "REQUEST",
            "REQUEST",
            "CANCEL",
        ], address
        for calendar in invites:
            listed = attendees(calendar)
            assert set(listed) == {INVITEE_EMAIL, host.email, *GUESTS}, address
            for guest in GUESTS:
                assert listed[guest] == {
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "FALSE",
                    "CN": guest,
                }


MINUTE = timedelta(minutes=1)


def reminders(server: SMTPServer, address: str) -> list[Received]:
    return [received for received in server.to(address) if received.subject.startswith("Reminder:")]


def test_each_guest_gets_each_reminder_once_without_the_invitees_links(
    event_type, smtp_server: SMTPServer
):
    """An hour before: the invitee's reminder with their links, and one email to each
    guest, from the host via slotlink, replying to the invitee, saying who invited them,
    without any link to change or cancel the booking; the job running again sends
    nothing more."""
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, timedelta(hours=3))
    booked(event_type, start, guests=GUESTS)
    reminders_send_due(now=start - 59 * MINUTE)
    run_queued_tasks()
    reminders_send_due(now=start - 58 * MINUTE)
    run_queued_tasks()
    (for_invitee,) = reminders(smtp_server, INVITEE_EMAIL)
    assert "/booking/" in for_invitee.text
    for guest in GUESTS:
        (reminder,) = reminders(smtp_server, guest)
        message = reminder.message
        assert str(message["To"]) == guest
        assert "ivy@example.test" in str(message["Reply-To"])
        assert reminder.subject == for_invitee.subject
        assert "Ivy Invitee invited you to, is coming up." in reminder.text
        html = message.get_body(preferencelist=("html",))
        assert html is not None
        for part in (reminder.text, html.get_content()):
            assert "/booking/" not in part
            assert "Reschedule" not in part
            assert "Cancel:" not in part
    assert ReminderEmail.objects.filter(guest__in=GUESTS, sent_at__isnull=False).count() == 2


def test_a_guests_reminder_whose_task_was_lost_goes_once(event_type, smtp_server: SMTPServer):
    """The guests' reminders are claimed each under its own key: lost with the queue, the
    job after a mail lease queues each again, and each guest gets one."""
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, timedelta(hours=3))
    booked(event_type, start, guests=GUESTS)
    claimed_at = start - 59 * MINUTE
    assert len(reminders_send_due(now=claimed_at)) == 3
    drop_queued_tasks()
    later = claimed_at + timedelta(seconds=settings.EMAIL_CLAIM_LEASE_SECONDS) + MINUTE
    reminders_send_due(now=later)
    run_queued_tasks()
    reminders_send_due(now=later + timedelta(seconds=settings.EMAIL_CLAIM_LEASE_SECONDS) + MINUTE)
    run_queued_tasks()
    assert [len(reminders(smtp_server, address)) for address in (INVITEE_EMAIL, *GUESTS)] == [
        1,
        1,
        1,
    ]


def test_the_guests_of_a_cancelled_booking_get_no_reminder(event_type, smtp_server: SMTPServer):
    """Cancelled after the job claimed the reminders: neither the invitee nor a guest gets
    one."""
    with_reminder(event_type, 60)
    (start,) = starts_after(event_type, timedelta(hours=3))
    booking = booked(event_type, start, guests=GUESTS)
    assert len(reminders_send_due(now=start - 59 * MINUTE)) == 3
    booking_cancel(booking=booking)
    run_queued_tasks()
    assert [len(reminders(smtp_server, address)) for address in (INVITEE_EMAIL, *GUESTS)] == [
        0,
        0,
        0,
    ]


def test_a_guests_reminder_never_carries_the_invitees_links(event_type):
    """Built from the invitee's reminder with their manage links and their personal join
    link (a webinar registrant's): the guest's has none of them, and says why no link."""
    booking = book(event_type, guests=GUESTS)
    message = replace(
        booking_message(
            booking=booking, change=BookingChange.BOOKED, link=booking_link_for(booking)
        ),
        reschedule_url="https://slotlink.example.test/booking/r/ivy-only",
        cancel_url="https://slotlink.example.test/booking/c/ivy-only",
        join_url="https://zoom.example.test/w/1?tk=ivy-only",
        passcode="ivy",
        personal_link=True,
    )
    email = guest_reminder_email(message=message, guest=GUESTS[0])
    assert email.to == [GUESTS[0]]
    html = next(str(body) for body, kind in email.alternatives if kind == "text/html")
    for part in (email.body, html):
        assert "ivy-only" not in part
    assert "Ivy Invitee's join link is theirs alone: to attend, book a seat of your own." in (
        email.body
    )
