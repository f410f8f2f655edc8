"""What a booking shows of its Zoom meeting: the link, or why there is none and what to do.

Read for many bookings at once (one query for their meetings), as the booking list needs.
The reason and the action are for the host; the seam keeps them from the invitee.
"""

from datetime import UTC

from django.urls import reverse
from django.utils import timezone

from slotlink.conferencing.seam import BookingRef, ConferenceDetails, HostAction, LinkStatus
from slotlink.zoom.models import ZoomMeeting, ZoomMeetingBooking

LABEL = "Zoom"
CANCELLED = "This booking was cancelled."
NOT_SET_UP = "No Zoom link: Zoom isn't set up for this organization yet."
State = ZoomMeeting.State
Drift = ZoomMeeting.Drift


def _connect_action() -> HostAction:
    return HostAction("Connect Zoom →", reverse("integrations"))


def _meeting_action(meeting: ZoomMeeting, label: str) -> HostAction:
    return HostAction(label, reverse("zoom-meeting-fix", args=[meeting.id]), method="post")


def when_utc(moment: object) -> str:
    if moment is None:
        return "another time"
    return f"{timezone.localtime(moment, UTC):%a %d %b %Y, %H:%M} UTC"  # type: ignore[arg-type]


def meeting_details(meeting: ZoomMeeting | None, *, cancelled: bool) -> ConferenceDetails:
    if meeting is None:
        return ConferenceDetails(LABEL, LinkStatus.UNAVAILABLE, reason=NOT_SET_UP)
    if cancelled:
        return ConferenceDetails(
            LABEL, LinkStatus.UNAVAILABLE, reason="This booking was cancelled."
        )
    if meeting.state == State.UNROUTED:
        way_out = (
            HostAction("Enable Zoom →", reverse("integrations"))
            if meeting.problem.startswith("Zoom isn't enabled")
            else _connect_action()
        )
        return ConferenceDetails(
            LABEL, LinkStatus.UNAVAILABLE, reason=meeting.problem, action=way_out
        )
    if meeting.drift == Drift.REMOVED:
        return ConferenceDetails(
            LABEL,
            LinkStatus.UNAVAILABLE,
            reason="The Zoom meeting was removed in Zoom, so this booking has no working link.",
            action=_meeting_action(meeting, "Recreate meeting"),
        )
    if meeting.join_url and meeting.zoom_meeting_id is not None:
        reason = ""
        action: HostAction | None = None
        if meeting.drift == Drift.MOVED:
            reason = f"The Zoom meeting was moved in Zoom to {when_utc(meeting.drift_start)}."
            action = _meeting_action(meeting, "Move it back")
        elif meeting.state == State.FAILED:
            reason = meeting.problem
            action = _failure_action(meeting)
        elif meeting.state == State.WAITING:
            reason = meeting.problem
        return ConferenceDetails(
            LABEL,
            LinkStatus.READY,
            join_url=meeting.join_url,
            passcode=meeting.passcode,
            reason=reason,
            action=action,
        )
    if meeting.state == State.FAILED:
        return ConferenceDetails(
            LABEL, LinkStatus.UNAVAILABLE, reason=meeting.problem, action=_failure_action(meeting)
        )
    reason = meeting.problem or "The Zoom meeting is being created."
    return ConferenceDetails(LABEL, LinkStatus.PENDING, reason=reason)


def _failure_action(meeting: ZoomMeeting) -> HostAction:
    if "reconnect" in meeting.problem.lower():
        return HostAction("Reconnect", reverse("zoom"))
    return _meeting_action(meeting, "Try again")


def details_many(bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
    links = {
        link.booking_id: link
        for link in ZoomMeetingBooking.objects.select_related("meeting").filter(
            booking_id__in=[b.booking_id for b in bookings]
        )
    }
    result = {}
    for booking in bookings:
        link = links.get(booking.booking_id)
        result[booking.booking_id] = meeting_details(
            link.meeting if link else None, cancelled=booking.cancelled
        )
    return result
