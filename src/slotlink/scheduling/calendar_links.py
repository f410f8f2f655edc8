"""The confirmation page's add-to-calendar links: Google's and Outlook's "new event" pages
filled in with the invitee's view of the booking, and the .ics for everything else.

The event's text is the invite's (title with the host, the join link the invitee's emails
carry), so the three agree with the email. Every value is percent-encoded as UTF-8
(`urlencode`), so titles in any script, right-to-left ones too, arrive as written.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from slotlink.scheduling.locations import BookingLink
from slotlink.scheduling.models import Booking

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_LIVE = "https://outlook.live.com/calendar/0/action/compose"
OUTLOOK_OFFICE = "https://outlook.office.com/calendar/0/action/compose"


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook: str
    office365: str


def _google_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _outlook_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def calendar_links(*, booking: Booking, link: BookingLink) -> CalendarLinks:
    """`link` is the invitee's (`booking_link_for`): its join link may be their own."""
    title = f"{booking.event_type.title} with {booking.host.get_full_name()}"
    location = link.join_url or link.location_text
    notes = [booking.event_type.description] if booking.event_type.description else []
    if link.join_url:
        notes.append(f"Join: {link.join_url}")
        if link.passcode:
            notes.append(f"Passcode: {link.passcode}")
    details = "\n\n".join(notes)
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_google_time(booking.start)}/{_google_time(booking.end)}",
        "details": details,
        "location": location,
    }
    outlook = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": _outlook_time(booking.start),
            "enddt": _outlook_time(booking.end),
            "body": details,
            "location": location,
        }
    )
    return CalendarLinks(
        google=f"{GOOGLE}?{urlencode(google)}",
        outlook=f"{OUTLOOK_LIVE}?{outlook}",
        office365=f"{OUTLOOK_OFFICE}?{outlook}",
    )
