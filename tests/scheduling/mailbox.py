"""Reading what the product emailed, as its recipients would: from Django's test outbox
(the test settings use the locmem backend), each email parsed from its wire form."""

import re
from email import message_from_bytes, policy
from urllib.parse import urlsplit

from django.core import mail
from django.core.mail import EmailMessage
from icalendar import Calendar, Event

from slotlink.notifications.messages import BookingChange

INVITEE_EMAIL = "ivy@example.test"  # the builders' default invitee

# What a subject's prefix says happened, to the invitee or the host.
_SUBJECT_CHANGES = {
    "Confirmed": BookingChange.BOOKED,
    "New booking": BookingChange.BOOKED,
    "Updated": BookingChange.RESCHEDULED,
    "Rescheduled": BookingChange.RESCHEDULED,
    "Cancelled": BookingChange.CANCELLED,
    "Seat freed": BookingChange.LEFT_SESSION,
}


def to(address: str) -> list[EmailMessage]:
    """The emails sent to `address`, oldest first."""
    return [email for email in mail.outbox if any(address in r for r in email.to)]


def invite_of(email: EmailMessage) -> Calendar:
    """The attached invite.ics, parsed from the email as it goes over the wire."""
    parsed = message_from_bytes(email.message().as_bytes(), policy=policy.default)
    (part,) = [p for p in parsed.iter_attachments() if p.get_filename() == "invite.ics"]
    return Calendar.from_ical(part.get_payload(decode=True))


def invite_facts(email: EmailMessage) -> dict[str, object]:
    calendar = invite_of(email)
    (event,) = calendar.walk("VEVENT")
    return {
        "method": str(calendar["METHOD"]),
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "start": event.decoded("DTSTART"),
        "end": event.decoded("DTEND"),
        "location": str(event.get("LOCATION", "")),
    }


def invite_event(email: EmailMessage) -> Event:
    """The one event of the attached invite.ics."""
    (event,) = invite_of(email).walk("VEVENT")
    return event


def invite_attendees(email: EmailMessage) -> list[str]:
    """The addresses the invite's event lists as attendees, the host (CHAIR) left out."""
    return [
        str(address).removeprefix("mailto:")
        for address in invite_event(email).attendees
        if address.params.get("ROLE") != "CHAIR"
    ]


def change_of(email: EmailMessage) -> BookingChange:
    """Which change an email tells of, read from its subject."""
    prefix = email.subject.split(":", 1)[0]
    if prefix.endswith(" link for"):  # "Zoom link for: ..."
        return BookingChange.LINK_READY
    return _SUBJECT_CHANGES[prefix]


def told(address: str) -> list[tuple[BookingChange, int]]:
    """(change, invite SEQUENCE) of each email `address` got, oldest first."""
    return [(change_of(email), int(invite_facts(email)["sequence"])) for email in to(address)]


def link_url(email: EmailMessage, kind: str) -> str:
    """The reschedule or cancel link in the email's text."""
    match = re.search(rf"https?://\S+/booking/\S+/{kind}", email.body)
    assert match, email.body
    return match.group(0)


def link_in(email: EmailMessage, kind: str) -> str:
    """The path of the reschedule or cancel link in the email's text."""
    return urlsplit(link_url(email, kind)).path
