"""A complete `BookingMessage`, as scheduling would build one, with any field overridden."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from slotlink.notifications.messages import BookingChange, BookingMessage, Person, SessionInvite

HOST = Person(name="Ada Admin", email="ada@acme.test", time_zone="Europe/Berlin")
INVITEE = Person(name="Bob Invitee", email="bob@example.test", time_zone="America/New_York")
START = datetime(2024, 12, 3, 9, 0, tzinfo=UTC)  # Tue 3 Dec, 10:00 in Berlin, 04:00 in NY
UID = "booking-42@slotlink.example.com"
SESSION_UID = "session-7@slotlink.example.com"
# The changes told to both parties (LEFT_SESSION is the host's alone).
CHANGES_TO_BOTH = [change for change in BookingChange if not change.host_only]

_BASE = BookingMessage(
    change=BookingChange.BOOKED,
    uid=UID,
    sequence=0,
    title="Intro call",
    description="A first conversation about your project.",
    start=START,
    end=START + timedelta(minutes=30),
    host=HOST,
    invitee=INVITEE,
    location_text="Zoom",
    join_url="https://zoom.example.test/j/81234567890?pwd=s3cret",
    provider_name="Zoom",
    passcode="482913",
    reschedule_url="https://slotlink.example.com/r/reschedule-token",
    cancel_url="https://slotlink.example.com/c/cancel-token",
    booking_url="https://slotlink.example.com/360/bookings/42",
)


def booking_message(**changes: Any) -> BookingMessage:
    return replace(_BASE, **changes)


def session_invite(**changes: Any) -> SessionInvite:
    """A group session of 8 seats, two of them booked: Bob's and Cleo's."""
    values: dict[str, Any] = {
        "uid": SESSION_UID,
        "sequence": 4,
        "start": START,
        "end": START + timedelta(minutes=30),
        "capacity": 8,
        "attendees": (INVITEE, Person("Cleo Second", "cleo@example.test", "Europe/Paris")),
        "location_text": "Zoom",
        "join_url": _BASE.join_url,
        "passcode": _BASE.passcode,
        "details_url": _BASE.booking_url,
    }
    values.update(changes)
    return SessionInvite(**values)
