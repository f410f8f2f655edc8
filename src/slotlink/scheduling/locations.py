"""Where a meeting happens: the words for each location kind, and a booking's link.

A booking owns its location (copied from its event type when booked), so everything here
reads the booking's, never its event type's current one; only the booking page, before
anyone has booked, describes the event type's (`public_location_text`).

Every page, email and invite that shows a booking's link gets it from one place:
`booking_link` (or `booking_links` for many bookings, one seam call for all of them).
Conferencing locations (a provider's kind) get their link from the conferencing seam, never from a
provider directly. Until a provider is registered for a kind, a booking still succeeds and
its host is told why there is no link; the invitee is never told an admin's reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.urls import reverse

from slotlink.conferencing import seam
from slotlink.conferencing.kinds import ProvidedLocation, provided_location
from slotlink.conferencing.seam import BookingRef, ConferenceDetails, HostAction, LinkStatus
from slotlink.core.bidi import MixedText
from slotlink.core.text import text_cut
from slotlink.scheduling.models import Booking, EventType, LocationKind, location_label
from slotlink.scheduling.questions.answers import answers_lines

# Listed in the editor's Location dropdown, but not selectable, with the reason: each
# rides on its maker's calendar, and the only calendars slotlink connects are CalDAV ones.
UNAVAILABLE_LOCATIONS = [
    ("google_meet", "Google Meet"),
    ("microsoft_teams", "Microsoft Teams"),
]
_ONLY_CALDAV = "slotlink connects only CalDAV calendars so far"
UNAVAILABLE_REASONS = {
    "google_meet": f"rides on a Google Calendar connection, and {_ONLY_CALDAV}",
    "microsoft_teams": f"rides on a Microsoft 365 calendar connection, and {_ONLY_CALDAV}",
}
UNAVAILABLE_HELP = (
    "Google Meet and Microsoft Teams are unavailable: they ride on Google and Microsoft "
    f"calendar connections, and {_ONLY_CALDAV}."
)

# What a provider may say of an invitee's attendance, as the host reads it.
ATTENDANCE_LABELS = {"attended": "Attended", "no_show": "No-show"}


@dataclass(frozen=True)
class LocationProblem:
    """Shown in the event type editor: why bookings would get no link, and the way out."""

    message: str
    action_label: str
    action_url: str


@dataclass(frozen=True)
class BookingLink:
    """Where a booking happens and how to join it, as every page, email and invite shows it.

    `invitee_note` is all an invitee may see when there is no link (that it follows, or
    nothing); `host_reason`, `host_action`, `attendance` and `host_start_label` are for the
    host only. A `personal` link is the invitee's alone: what the host sees is `for_host()`.
    """

    location_text: str
    join_url: str = ""
    passcode: str = ""
    provider_name: str = ""  # the conferencing provider making the link, if any
    status: LinkStatus | None = None  # a conferencing link's status; None for other kinds
    invitee_note: str = ""
    host_reason: str = ""
    host_action: HostAction | None = None
    attendance: str = ""  # "attended", "no_show" or "" (not known), as the provider says
    personal: bool = False  # join_url joins as the invitee: never shown or sent to the host
    # The button on the booking's page that starts the event as its host ("" for none); the
    # start link itself is asked of the provider when it is clicked, never kept or emailed.
    host_start_label: str = ""

    def for_host(self) -> "BookingLink":
        """The link as the host sees it: never the invitee's personal one."""
        return replace(self, join_url="", passcode="") if self.personal else self

    @property
    def is_conferencing(self) -> bool:
        return self.status is not None

    @property
    def attendance_label(self) -> str:
        """ "Attended" or "No-show" when the provider knows; "" otherwise."""
        return ATTENDANCE_LABELS.get(self.attendance, "")

    @property
    def pending(self) -> bool:
        return self.status == LinkStatus.PENDING


