"""Builds the `BookingMessage` notifications renders, from a booking as it is now."""

from django.conf import settings
from django.urls import reverse

from slotlink.conferencing.seam import ConferenceDetails, LinkStatus
from slotlink.notifications.messages import BookingChange, BookingMessage, Person
from slotlink.scheduling.locations import booking_join_url, booking_location_text, link_status_note
from slotlink.scheduling.models import Booking, BookingEvent


def absolute_url(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


def booking_message(
    *,
    booking: Booking,
    change: BookingChange,
    details: ConferenceDetails | None,
    reschedule_url: str = "",
    cancel_url: str = "",
) -> BookingMessage:
    event_type, host = booking.event_type, booking.host
    previous_start = None
    if change == BookingChange.RESCHEDULED:
        moved = booking.history.filter(
            kind=BookingEvent.Kind.RESCHEDULED, sequence=booking.sequence
        ).first()
        previous_start = moved.previous_start if moved else None
    cancelled = change == BookingChange.CANCELLED
    return BookingMessage(
        change=change,
        uid=booking.ical_uid,
        sequence=booking.sequence,
        title=event_type.title,
        description=event_type.description,
        start=booking.start,
        end=booking.end,
        host=Person(name=host.get_full_name(), email=host.email, time_zone=host.time_zone),
        invitee=Person(
            name=booking.invitee_name,
            email=booking.invitee_email,
            time_zone=booking.invitee_time_zone,
        ),
        location_text=booking_location_text(booking, details),
        join_url=booking_join_url(booking, details),
        provider_name=details.location_text if details else "",
        passcode=details.passcode if details and details.status == LinkStatus.READY else "",
        link_status_note="" if cancelled else link_status_note(details),
        reschedule_url=reschedule_url,
        cancel_url=cancel_url,
        booking_url=absolute_url(reverse("booking-detail", args=[booking.id])),
        previous_start=previous_start,
        cancel_reason=booking.cancel_reason if cancelled else "",
        cancelled_by_host=booking.cancelled_by_host if cancelled else False,
        organization_id=booking.organization_id,
    )
