"""The invitee's guests are part of the booking in every calendar: each invite (the
invitee's, the host's and the guests' own; a new booking, a new time, a cancellation)
lists them as attendees. Through a real mail server, the invites parsed with icalendar."""

import pytest
from icalendar import Calendar

from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from tests.notifications.smtp_server import Received, SMTPServer
from tests.scheduling.builders import book, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL

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
