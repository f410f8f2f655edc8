"""What notifications need to know about a booking, as plain data.

Scheduling builds a `BookingMessage` from its models and hands it over; notifications
renders emails and calendar invites from it without importing scheduling. Every time is
an aware datetime; each recipient sees times in their own zone.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class BookingChange(StrEnum):
    BOOKED = "booked"  # invite METHOD:REQUEST, SEQUENCE as given
    RESCHEDULED = "rescheduled"  # REQUEST with a higher SEQUENCE, same UID
    CANCELLED = "cancelled"  # METHOD:CANCEL, higher SEQUENCE, same UID
    LINK_READY = "link_ready"  # the join link arrived after the confirmation: REQUEST update


class Audience(StrEnum):
    """Who an email about a booking is for: each change goes to both."""

    INVITEE = "invitee"
    HOST = "host"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    time_zone: str  # IANA name, e.g. "Europe/Berlin"


@dataclass(frozen=True)
class BookingMessage:
    change: BookingChange
    uid: str  # the calendar invite's stable UID, e.g. "booking-42@slotlink.example.com"
    sequence: int  # bumped on every change to the booking
    title: str  # the event type's title
    description: str
    start: datetime
    end: datetime
    host: Person
    invitee: Person
    location_text: str  # e.g. "Zoom", "Phone call: +49 30 1234", "Acme HQ, Berlin"
    join_url: str = ""  # the conferencing link, when there is one
    provider_name: str = ""  # the conferencing provider that made join_url, e.g. "Zoom"
    passcode: str = ""
    link_status_note: str = ""  # e.g. "Your Zoom link will follow in a separate email."
    # For the host's email only, never the invitee's: why there is no link, and the action
    # that fixes it (a page to open).
    host_link_problem: str = ""  # e.g. "No Zoom link: no Zoom account is connected ..."
    host_action_label: str = ""  # e.g. "Connect Zoom →"
    host_action_url: str = ""
    reschedule_url: str = ""  # invitee's single-purpose links
    cancel_url: str = ""
    booking_url: str = ""  # the host's booking details page
    previous_start: datetime | None = None  # for "moved from ..." on reschedule
    cancel_reason: str = ""
    cancelled_by_host: bool = False
    # The booking's organization: set on the emails (X-Slotlink-Organization) so the demo
    # outbox shows each organization its own mail. None when unknown.
    organization_id: int | None = None
