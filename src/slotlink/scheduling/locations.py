"""Where a meeting happens: the words for each location kind, and the join link.

Conferencing locations (Zoom) get their link from the conferencing seam, never from a
provider directly. Until a provider is registered for a kind, a booking still succeeds and
its details say why there is no link.
"""

from dataclasses import dataclass

from django.urls import reverse

from slotlink.conferencing import seam
from slotlink.conferencing.seam import BookingRef, ConferenceDetails, LinkStatus
from slotlink.scheduling.models import Booking, EventType, LocationKind

# Kinds whose link a conferencing provider makes, each with the words for "no provider".
CONFERENCING_KINDS = {
    LocationKind.ZOOM: "No Zoom link: Zoom isn't set up for this organization yet.",
}

# Listed in the editor's Location dropdown, but not selectable, with the reason.
UNAVAILABLE_LOCATIONS = [
    ("google_meet", "Google Meet"),
    ("microsoft_teams", "Microsoft Teams"),
]
UNAVAILABLE_REASON = "rides on a calendar connection, which slotlink doesn't have yet"

ZOOM_NEEDS_ACCOUNT = (
    "Zoom links require a connected Zoom account. Connect one, or pick a different location."
)


@dataclass(frozen=True)
class LocationProblem:
    """Shown in the event type editor: why bookings would get no link, and the way out."""

    message: str
    action_label: str
    action_url: str


def booking_ref(booking: Booking) -> BookingRef:
    return BookingRef(
        booking_id=booking.id,
        organization_id=booking.organization_id,
        host_id=booking.host_id,
        title=booking.event_type.title,
        start_iso=booking.start.isoformat(),
        duration_minutes=int((booking.end - booking.start).total_seconds() // 60),
        group_session_id=booking.session_id,
    )


def conference_details(booking: Booking) -> ConferenceDetails | None:
    """The join link (or why there is none) for a conferencing location; None otherwise."""
    kind = booking.event_type.location_kind
    if kind not in CONFERENCING_KINDS:
        return None
    details = seam.conference_details(kind, booking_ref(booking))
    if details is None:
        return ConferenceDetails(
            location_text=LocationKind(kind).label,
            status=LinkStatus.UNAVAILABLE,
            reason=CONFERENCING_KINDS[LocationKind(kind)],
        )
    return details


def booking_location_text(booking: Booking, details: ConferenceDetails | None = None) -> str:
    """The location in words, for the booking details page, emails and the invite."""
    event_type = booking.event_type
    kind = event_type.location_kind
    if details is not None:
        return details.location_text
    if kind == LocationKind.PHONE:
        return f"Phone call: {event_type.host.get_full_name()} calls {booking.invitee_phone}"
    if kind == LocationKind.IN_PERSON:
        return f"In person: {event_type.location_detail}"
    if kind == LocationKind.CUSTOM_URL:
        return "Online"  # the link itself is the join URL
    if kind == LocationKind.ASK_INVITEE:
        return booking.invitee_address
    return LocationKind(kind).label


def booking_join_url(booking: Booking, details: ConferenceDetails | None) -> str:
    if details is not None:
        return details.join_url if details.status == LinkStatus.READY else ""
    if booking.event_type.location_kind == LocationKind.CUSTOM_URL:
        return booking.event_type.location_detail
    return ""


def link_status_note(details: ConferenceDetails | None) -> str:
    """For the invitee: the link follows, or why there is none."""
    if details is None or details.status == LinkStatus.READY:
        return ""
    if details.status == LinkStatus.PENDING:
        return f"Your {details.location_text} link will follow in a separate email."
    return details.reason


def public_location_text(event_type: EventType) -> str:
    """What the booking page tells an invitee before they book."""
    kind = event_type.location_kind
    if kind in CONFERENCING_KINDS:
        return f"{LocationKind(kind).label} (the link comes with your confirmation)"
    if kind == LocationKind.PHONE:
        return f"Phone call: {event_type.host.get_full_name()} will call you"
    if kind == LocationKind.IN_PERSON:
        return f"In person: {event_type.location_detail}"
    if kind == LocationKind.CUSTOM_URL:
        return "Online (the link comes with your confirmation)"
    return "You choose where to meet"


def editor_location_problem(
    *, location_kind: str, organization_id: int, host_id: int
) -> LocationProblem | None:
    """Why new bookings with this location would get no link right now, if they wouldn't."""
    if location_kind not in CONFERENCING_KINDS:
        return None
    if seam.provider_for(location_kind) is None:
        message = ZOOM_NEEDS_ACCOUNT if location_kind == LocationKind.ZOOM else ""
    else:
        message = seam.location_problem(
            location_kind, organization_id=organization_id, host_id=host_id
        )
    if not message:
        return None
    label = LocationKind(location_kind).label
    return LocationProblem(message, f"Connect {label} →", reverse("integrations"))
