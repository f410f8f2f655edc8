"""What the Zoom meeting of a booking should be: written inside the booking's transaction.

The booking request never calls Zoom. Booking, rescheduling and cancelling change the
desired meeting here (routing it to an account when it is first wanted) and enqueue its
sync, which runs once the booking commits; the worker does the rest (sync.py). A group
session's bookings share one meeting: it is wanted while any of them is live.

A meeting that gets no account (Zoom off, or none connected) is UNROUTED: its host is told
at once, by an email written with the booking, and its page says why as things stand then
(details.py), so no reason is stored here.
"""

import logging

from django.db.models import F
from django.utils import timezone

from slotlink.conferencing.seam import BookingRef
from slotlink.core.rows import row_insert
from slotlink.core.tasks import enqueue_on_commit
from slotlink.core.text import text_cut
from slotlink.zoom import selectors
from slotlink.zoom.locations import MEETING_DESCRIPTION_LIMIT
from slotlink.zoom.meetings.tasks import zoom_meeting_sync
from slotlink.zoom.models import ZoomMeeting, ZoomMeetingBooking
from slotlink.zoom.notice_tasks import zoom_notice_enqueue
from slotlink.zoom.notices import NoticeKind
from slotlink.zoom.problems import Problem

log = logging.getLogger("slotlink.zoom")


def _topic(ref: BookingRef) -> str:
    if ref.group_session_id is not None:
        return ref.title[:200]
    return f"{ref.title} with {ref.invitee_name}"[:200]


def _agenda(ref: BookingRef) -> str:
    """The booking's description, which scheduling cut to the location's description limit
    (at a character, with an ellipsis); cut the same way here should it come longer."""
    return text_cut(ref.description, MEETING_DESCRIPTION_LIMIT)


def _route(meeting: ZoomMeeting, ref: BookingRef) -> None:
    """Give a meeting that is wanted an account (the article's routing), or leave it
    UNROUTED (a switched-off organization routes nowhere)."""
    routed = selectors.route(organization_id=ref.organization_id, host_id=ref.host_id)
    if routed is None:
        meeting.state, meeting.present = ZoomMeeting.State.UNROUTED, False
        meeting.problem_code, meeting.problem_detail = Problem.NONE, ""
        return
    meeting.connection_id = routed.connection_id
    meeting.zoom_user_id = routed.zoom_user_id
    meeting.present = True
    meeting.state = ZoomMeeting.State.PENDING
    meeting.problem_code, meeting.problem_detail = Problem.NONE, ""


def _sync_on_commit(meeting: ZoomMeeting) -> None:
    enqueue_on_commit(zoom_meeting_sync, meeting.id)


def _tell_host_on_commit(meeting: ZoomMeeting) -> None:
    """The host learns at once that the booking has no Zoom meeting (once per meeting)."""
    zoom_notice_enqueue(kind=NoticeKind.MEETING_UNROUTED, object_id=meeting.id)


def _desired_from(meeting: ZoomMeeting, ref: BookingRef) -> None:
    meeting.topic = _topic(ref)
    meeting.agenda = _agenda(ref)
    meeting.start = ref.start
    meeting.duration_minutes = ref.duration_minutes
    meeting.time_zone = ref.host_time_zone or "UTC"


def _meeting_for(
    ref: BookingRef, session_id: int | None, *, new_booking: bool = False
) -> ZoomMeeting:
    """The (locked) meeting this booking belongs to, made when it is the first. A booking
    just made has no meeting of its own yet, so only a group session's is looked for."""
    lookup = {"group_session_id": session_id} if session_id else {"booking_id": ref.booking_id}
    meeting = None
    if session_id or not new_booking:
        meeting = ZoomMeeting.objects.select_for_update().filter(**lookup).first()
    if meeting is None:
        meeting = ZoomMeeting(organization_id=ref.organization_id, host_id=ref.host_id, **lookup)
        _desired_from(meeting, ref)
        meeting.present = False
    return meeting


def _want(meeting: ZoomMeeting, ref: BookingRef) -> None:
    """A live booking needs this meeting: route it if it has no account yet, and sync."""
    changed = not meeting.present or meeting.pk is None
    if not meeting.present:
        if meeting.connection_id is None:
            _route(meeting, ref)
        else:
            meeting.present, meeting.state = True, ZoomMeeting.State.PENDING
    if changed and meeting.present:
        meeting.version = (meeting.version or 0) + (0 if meeting.pk is None else 1)
    meeting.updated_at = timezone.now()
    if meeting.pk is None:
        row_insert(meeting)  # the booking's own: under the host's lock, cheaper than save()
    else:
        meeting.save()
    if meeting.present and changed:
        _sync_on_commit(meeting)
    elif meeting.state == ZoomMeeting.State.UNROUTED and meeting.host_told_at is None:
        _tell_host_on_commit(meeting)