def booking_ref(booking: Booking, *, previous_group_session_id: int | None = None) -> BookingRef:
    """What a conferencing provider may know of a booking. A reschedule that moved the
    booking to another group session passes the one it left."""
    moved = previous_group_session_id != booking.session_id
    return BookingRef(
        booking_id=booking.id,
        organization_id=booking.organization_id,
        host_id=booking.host_id,
        event_type_id=booking.event_type_id,
        title=booking.event_type.title,
        start=booking.start,
        duration_minutes=int((booking.end - booking.start).total_seconds() // 60),
        host_time_zone=booking.host.time_zone,
        invitee_name=booking.invitee_name,
        invitee_email=booking.invitee_email,
        sequence=booking.sequence,
        cancelled=booking.is_cancelled,
        description=_description(booking),
        group_session_id=booking.session_id,
        previous_group_session_id=previous_group_session_id if moved else None,
        location_detail=booking.location_detail,
        fallback_to_meeting=booking.fallback_to_meeting,
    )


def _description(booking: Booking) -> str:
    """The event type's description and what the invitee told the host, within the
    provider's limit (its agenda's), if it has one: cut between two characters, with an
    ellipsis.

    A group session's seats share one meeting, whose agenda every participant may read
    (Zoom shows it with the meeting's details): so it carries the event type's words only,
    never one invitee's answers, phone or address, which are the host's to read (their
    email, the booking's page)."""
    parts = [booking.event_type.description.strip()]
    if booking.session_id is None:
        if booking.invitee_phone:
            parts.append(f"Invitee's phone: {booking.invitee_phone}")
        if booking.invitee_address:
            parts.append(f"Invitee's address: {booking.invitee_address}")
        if answers := answers_lines(booking.answers):
            parts.append(f"{booking.invitee_name}'s answers:\n{answers}")
    text = "\n\n".join(part for part in parts if part)
    location = provided_location(booking.location_kind)
    limit = location.description_limit if location is not None else None
    return text if limit is None else text_cut(text, limit)


def _without_provider(location: ProvidedLocation) -> ConferenceDetails:
    """A provider's kind no provider serves now: its words for the host, who is led to
    Integrations."""
    return ConferenceDetails(
        location_text=location.label,
        status=LinkStatus.UNAVAILABLE,
        reason=location.not_set_up,
        action=HostAction(location.host_action_label, reverse("integrations")),
    )


def conference_details_many(bookings: Iterable[Booking]) -> dict[int, ConferenceDetails]:
    """The conferencing details of the bookings that have a conferencing location, by
    booking id, with one seam call for all of them."""
    conferencing = [
        (booking, location)
        for booking in bookings
        if (location := provided_location(booking.location_kind)) is not None
    ]
    details = seam.conference_details_many(
        (booking.location_kind, booking_ref(booking)) for booking, _ in conferencing
    )
    for booking, location in conferencing:
        if booking.id not in details:  # no provider serves the kind (yet)
            details[booking.id] = _without_provider(location)
    return details


def _location_text(booking: Booking) -> str:
    """A location without a conferencing provider, in words."""
    kind = booking.location_kind
    if kind == LocationKind.PHONE:
        return MixedText(
            "Phone call: {host} calls {phone}",
            host=booking.host.get_full_name(),
            phone=booking.invitee_phone,
        )
    if kind == LocationKind.IN_PERSON:
        return MixedText("In person: {address}", address=booking.location_detail)
    if kind == LocationKind.CUSTOM_URL:
        return "Online"  # the link itself is the join URL
    if kind == LocationKind.ASK_INVITEE:
        return MixedText("{address}", address=booking.invitee_address)
    return location_label(kind)


def booking_link(booking: Booking, details: ConferenceDetails | None) -> BookingLink:
    """The booking's link from its conferencing details (None for other locations)."""
    if details is None:
        custom = booking.location_kind == LocationKind.CUSTOM_URL
        return BookingLink(
            location_text=_location_text(booking),
            join_url=booking.location_detail if custom else "",
        )
    return BookingLink(
        location_text=details.location_text,
        join_url=details.join_url if details.is_ready else "",
        passcode=details.passcode if details.is_ready else "",
        provider_name=details.location_text,
        status=details.status,
        invitee_note=details.invitee_note(),
        host_reason=details.reason,
        host_action=details.action,
        attendance=details.attendance,
        personal=details.personal,
        host_start_label=details.host_start_label,
    )


def booking_links(bookings: Iterable[Booking]) -> dict[int, BookingLink]:
    """Each booking's link, by booking id: for lists, one seam call however many rows."""
    bookings = list(bookings)
    details = conference_details_many(bookings)
    return {booking.id: booking_link(booking, details.get(booking.id)) for booking in bookings}


def booking_link_for(booking: Booking) -> BookingLink:
    """One booking's link: its page, its emails, its invite."""
    return booking_links([booking])[booking.id]


def public_location_text(event_type: EventType) -> str:
    """What the booking page tells an invitee before they book. A conferencing location
    promises a link only when its provider says a booking made now would get one."""
    kind = event_type.location_kind
    if (location := provided_location(kind)) is not None:
        text = seam.public_location_text(
            kind, organization_id=event_type.organization_id, host_id=event_type.host_id
        )
        return text or seam.host_sends_text(location.label)
    if kind == LocationKind.PHONE:
        return MixedText("Phone call: {host} will call you", host=event_type.host.get_full_name())
    if kind == LocationKind.IN_PERSON:
        return MixedText("In person: {address}", address=event_type.location_detail)
    if kind == LocationKind.CUSTOM_URL:
        return "Online (the link comes with your confirmation)"
    return "You choose where to meet"


def editor_location_problem(
    *, location_kind: str, organization_id: int, host_id: int
) -> LocationProblem | None:
    """Why new bookings with this location would get no link right now, if they wouldn't."""
    location = provided_location(location_kind)
    if location is None:
        return None
    if seam.provider_for(location_kind) is None:
        message = location.editor_not_set_up
    else:
        # The provider's own words: e.g. no connected account, or the kind not turned on
        # for the organization.
        message = seam.location_problem(
            location_kind, organization_id=organization_id, host_id=host_id
        )
    if not message:
        return None
    return LocationProblem(message, location.host_action_label, reverse("integrations"))
