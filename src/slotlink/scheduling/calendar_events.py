"""The host's event of a booking, or of a group session, for the host's own calendar
(conferencing/calendars.py asks for it through `host_event`): the host's invite as the
emails build it, so the calendar and the invite say the same (the title and invitee, the
location and the host's join link, never an invitee's personal one, the booking's page)."""

from slotlink.conferencing.calendars import HostEvent
from slotlink.notifications.invites import host_calendar_object
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.locations import booking_link_for
from slotlink.scheduling.messages import booking_message, group_session_invite
from slotlink.scheduling.models import Booking, GroupSession


def host_event(*, booking_id: int | None = None, session_id: int | None = None) -> HostEvent | None:
    """The event as the booking (or session) is now; None when it no longer exists."""
    if session_id is not None:
        return _session_event(session_id)
    if booking_id is None:
        return None
    booking = (
        Booking.objects.select_related("event_type", "host", "organization")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return None
    change = BookingChange.CANCELLED if booking.is_cancelled else BookingChange.BOOKED
    message = booking_message(booking=booking, change=change, link=booking_link_for(booking))
    return HostEvent(
        uid=booking.ical_uid,
        ics=host_calendar_object(message=message),
        present=not booking.is_cancelled,
        booking_id=booking.id,
    )


def _session_event(session_id: int) -> HostEvent | None:
    session = GroupSession.objects.filter(pk=session_id).first()
    if session is None:
        return None
    # Read the SEQUENCE before the seats (group_session_invite says why).
    invite = group_session_invite(session=session, sequence=session.sequence)
    bookings = Booking.objects.select_related("event_type", "host", "organization")
    live = bookings.filter(session=session, status=Booking.Status.CONFIRMED).order_by("id")
    anchor = live.first() or bookings.filter(session=session).order_by("-id").first()
    if anchor is None:
        return None
    message = booking_message(
        booking=anchor,
        change=BookingChange.BOOKED,
        link=booking_link_for(anchor),
        session=invite,
    )
    return HostEvent(
        uid=session.ical_uid,
        ics=host_calendar_object(message=message),
        present=not invite.cancelled,
        booking_id=anchor.id,
    )


def session_of_booking(booking_id: int) -> int | None:
    """The group session a booking sits in (conferencing.calendars.session_of)."""
    return Booking.objects.filter(pk=booking_id).values_list("session_id", flat=True).first()
