"""What a group session's webinar and its registrants should be, written in the booking's
transaction; the worker syncs them (sync.py).

The first booking of a session wants the webinar (routed like a meeting, and only to an
account with webinars switched on for the organization); each booking is a registrant. A
cancel makes its registrant not live; the webinar is no longer wanted when none is. A
reschedule moves the registrant to the other session's webinar.
"""

import logging

from django.utils import timezone

from slotlink.conferencing.seam import BookingRef
from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom import selectors
from slotlink.zoom.meetings.desired import meeting_for_booking_cancel, meeting_for_booking_create
from slotlink.zoom.models import ZoomRegistrant, ZoomWebinar
from slotlink.zoom.problems import Problem, problem_fields
from slotlink.zoom.webinars.tasks import zoom_webinar_sync

log = logging.getLogger("slotlink.zoom")
State = ZoomWebinar.State


def _sync_on_commit(webinar: ZoomWebinar) -> None:
    enqueue_on_commit(zoom_webinar_sync, webinar.id)


def _route(webinar: ZoomWebinar, ref: BookingRef) -> None:
    rollout = selectors.zoom_rollout_for(organization_id=ref.organization_id)
    if not (rollout.enabled and rollout.webinars_enabled):
        _unrouted(webinar, Problem.WEBINARS_OFF)
        return
    routed = selectors.route(
        organization_id=ref.organization_id, host_id=ref.host_id, rollout=rollout
    )
    if routed is None:
        _unrouted(webinar, Problem.WEBINAR_NO_ACCOUNT)
        return
    webinar.connection_id = routed.connection_id
    webinar.zoom_user_id = routed.zoom_user_id
    webinar.present, webinar.state = True, State.PENDING
    webinar.problem_code, webinar.problem_detail = Problem.NONE, ""


def _unrouted(webinar: ZoomWebinar, problem: Problem) -> None:
    webinar.state, webinar.present = State.UNROUTED, False
    webinar.problem_code, webinar.problem_detail = problem, ""


def _webinar_for(ref: BookingRef, session_id: int) -> ZoomWebinar:
    webinar = ZoomWebinar.objects.select_for_update().filter(group_session_id=session_id).first()
    if webinar is None:
        attached = ref.location_detail.isdigit()
        webinar = ZoomWebinar(
            organization_id=ref.organization_id,
            group_session_id=session_id,
            event_type_id=ref.event_type_id,
            host_id=ref.host_id,
            topic=ref.title[:200],
            agenda=ref.description[:1900],
            start=ref.start,
            duration_minutes=ref.duration_minutes,
            time_zone=ref.host_time_zone or "UTC",
            attached=attached,
            zoom_webinar_id=int(ref.location_detail) if attached else None,
            fallback_to_meeting=ref.fallback_to_meeting,
            present=False,
        )
    return webinar


def _want(webinar: ZoomWebinar, ref: BookingRef) -> None:
    if not webinar.present and webinar.state != State.FELL_BACK:
        first = webinar.pk is None
        if webinar.connection_id is None:
            _route(webinar, ref)
        else:
            webinar.present, webinar.state = True, State.PENDING
        if webinar.present and not first:
            webinar.version += 1
    webinar.updated_at = timezone.now()
    webinar.save()


def _register(webinar: ZoomWebinar, ref: BookingRef) -> None:
    first, _, last = ref.invitee_name.strip().partition(" ")
    ZoomRegistrant.objects.update_or_create(
        webinar=webinar,
        booking_id=ref.booking_id,
        defaults={
            "email": ref.invitee_email,
            "first_name": (first or ref.invitee_email)[:100],
            "last_name": last[:100],
            "live": True,
            **problem_fields(),
        },
    )


def _release(webinar: ZoomWebinar) -> None:
    if webinar.registrants.filter(live=True).exists() or not webinar.present:
        return
    webinar.present = False
    webinar.version += 1
    webinar.state = State.PENDING
    webinar.updated_at = timezone.now()
    webinar.save()


def webinar_for_booking_create(*, ref: BookingRef) -> ZoomWebinar:
    assert ref.group_session_id is not None
    webinar = _webinar_for(ref, ref.group_session_id)
    _want(webinar, ref)
    if webinar.state == State.FELL_BACK:
        meeting_for_booking_create(ref=ref)
        return webinar
    _register(webinar, ref)
    if webinar.state != State.UNROUTED:
        _sync_on_commit(webinar)
    log.info("zoom.webinar.wanted webinar=%s booking=%s", webinar.id, ref.booking_id)
    return webinar


def webinar_for_booking_cancel(*, ref: BookingRef) -> None:
    registrant = (
        ZoomRegistrant.objects.select_related("webinar")
        .filter(booking_id=ref.booking_id, live=True)
        .first()
    )
    if registrant is None:
        meeting_for_booking_cancel(ref=ref)  # a session that fell back to a meeting
        return
    webinar = ZoomWebinar.objects.select_for_update().get(pk=registrant.webinar_id)
    ZoomRegistrant.objects.filter(pk=registrant.pk).update(live=False)
    _release(webinar)
    if webinar.state != State.UNROUTED:
        _sync_on_commit(webinar)


def webinar_for_booking_reschedule(*, ref: BookingRef) -> None:
    """A booking moved to another session: its registration moves to that webinar. A
    session its host moved whole keeps its webinar and registrations: the webinar moves
    with it, once (its other bookings find it moved already)."""
    registrant = ZoomRegistrant.objects.filter(booking_id=ref.booking_id, live=True).first()
    if registrant is not None:
        webinar = ZoomWebinar.objects.select_for_update().get(pk=registrant.webinar_id)
        if webinar.group_session_id == ref.group_session_id:
            _follow_session(webinar, ref)
            return
    if ref.previous_group_session_id == ref.group_session_id:
        return
    webinar_for_booking_cancel(ref=ref)
    webinar_for_booking_create(ref=ref)


def _follow_session(webinar: ZoomWebinar, ref: BookingRef) -> None:
    """The webinar's session has a new time: Zoom's webinar is updated to it (one made for
    the session; one the host attached to is theirs, and its sync leaves its time alone)."""
    if webinar.start == ref.start and webinar.duration_minutes == ref.duration_minutes:
        return
    webinar.start = ref.start
    webinar.duration_minutes = ref.duration_minutes
    webinar.updated_at = timezone.now()
    if webinar.present:
        webinar.version += 1
        webinar.state = State.PENDING
    webinar.save()
    if webinar.present:
        _sync_on_commit(webinar)
