"""Zoom as a conferencing provider: what the seam asks of it.

Meeting sync (creating, moving and deleting a booking's meeting) is the next layer; until
it lands, a Zoom booking says plainly that it has no link, and why.
"""

from slotlink.conferencing.seam import (
    BookingRef,
    ConferenceDetails,
    IntegrationCard,
    LinkStatus,
)
from slotlink.zoom import selectors
from slotlink.zoom.scopes import missing_scopes

NOT_ENABLED = "No Zoom link: Zoom isn't set up for this organization yet."
NO_ACCOUNT = "No Zoom link: no Zoom account is connected for this host."
NOT_CREATED = "No Zoom link: slotlink doesn't create Zoom meetings for bookings yet."
NEEDS_ACCOUNT = (
    "Zoom links require a connected Zoom account. Connect one, or pick a different location."
)


class ZoomProvider:
    location_kind = "zoom"
    label = "Zoom"

    def booking_created(self, booking: BookingRef) -> None:
        pass  # meeting sync subscribes here

    def booking_rescheduled(self, booking: BookingRef) -> None:
        pass

    def booking_cancelled(self, booking: BookingRef) -> None:
        pass

    def details_many(self, bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
        return {booking.booking_id: self._details(booking) for booking in bookings}

    def _details(self, booking: BookingRef) -> ConferenceDetails:
        if not selectors.zoom_enabled(organization_id=booking.organization_id):
            reason = NOT_ENABLED
        elif (
            selectors.routed_connection(
                organization_id=booking.organization_id, host_id=booking.host_id
            )
            is None
        ):
            reason = NO_ACCOUNT
        else:
            reason = NOT_CREATED
        return ConferenceDetails(
            location_text=self.label, status=LinkStatus.UNAVAILABLE, reason=reason
        )

    def location_problem(self, *, organization_id: int, host_id: int) -> str:
        # With Zoom off for the organization no account resolves either; the link goes to
        # Integrations, where an admin can turn Zoom on and connect in one visit.
        if selectors.routed_connection(organization_id=organization_id, host_id=host_id) is None:
            return NEEDS_ACCOUNT
        return ""

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
                "connections": [
                    {"connection": c, "missing_scopes": missing_scopes(c.zoom_user.scopes)}
                    for c in connections
                ],
                "is_admin": is_admin,
                "has_personal": any(
                    c.owner_id == user_id and not c.is_org_account for c in connections
                ),
            },
        )
