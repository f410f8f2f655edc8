"""Zoom as a conferencing provider: what the seam asks of it.

Booking changes become the desired state of the booking's meeting, inside the booking's
transaction (meetings/desired.py); the worker syncs it with Zoom. Details are read from
the meetings for many bookings at once (meetings/details.py).
"""

from slotlink.conferencing.seam import (
    BookingRef,
    ConferenceDetails,
    IntegrationCard,
    LinkStatus,
    host_sends_text,
    link_comes_text,
)
from slotlink.zoom import selectors
from slotlink.zoom.locations import MEETING, NEEDS_ACCOUNT
from slotlink.zoom.meetings import desired, details
from slotlink.zoom.models import ZoomMeeting


def _link_follows(meeting: ZoomMeeting) -> bool:
    """Whether the meeting's link is still being made: the sync announces it through
    `seam.link_ready` when it is stored, or when the meeting fails (meetings/sync.py).
    One that got no account has none coming (and its checks need not be read again)."""
    if meeting.state == ZoomMeeting.State.UNROUTED:
        return False
    return details.meeting_details(meeting, cancelled=False).status == LinkStatus.PENDING


class ZoomProvider:
    location = MEETING
    location_kind = MEETING.kind
    label = MEETING.label

    def booking_created(self, booking: BookingRef) -> bool:
        return _link_follows(desired.meeting_for_booking_create(ref=booking))

    def booking_rescheduled(self, booking: BookingRef) -> bool:
        return _link_follows(desired.meeting_for_booking_reschedule(ref=booking))

    def booking_cancelled(self, booking: BookingRef) -> None:
        desired.meeting_for_booking_cancel(ref=booking)

    def booking_host_changed(self, booking: BookingRef) -> None:
        desired.meeting_for_booking_handover(ref=booking)

    def details_many(self, bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
        return details.details_many(bookings)

    def location_problem(self, *, organization_id: int, host_id: int) -> str:
        # With Zoom off for the organization no account resolves either; the link goes to
        # Integrations, where an admin can turn Zoom on and connect in one visit.
        if selectors.route(organization_id=organization_id, host_id=host_id) is None:
            return NEEDS_ACCOUNT
        return ""

    def public_location_text(self, *, organization_id: int, host_id: int) -> str:
        # The same routing a booking made now gets (desired.py): a link is promised only
        # when a meeting will be made for it.
        if selectors.route(organization_id=organization_id, host_id=host_id) is None:
            return host_sends_text(self.label)
        return link_comes_text(self.label)

    def integration_card(
        self, *, organization_id: int, user_id: int, is_admin: bool
    ) -> IntegrationCard | None:
        rollout = selectors.zoom_rollout_for(organization_id=organization_id)
        if not rollout.enabled:
            # Admins get the way to turn it on here, so no admin is told to ask an admin.
            if not is_admin:
                return None
            return IntegrationCard("zoom/_card_disabled.html", {})
        connections = [
            connection
            for connection in selectors.connections_visible_to_user(
                organization_id=organization_id, user_id=user_id, is_admin=is_admin
            )
        ]
        return IntegrationCard(
            "zoom/_card.html",
            {
                "connections": selectors.connection_rows(connections),
                "is_admin": is_admin,
                "has_personal": any(
                    c.owner_id == user_id and not c.is_org_account for c in connections
                ),
            },
        )
