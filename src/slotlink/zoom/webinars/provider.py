"""Zoom webinars as a conferencing provider, for the "Zoom webinar" location of group event
types."""

from slotlink.conferencing.seam import (
    BookingRef,
    ConferenceDetails,
    ExistingEvent,
    LinkStatus,
    host_sends_text,
)
from slotlink.zoom import selectors
from slotlink.zoom.locations import WEBINAR
from slotlink.zoom.webinars import desired, details
from slotlink.zoom.webinars.existing import host_webinars
from slotlink.zoom.webinars.start import webinar_start_url


def _link_follows(booking: BookingRef) -> bool:
    """Whether the booking's personal link is still being made: the webinar sync announces
    it through `seam.link_ready` when the registration is stored, or when it cannot be made
    (the registration refused, the webinar failed); a session that fell back to a meeting
    has the meeting sync announce it (webinars/sync.py, meetings/sync.py)."""
    return details.details_many([booking])[booking.booking_id].status == LinkStatus.PENDING


class ZoomWebinarProvider:
    location = WEBINAR
    location_kind = WEBINAR.kind
    label = WEBINAR.label

    def booking_created(self, booking: BookingRef) -> bool:
        desired.webinar_for_booking_create(ref=booking)
        return _link_follows(booking)

    def booking_rescheduled(self, booking: BookingRef) -> bool:
        desired.webinar_for_booking_reschedule(ref=booking)
        return _link_follows(booking)

    def booking_cancelled(self, booking: BookingRef) -> None:
        desired.webinar_for_booking_cancel(ref=booking)

    def details_many(self, bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
        return details.details_many(bookings)

    def location_problem(self, *, organization_id: int, host_id: int) -> str:
        rollout = selectors.zoom_rollout_for(organization_id=organization_id)
        if not (rollout.enabled and rollout.webinars_enabled):
            return (
                "Webinars on group bookings aren't enabled for this organization: an admin "
                "turns them on in the Rollout card of the Zoom page."
            )
        connection = selectors.routed_connection(organization_id=organization_id, host_id=host_id)
        if connection is None:
            return (
                "Zoom webinars require a connected Zoom account. Connect one, or pick a "
                "different location."
            )
        if connection.zoom_user.webinar_licence is False:
            return (
                f"The Zoom account {connection.zoom_user.email} has no webinar licence: Zoom "
                "can't host webinars on it. Connect an account that has one, or let this event "
                "type fall back to a Zoom meeting."
            )
        return ""

    def public_location_text(self, *, organization_id: int, host_id: int) -> str:
        # The webinar's routing (desired.py): switched on for webinars, and an account.
        rollout = selectors.zoom_rollout_for(organization_id=organization_id)
        routed = rollout.webinars_enabled and selectors.route(
            organization_id=organization_id, host_id=host_id, rollout=rollout
        )
        if not routed:
            return host_sends_text(self.label)
        return f"{self.label} (your personal link comes with your confirmation)"

    def host_start_url(self, booking: BookingRef) -> str:
        return webinar_start_url(booking=booking)

    def integration_card(self, *, organization_id: int, user_id: int, is_admin: bool) -> None:
        return None  # Zoom's card covers webinars too

    def existing_events(self, *, organization_id: int, host_id: int) -> list[ExistingEvent]:
        return host_webinars(organization_id=organization_id, host_id=host_id)
