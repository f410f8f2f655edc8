"""Builds the `BookingMessage` notifications renders, from a booking as it is now, and the
invite of a group booking's session for its host."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse

from slotlink.conferencing.kinds import provided_location
from slotlink.notifications.messages import BookingChange, BookingMessage, Person, SessionInvite
from slotlink.scheduling.locations import BookingLink, booking_link_for
from slotlink.scheduling.models import Booking, BookingEvent, GroupSession, LocationKind
from slotlink.scheduling.questions.answers import answered

# Where every seat of a session meets the same way: the host's own link, one address, or a
# provider's one event for the session (`shares_one_event_per_session`, e.g. a meeting).
# Elsewhere each seat has its own (the invitee's phone or place, a personal webinar link),
# which the host's event of the session doesn't carry: it names the provider, if any, and
# no one's link.
SHARED_LOCATIONS = {LocationKind.CUSTOM_URL, LocationKind.IN_PERSON}


def _shares_one_event(location_kind: str) -> bool:
    location = provided_location(location_kind)
    if location is None:
        return location_kind in SHARED_LOCATIONS
    return location.shares_one_event_per_session


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
    session: SessionInvite | None = None,
) -> BookingMessage:
    """The message of one change; `link` is the booking's (`booking_link_for`). `session`
    is the invite the host gets instead of the booking's: for LEFT_SESSION, the session
    the booking left."""
    event_type, host = booking.event_type, booking.host
    cancelled = change == BookingChange.CANCELLED
    booking_url = absolute_url(reverse("booking-detail", args=[booking.id]))
    return BookingMessage(
        change=change,
        uid=booking.ical_uid,
        sequence=booking.sequence,
        title=event_type.title,
        description=event_type.description,
        start=booking.start,
        end=booking.end,
        host=Person(
            name=host.get_full_name(), email=host.email, time_zone=host.time_zone, clock=host.clock
        ),
        invitee=Person(
            name=booking.invitee_name,
            email=booking.invitee_email,
            time_zone=booking.invitee_time_zone,
            clock=booking.invitee_clock,
        ),
        **_link_words(link, cancelled=cancelled, booking_url=booking_url),
        reschedule_url=reschedule_url,
        cancel_url=cancel_url,
        booking_url=booking_url,
        **_moved(booking, change, session),
        cancel_reason=booking.cancel_reason if cancelled else "",
        cancelled_by_host=booking.cancelled_by_host if cancelled else False,
        organization_id=booking.organization_id,
        session=session,
        answers=tuple((answer.label, answer.text) for answer in answered(booking.answers)),
        guests=tuple(booking.guest_emails),
    )


def _moved(
    booking: Booking, change: BookingChange, session: SessionInvite | None
) -> dict[str, Any]:
    """The time a booking moved from (its reschedule's, or the start of the session left),
    and, when its host or an admin moved it, that they did and their message."""
    if change == BookingChange.RESCHEDULED:
        moved = booking.history.filter(
            kind=BookingEvent.Kind.RESCHEDULED, sequence=booking.sequence
        ).first()
        if moved is None:
            return {"previous_start": None}
        by_host = moved.actor_id is not None  # the invitee acts without an account
        return {
            "previous_start": moved.previous_start,
            "rescheduled_by_host": by_host,
            "reschedule_message": moved.reason if by_host else "",
        }
    if change == BookingChange.LEFT_SESSION and session is not None:
        return {"previous_start": session.start}
    return {"previous_start": None}


def _link_words(link: BookingLink, *, cancelled: bool, booking_url: str) -> dict[str, Any]:
    """What the message says of the booking's link: where, the link itself, and for a
    booking that is not cancelled each party's note and the host's action."""
    action = None if cancelled else link.host_action
    action_url = ""
    if action is not None:
        # A link in an email can't post a form with a CSRF token: a POST action (such as
        # "Recreate meeting") is a button on the booking's page, so the email links there.
        action_url = booking_url if action.method.lower() == "post" else absolute_url(action.url)
    return {
        "location_text": link.location_text,
        "join_url": link.join_url,
        "provider_name": link.provider_name,
        "passcode": link.passcode,
        "link_status_note": "" if cancelled else link.invitee_note,
        "host_link_problem": "" if cancelled else link.host_reason,
        "host_action_label": action.label if action else "",
        "host_action_url": action_url,
        "personal_link": link.personal,
        "host_start_label": "" if cancelled else link.host_start_label,
    }


def group_session_invite(
    *,
    session: GroupSession,
    sequence: int,
    known_links: Mapping[int, BookingLink] | None = None,
) -> SessionInvite:
    """The host's event of a group session as it is now, at `sequence`. Read the SEQUENCE
    first: the seats read here are then never older than the SEQUENCE claims.

    Where the bookings share one meeting (`_shares_one_event`), its link is that of any
    live one; `known_links` (by booking id) spares asking the seam again for a booking
    whose link the caller has.
    """
    known_links = known_links or {}
    live = list(
        Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
        .select_related("event_type", "host", "organization")
        .order_by("created_at", "id")
    )
    source = next((booking for booking in live if booking.id in known_links), None)
    if source is None and live:
        source = live[0]
    link = None
    if source is not None and _shares_one_event(source.location_kind):
        link = known_links.get(source.id) or booking_link_for(source)
    elif source is not None and provided_location(source.location_kind) is not None:
        provider = known_links.get(source.id) or booking_link_for(source)
        link = BookingLink(location_text=provider.location_text)
    return SessionInvite(
        uid=session.ical_uid,
        sequence=sequence,
        start=session.start,
        end=session.end,
        capacity=session.capacity,
        attendees=tuple(
            Person(
                name=booking.invitee_name,
                email=booking.invitee_email,
                time_zone=booking.invitee_time_zone,
                clock=booking.invitee_clock,
            )
            for booking in live
        ),
        location_text=link.location_text if link else "",
        join_url=link.join_url if link else "",
        passcode=link.passcode if link else "",
        details_url=(absolute_url(reverse("booking-detail", args=[source.id])) if source else ""),
    )
