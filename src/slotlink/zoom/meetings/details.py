"""What a booking shows of its Zoom meeting: the link, or why there is none and what to do.

Read for many bookings at once (one query for their meetings), as the booking list needs.
The reason and the action are for the host; the seam keeps them from the invitee.

A meeting that got no account when it was booked (UNROUTED) shows why as things stand
now, never as they stood then: the checks are read again (`selectors.meeting_checks`),
and once they all hold the host can create the meeting with one click.
"""

from django.urls import reverse

from slotlink.conferencing.seam import BookingRef, ConferenceDetails, HostAction, LinkStatus
from slotlink.zoom.host_times import host_when
from slotlink.zoom.locations import MEETING
from slotlink.zoom.models import ZoomMeeting, ZoomMeetingBooking
from slotlink.zoom.notices import MEETING_NOTICES, undelivered_said, zoom_notices_undelivered
from slotlink.zoom.problems import CHECKLIST, Fix, problem_fix
from slotlink.zoom.selectors import MeetingCheck, meeting_checks

LABEL = MEETING.label
CANCELLED = "This booking was cancelled."
NOT_ENABLED = (
    "Zoom isn't enabled for this organization, so no Zoom meeting was created." + CHECKLIST
)
NO_ACCOUNT = (
    "No Zoom account was connected for this host (nor a shared org account), so no Zoom "
    "meeting was created." + CHECKLIST
)
CAN_CREATE = (
    "No Zoom meeting was created when this was booked. Zoom is ready for it now: create the "
    "meeting, and the link is emailed to the invitee."
)
CREATE = "Create Zoom meeting"
State = ZoomMeeting.State
Drift = ZoomMeeting.Drift


def _connect_action() -> HostAction:
    return HostAction("Connect Zoom →", reverse("integrations"))


def _meeting_action(meeting: ZoomMeeting, label: str) -> HostAction:
    return HostAction(label, reverse("zoom-meeting-fix", args=[meeting.id]), method="post")


def _check_of(meeting: ZoomMeeting) -> MeetingCheck:
    host = (meeting.organization_id, meeting.host_id)
    return meeting_checks(hosts=[host])[host]


def unrouted_reason(check: MeetingCheck) -> str:
    """The host's words for why an UNROUTED meeting has no link now."""
    return {MeetingCheck.NOT_ENABLED: NOT_ENABLED, MeetingCheck.NO_ACCOUNT: NO_ACCOUNT}.get(
        check, CAN_CREATE
    )


def _unrouted_details(meeting: ZoomMeeting, check: MeetingCheck) -> ConferenceDetails:
    if check == MeetingCheck.NOT_ENABLED:
        action = HostAction("Enable Zoom →", reverse("integrations"))
    elif check == MeetingCheck.NO_ACCOUNT:
        action = _connect_action()
    else:
        action = _meeting_action(meeting, CREATE)
    return ConferenceDetails(
        LABEL, LinkStatus.UNAVAILABLE, reason=unrouted_reason(check), action=action
    )


def meeting_details(
    meeting: ZoomMeeting | None, *, cancelled: bool, check: MeetingCheck | None = None
) -> ConferenceDetails:
    """`check` is the meeting's host's checks as they stand (`selectors.meeting_checks`),
    when the caller read them for many; read here if an UNROUTED meeting needs them."""
    if meeting is None:
        return ConferenceDetails(LABEL, LinkStatus.UNAVAILABLE, reason=MEETING.not_set_up)
    if cancelled:
        return ConferenceDetails(
            LABEL, LinkStatus.UNAVAILABLE, reason="This booking was cancelled."
        )
    if meeting.state == State.UNROUTED:
        return _unrouted_details(meeting, check or _check_of(meeting))
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
            moved_to = host_when(meeting.drift_start, meeting.host_id)
            reason = f"The Zoom meeting was moved in Zoom to {moved_to}."
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
    if problem_fix(meeting.problem_code) == Fix.RECONNECT:
        return HostAction("Reconnect", reverse("zoom"))
    return _meeting_action(meeting, "Try again")


def details_many(bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
    links = {
        link.booking_id: link
        for link in ZoomMeetingBooking.objects.select_related("meeting").filter(
            booking_id__in=[b.booking_id for b in bookings]
        )
    }
    checks = meeting_checks(
        hosts=[
            (link.meeting.organization_id, link.meeting.host_id)
            for link in links.values()
            if link.meeting.state == State.UNROUTED
        ]
    )
    # A problem whose email to the host the mail server refused to the end says so.
    untold = zoom_notices_undelivered(
        kinds=MEETING_NOTICES,
        object_ids={
            link.meeting_id
            for link in links.values()
            if link.meeting.host_told_at is None
            and (link.meeting.drift or link.meeting.state in (State.FAILED, State.UNROUTED))
        },
    )
    result = {}
    for booking in bookings:
        link = links.get(booking.booking_id)
        meeting = link.meeting if link else None
        details = meeting_details(
            meeting,
            cancelled=booking.cancelled,
            check=checks.get((meeting.organization_id, meeting.host_id)) if meeting else None,
        )
        if meeting is not None and meeting.id in untold and not booking.cancelled:
            details = undelivered_said(details)
        result[booking.booking_id] = details
    return result