def _release(meeting: ZoomMeeting) -> None:
    """A booking left this meeting: drop it when no live booking needs it any more."""
    if meeting.bookings.filter(live=True).exists() or not meeting.present:
        return
    meeting.present = False
    meeting.version += 1
    if meeting.state != ZoomMeeting.State.UNROUTED:
        meeting.state = ZoomMeeting.State.PENDING
    meeting.updated_at = timezone.now()
    meeting.save()
    if meeting.state == ZoomMeeting.State.PENDING:
        _sync_on_commit(meeting)


def meeting_for_booking_create(*, ref: BookingRef, new_booking: bool = True) -> ZoomMeeting:
    meeting = _meeting_for(ref, ref.group_session_id, new_booking=new_booking)
    _want(meeting, ref)
    row_insert(ZoomMeetingBooking(meeting=meeting, booking_id=ref.booking_id))
    log.info("zoom.meeting.wanted meeting=%s booking=%s", meeting.id, ref.booking_id)
    return meeting


def meeting_for_booking_reschedule(*, ref: BookingRef) -> ZoomMeeting:
    link = ZoomMeetingBooking.objects.filter(booking_id=ref.booking_id).first()
    if link is None:
        # Booked before Zoom knew of it.
        return meeting_for_booking_create(ref=ref, new_booking=False)
    meeting = ZoomMeeting.objects.select_for_update().get(pk=link.meeting_id)
    if ref.group_session_id is not None and meeting.group_session_id != ref.group_session_id:
        # Moved to another session: it joins that session's meeting, and its old one may
        # no longer be needed.
        new = _meeting_for(ref, ref.group_session_id)
        _want(new, ref)
        ZoomMeetingBooking.objects.filter(pk=link.pk).update(meeting=new, live=True)
        _release(meeting)
        return new
    # Still the meeting of its session, when the host moved the whole session: the
    # session's meeting follows once, below; its other bookings find it moved already.
    if meeting.start == ref.start and meeting.duration_minutes == ref.duration_minutes:
        return meeting
    meeting.start = ref.start
    meeting.duration_minutes = ref.duration_minutes
    meeting.updated_at = timezone.now()
    if meeting.present:
        meeting.version = F("version") + 1
        meeting.state = ZoomMeeting.State.PENDING
        meeting.drift, meeting.drift_start = ZoomMeeting.Drift.NONE, None
    meeting.save()
    meeting.refresh_from_db()
    if meeting.present:
        _sync_on_commit(meeting)
    return meeting


def meeting_for_booking_cancel(*, ref: BookingRef) -> None:
    link = ZoomMeetingBooking.objects.filter(booking_id=ref.booking_id, live=True).first()
    if link is None:
        return
    meeting = ZoomMeeting.objects.select_for_update().get(pk=link.meeting_id)
    ZoomMeetingBooking.objects.filter(pk=link.pk).update(live=False)
    _release(meeting)


def meeting_for_booking_handover(*, ref: BookingRef) -> None:
    """The booking has a new host (`ref.host_id`; its host left the organization). When the
    new host's routing lands on the same Zoom account, the meeting stays and its link with
    it; otherwise the meeting moves: the old one is deleted in Zoom on its account, and a
    new one is made on the account the new host routes to (or none, saying why). A group
    session's shared meeting stays where it is."""
    link = ZoomMeetingBooking.objects.filter(booking_id=ref.booking_id, live=True).first()
    if link is None or ref.group_session_id is not None:
        return
    old = ZoomMeeting.objects.select_for_update().get(pk=link.meeting_id)
    routed = selectors.route(organization_id=ref.organization_id, host_id=ref.host_id)
    if routed is not None and old.connection_id == routed.connection_id:
        old.host_id = ref.host_id
        old.save(update_fields=["host_id"])
        return
    old.booking_id = None  # no longer this booking's: it only waits to be deleted
    old.save(update_fields=["booking_id"])
    new = _meeting_for(ref, None)
    _want(new, ref)
    ZoomMeetingBooking.objects.filter(pk=link.pk).update(meeting=new, live=True)
    _release(old)
    log.info("zoom.meeting.handed-over booking=%s from=%s to=%s", ref.booking_id, old.id, new.id)
