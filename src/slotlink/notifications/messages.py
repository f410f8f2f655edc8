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
    # Another host took the booking (its host left the organization): REQUEST with a higher
    # SEQUENCE, same UID and time, the new host as organizer.
    NEW_HOST = "new_host"
    # The booking moved to another group session: the host's update of the one it left
    # (host only; the booking's RESCHEDULED emails carry the session it joined).
    LEFT_SESSION = "left_session"

    @property
    def host_only(self) -> bool:
        """Told to the host alone; every other change goes to both parties."""
        return self == BookingChange.LEFT_SESSION


class Audience(StrEnum):
    """Who an email about a booking is for: each change goes to both (but `host_only`)."""

    INVITEE = "invitee"
    HOST = "host"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    time_zone: str  # IANA name, e.g. "Europe/Berlin"
    clock: str = ""  # the clock they read ("12", "24"; "" for the default: core/times.py)


@dataclass(frozen=True)
class SessionInvite:
    """A group session's calendar event for its host: one event for all its seats, sent in
    the host's emails about its bookings instead of each booking's own invite.

    Its SEQUENCE rises whenever the seats change; with no seat booked any more it is
    cancelled (METHOD:CANCEL).
    """

    uid: str
    sequence: int
    start: datetime
    end: datetime
    capacity: int
    attendees: tuple[Person, ...] = ()  # the invitees with live bookings, first booked first
    location_text: str = ""
    join_url: str = ""  # the one meeting the session's bookings share
    passcode: str = ""
    details_url: str = ""  # a page of one of its bookings, which lists the others

    @property
    def cancelled(self) -> bool:
        return not self.attendees

    @property
    def seats_booked(self) -> str:
        return f"{len(self.attendees)} of {self.capacity} seats booked"


@dataclass(frozen=True)
class SessionMoveMessage:
    """A whole group session moved at once, as its host is told: one email for the session,
    with its invite (the session's UID at a higher SEQUENCE), instead of one per seat. Each
    invitee is emailed about their own booking."""

    title: str  # the event type's
    description: str
    host: Person
    session: SessionInvite  # as it is now, at its new time
    previous_start: datetime
    moved: tuple[Person, ...]  # the invitees whose seats moved with it, first booked first
    moved_by: str = ""  # who moved it, when not the host (an admin); "" for the host
    message: str = ""  # the mover's words to the invitees
    organization_id: int | None = None


@dataclass(frozen=True)
class SessionCancelMessage:
    """A whole group session cancelled at once, as its host is told: one email for the
    session, with its invite cancelled (the session's UID, METHOD:CANCEL), instead of one
    per seat. Each invitee is emailed about their own booking."""

    title: str  # the event type's
    description: str
    host: Person
    session: SessionInvite  # as it is now: no seat booked
    cancelled: tuple[Person, ...]  # the invitees whose seats were cancelled, first booked first
    cancelled_by: str = ""  # who cancelled it, when not the host (an admin); "" for the host
    reason: str = ""  # the canceller's words to the invitees
    organization_id: int | None = None


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
    # join_url is the invitee's own (a webinar registrant's): it joins as them, so the
    # host's email and invite never carry it (`join_url_for`), and the host's emails are
    # about the event the invitee registered for, not a meeting with them.
    personal_link: bool = False
    # The button on the booking's page that starts the event as its host (e.g. "Start
    # webinar as host"): the host's email points there; the start link is never emailed.
    host_start_label: str = ""
    reschedule_url: str = ""  # invitee's single-purpose links
    cancel_url: str = ""
    booking_url: str = ""  # the host's booking details page
    previous_start: datetime | None = None  # for "moved from ..." on reschedule
    cancel_reason: str = ""
    cancelled_by_host: bool = False
    # A RESCHEDULED booking moved by its host (or an admin, as with cancelled_by_host),
    # not by its invitee, and their words to the invitee ("" for none).
    rescheduled_by_host: bool = False
    reschedule_message: str = ""
    # The booking's organization: set on the emails (X-Slotlink-Organization) so the demo
    # outbox shows each organization its own mail. None when unknown.
    organization_id: int | None = None
    # A group booking's session: the host's email carries its invite instead of the
    # booking's. None for one-on-one bookings.
    session: SessionInvite | None = None
    # What the invitee answered on the booking form, (question, answer) in the host's
    # order: for the host's emails only. And the guests the invitee invited, who get the
    # invitee's emails without their links to change or cancel (`guest_email`).
    answers: tuple[tuple[str, str], ...] = ()
    guests: tuple[str, ...] = ()

    def join_url_for(self, audience: Audience) -> str:
        """The join link this party's email and invite may carry: never the invitee's
        personal link to the host."""
        return "" if self.personal_link and audience == Audience.HOST else self.join_url

    def about_registration(self, audience: Audience) -> bool:
        """Whether this is the host's email about a registration for their event (a webinar
        seat): it names the event, not a meeting with the registrant."""
        return self.personal_link and audience == Audience.HOST
