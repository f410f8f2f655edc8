"""What a webinar booking shows: the invitee's own join link (personal: the host never sees
it), or why there is none; and, for the host, whether the invitee attended, a webinar
removed or moved in Zoom with the way back (the seam keeps the host's reason and action
from the invitee), and a button that starts the webinar as its host (start.py)."""

from dataclasses import replace
from functools import partial

from django.urls import reverse

from slotlink.conferencing.seam import BookingRef, ConferenceDetails, HostAction, LinkStatus
from slotlink.zoom.host_times import host_when
from slotlink.zoom.locations import WEBINAR
from slotlink.zoom.meetings.details import details_many as meeting_details_many
from slotlink.zoom.models import ZoomMeeting, ZoomMeetingBooking, ZoomRegistrant, ZoomWebinar
from slotlink.zoom.notices import NoticeKind, undelivered_said, zoom_notices_undelivered

LABEL = WEBINAR.label
CANCELLED = "This booking was cancelled."
START_LABEL = "Start webinar as host"
State = ZoomWebinar.State
Drift = ZoomMeeting.Drift
# A seat's link, whenever it has one, is the registrant's own: it joins as them.
_seat = partial(ConferenceDetails, LABEL, personal=True)


def _webinar_action(webinar: ZoomWebinar, label: str) -> HostAction:
    return HostAction(label, reverse("zoom-webinar-fix", args=[webinar.id]), method="post")


def drift_details(webinar: ZoomWebinar) -> ConferenceDetails | None:
    """The host's words for a webinar removed or moved in Zoom, with the way back; None if
    neither. A webinar the host owns (attached) is theirs to move back in Zoom."""
    if webinar.drift == Drift.REMOVED:
        recreate = _webinar_action(webinar, "Recreate webinar")
        reason = "The Zoom webinar was removed in Zoom, so this booking has no working link."
        return _seat(LinkStatus.UNAVAILABLE, reason=reason, action=recreate)
    if webinar.drift == Drift.MOVED:
        back = None if webinar.attached else _webinar_action(webinar, "Move it back")
        moved_to = host_when(webinar.drift_start, webinar.host_id)
        reason = f"The Zoom webinar was moved in Zoom to {moved_to}."
        return _seat(LinkStatus.READY, reason=reason, action=back)
    return None


def failed_details(webinar: ZoomWebinar) -> ConferenceDetails | None:
    """The host's words for a webinar slotlink could not make (or keep) in Zoom; None if
    it did not fail."""
    if webinar.state != State.FAILED:
        return None
    return _seat(
        LinkStatus.UNAVAILABLE,
        reason=webinar.problem,
        action=HostAction("Zoom settings →", "/360/integrations/zoom"),
    )


def _registrant_details(registrant: ZoomRegistrant, cancelled: bool) -> ConferenceDetails:
    webinar = registrant.webinar
    attendance = registrant.attendance
    if cancelled:
        return _seat(LinkStatus.UNAVAILABLE, reason="This booking was cancelled.")
    # The host can start the session's webinar (once Zoom has it), whatever became of
    # this seat; not one that can't be made, or that was removed in Zoom.
    startable = webinar.present and webinar.state not in (State.UNROUTED, State.FAILED)
    start_label = START_LABEL if startable else ""
    drifted = drift_details(webinar)
    if drifted is not None and drifted.status == LinkStatus.UNAVAILABLE:
        return replace(drifted, attendance=attendance)
    if drifted is not None and registrant.join_url:
        return replace(
            drifted,
            join_url=registrant.join_url,
            attendance=attendance,
            host_start_label=start_label,
        )
    if registrant.join_url:
        return _seat(
            LinkStatus.READY,
            join_url=registrant.join_url,
            attendance=attendance,
            host_start_label=start_label,
        )
    if registrant.problem:
        return _seat(
            LinkStatus.UNAVAILABLE, reason=registrant.problem, host_start_label=start_label
        )
    if webinar.state == State.UNROUTED:
        return _seat(
            LinkStatus.UNAVAILABLE,
            reason=webinar.problem,
            action=HostAction("Zoom settings →", "/360/integrations/zoom"),
        )
    failed = failed_details(webinar)
    if failed is not None:
        return failed
    return _seat(
        LinkStatus.PENDING,
        reason=webinar.problem or "The Zoom webinar is being set up.",
        host_start_label=start_label,
    )


def details_many(bookings: list[BookingRef]) -> dict[int, ConferenceDetails]:
    ids = [b.booking_id for b in bookings]
    registrants: dict[int, ZoomRegistrant] = {}
    for registrant in (
        ZoomRegistrant.objects.select_related("webinar")
        .filter(booking_id__in=ids)
        .order_by("live", "id")
    ):
        registrants[registrant.booking_id] = registrant  # the live one wins (ordered last)
    # Sessions that fell back to a meeting show the meeting's details.
    fell_back = set(
        ZoomMeetingBooking.objects.filter(booking_id__in=ids).values_list("booking_id", flat=True)
    )
    result = meeting_details_many([b for b in bookings if b.booking_id in fell_back])
    # A problem whose email to the host the mail server refused to the end says so.
    untold = zoom_notices_undelivered(
        kinds=[NoticeKind.WEBINAR_DRIFT, NoticeKind.WEBINAR_FAILED],
        object_ids={
            r.webinar_id
            for r in registrants.values()
            if r.webinar.host_told_at is None
            and (r.webinar.drift or r.webinar.state == State.FAILED)
        },
    )
    for booking in bookings:
        if booking.booking_id in result:
            continue
        found = registrants.get(booking.booking_id)
        if found is None:
            result[booking.booking_id] = _seat(
                LinkStatus.UNAVAILABLE,
                reason="No Zoom webinar: Zoom isn't set up for this organization yet.",
            )
            continue
        details = _registrant_details(found, booking.cancelled)
        if found.webinar_id in untold and not booking.cancelled:
            details = undelivered_said(details)
        result[booking.booking_id] = details
    return result
