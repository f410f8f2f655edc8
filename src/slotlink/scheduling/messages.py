"""Builds the `BookingMessage` notifications renders, from a booking as it is now."""

from django.conf import settings
from django.urls import reverse

from slotlink.notifications.messages import BookingChange, BookingMessage, Person
from slotlink.scheduling.locations import BookingLink
from slotlink.scheduling.models import Booking, BookingEvent


def absolute_url(path: str) -> str:
    """A link that works from an email: a path (/360/...) gets the site's address."""
    if not path.startswith("/"):
        return path  # already absolute, e.g. a provider's page
    return settings.BASE_URL.rstrip("/") + path


def booking_message(
    *,
    booking: Booking,
    change: BookingChange,
    link: BookingLink,
    reschedule_url: str = "",
    cancel_url: str = "",
) -> BookingMessage:
    """The message of one change; `link` is the booking's (`booking_link_for`)."""
    event_type, host = booking.event_type, booking.host
    previous_start = None
    if change == BookingChange.RESCHEDULED:
        moved = booking.history.filter(
            kind=BookingEvent.Kind.RESCHEDULED, sequence=booking.sequence
        ).first()
        previous_start = moved.previous_start if moved else None
    cancelled = change == BookingChange.CANCELLED
    booking_url = absolute_url(reverse("booking-detail", args=[booking.id]))
    action = link.host_action
    action_url = ""
    if action is not None:
        # A link in an email can't post a form with a CSRF token: a POST action (such as
        # "Recreate meeting") is a button on the booking's page, so the email links there.
        action_url = booking_url if action.method.lower() == "post" else absolute_url(action.url)
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
        location_text=link.location_text,
        join_url=link.join_url,
        provider_name=link.provider_name,
        passcode=link.passcode,
        link_status_note="" if cancelled else link.invitee_note,
        host_link_problem="" if cancelled else link.host_reason,
        host_action_label=action.label if action and not cancelled else "",
        host_action_url=action_url if not cancelled else "",
        reschedule_url=reschedule_url,
        cancel_url=cancel_url,
        booking_url=booking_url,
        previous_start=previous_start,
        cancel_reason=booking.cancel_reason if cancelled else "",
        cancelled_by_host=booking.cancelled_by_host if cancelled else False,
        organization_id=booking.organization_id,
    )
