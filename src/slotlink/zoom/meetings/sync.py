"""Reconciling a booking's desired Zoom meeting with Zoom, exactly once.

One worker at a time holds a meeting (a lease on its row, so no database transaction stays
open while Zoom answers, and a dead worker's lease runs out). It takes one step at a time
(create, update or delete), each a single Zoom call whose result is saved before the next,
until Zoom has what the booking wants:

- Create: a marker is saved first and written into the meeting's agenda. If the answer is
  lost (a timeout, a dropped response after Zoom committed), the next attempt first looks
  for a meeting carrying the marker and adopts it, so there is never a second meeting.
- Update: PATCH, so the join link stays the same.
- Delete: a meeting that is gone already counts as deleted.

Zoom being slow or down, or a rate limit, makes the meeting wait and retry (the sync
engine's rules, zoom/sync/). What retrying cannot fix (a broken connection, a refused
request) fails the meeting visibly: the booking says why and the host is told once.
"""

import logging
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from slotlink.conferencing import seam
from slotlink.conferencing.seam import ConferenceDetails
from slotlink.zoom import endpoints
from slotlink.zoom.errors import ZoomNotFound, ZoomRejected
from slotlink.zoom.meetings.details import meeting_details
from slotlink.zoom.meetings.passcodes import passcode_for
from slotlink.zoom.metrics import link_ready_observe
from slotlink.zoom.models import ZoomMeeting
from slotlink.zoom.notice_tasks import zoom_notice_enqueue
from slotlink.zoom.notices import NoticeKind
from slotlink.zoom.problems import Problem, problem_fields
from slotlink.zoom.sync.calls import zoom_call, zoom_user_of
from slotlink.zoom.sync.leases import leased, leased_done, leased_save
from slotlink.zoom.sync.marker import agenda_marked, carries_marker, marker_new
from slotlink.zoom.sync.outcomes import Fail, SyncResult, Wait, record_wait
from slotlink.zoom.timeparse import parse_time

log = logging.getLogger("slotlink.zoom")

MAX_STEPS = 6
State = ZoomMeeting.State

# Safe defaults from the help article, not editable per event type.
MEETING_SETTINGS = {"waiting_room": True, "join_before_host": False}


def meeting_sync(*, meeting_id: int, owner: str | None = None) -> SyncResult:
    """Bring one meeting in line with its booking(s); the time to retry if it must wait."""
    return leased(
        ZoomMeeting,
        meeting_id,
        lambda holder: _steps(meeting_id, holder),
        # Another worker has it; check again when its lease ends, in case it missed a change.
        busy=lambda until: SyncResult(in_sync=False, retry_at=until),
        owner=owner,
    )


_save = leased_save


def _done(meeting: ZoomMeeting, owner: str, version: int, **fields: Any) -> bool:
    """Save a step's result (`fields`). When it leaves the meeting as its bookings want it
    (nothing was asked of it since `version`), the same write marks it synced and gives it
    back: True."""
    synced = {**fields, "state": State.SYNCED, **problem_fields(), "attempts": 0}
    if leased_done(meeting, owner, version=version, **synced):
        return True
    if fields:
        _save(meeting, owner, **fields)
    return False


def _steps(meeting_id: int, owner: str) -> SyncResult:
    for _ in range(MAX_STEPS):
        meeting = ZoomMeeting.objects.select_related("connection__zoom_user").get(pk=meeting_id)
        if meeting.lease_owner != owner:  # it ran out and another worker took the meeting
            return SyncResult(in_sync=False, retry_at=meeting.lease_until)
        if meeting.state == State.FAILED:
            return SyncResult(in_sync=False)  # until the host acts, or the booking changes
        if meeting.state == State.UNROUTED or meeting.in_sync:
            if meeting.state in (State.PENDING, State.WAITING) and not _done(
                meeting, owner, meeting.version
            ):
                continue  # asked for something new meanwhile
            return SyncResult(in_sync=True)
        try:
            if _step(meeting, owner):
                return SyncResult(in_sync=True)  # its write said so and gave the meeting back
        except Wait as wait:
            return record_wait(meeting, owner, wait)
        except Fail as failure:
            _fail(meeting, owner, failure.problem)
            return SyncResult(in_sync=False)
    return SyncResult(in_sync=False, retry_at=timezone.now())


def _call(meeting: ZoomMeeting, call: Any) -> Any:
    booking = meeting.booking_id or meeting.bookings.values_list("booking_id", flat=True).first()
    return zoom_call(meeting, call, booking_id=booking)


def _step(meeting: ZoomMeeting, owner: str) -> bool:
    """One step towards what the booking wants; True if it got there and gave the meeting
    back (see `_done`)."""
    if not meeting.present:
        return _delete(meeting, owner)
    if meeting.zoom_meeting_id is None:
        if not meeting.create_marker:
            return _create(meeting, owner)
        adopted = _adopt(meeting, owner)
        if adopted is None:
            _save(meeting, owner, create_marker="")
            return False
        return adopted
    return _update(meeting, owner)


def _body(meeting: ZoomMeeting, marker: str = "") -> dict[str, Any]:
    agenda = agenda_marked(meeting.agenda, marker) if marker else meeting.agenda
    return {
        "topic": meeting.topic,
        "type": 2,
        "start_time": meeting.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": meeting.duration_minutes,
        "timezone": meeting.time_zone,
        "agenda": agenda,
    }


def _create(meeting: ZoomMeeting, owner: str) -> bool:
    marker = marker_new()
    # Saved before the call: if the answer is lost, the next attempt looks for it.
    _save(meeting, owner, create_marker=marker, state=State.PENDING)
    body = _body(meeting, marker)
    rules = zoom_user_of(meeting).passcode_rules
    body["settings"] = dict(MEETING_SETTINGS)
    if rules is not None:
        body["password"] = passcode_for(rules)
    else:
        body["default_password"] = True
    version = meeting.version
    try:
        created = _call(
            meeting,
            lambda token, context: endpoints.meeting_create(
                access_token=token, context=context, body=body
            ),
        )
    except ZoomRejected as refused:
        _save(meeting, owner, create_marker="")
        raise Fail(Problem.CREATE_REFUSED, refused.message) from None
    return _created(meeting, owner, created, version)


def _announced(meeting: ZoomMeeting, done: bool) -> ConferenceDetails | None:
    """What the meeting's booking now shows, handed to `seam.link_ready` so that nothing
    reads it back; None where only a read is sure. Only a one-on-one meeting given back
    unchanged (`done`: nothing was asked of it since `live` was read, so its booking
    neither left nor moved) is sure to be its booking's; a session's seat can move to
    another session's meeting without a new version of this one. A drifted meeting's words
    also depend on its notices, which are read by who shows them."""
    if not done or meeting.group_session_id is not None or meeting.drift:
        return None
    return meeting_details(meeting, cancelled=False)


def _created(meeting: ZoomMeeting, owner: str, created: dict[str, Any], version: int) -> bool:
    """Keep the meeting Zoom made (or that a lost create made); True if that was all its
    bookings wanted and the meeting was given back."""
    start = parse_time(created.get("start_time"))
    in_step = start == meeting.start and created.get("duration") == meeting.duration_minutes
    first_link = meeting.link_ready_at is None
    ready_at = timezone.now()
    result = {
        "zoom_meeting_id": int(created["id"]),
        "join_url": str(created.get("join_url") or ""),
        "passcode": str(created.get("password") or ""),
        "link_ready_at": ready_at,
        "synced_start": start,
        "synced_version": version if in_step else 0,
        "create_marker": "",
        "state": State.PENDING,
        "attempts": 0,
    }
    # Read before the write transaction, which holds SQLite's one write lock. A booking
    # that leaves meanwhile is told of a link it no longer shows, which it ignores; a seat
    # that joins a group session's meeting in those milliseconds gets the link with its
    # confirmation at the bound on waiting (LINK_WAIT_SECONDS) instead of at once.
    live = list(meeting.bookings.filter(live=True).values_list("booking_id", flat=True))
    with transaction.atomic():
        if in_step and meeting.present:
            done = _done(meeting, owner, version, **result)
        else:  # not yet at its time, or adopted only to be deleted: more steps to go
            done = False
            _save(meeting, owner, **result)
        announced = _announced(meeting, done)
        for booking_id in live:
            seam.link_ready(booking_id, announced)
    if first_link:  # a meeting made again (removed in Zoom) is not a booking's wait
        link_ready_observe(wanted_at=meeting.created_at, ready_at=ready_at)
    log.info("zoom.meeting.created meeting=%s zoom_id=%s", meeting.id, meeting.zoom_meeting_id)
    return done


def _adopt(meeting: ZoomMeeting, owner: str) -> bool | None:
    """Find the meeting a lost create made (it carries the marker) and keep it; None if
    there is none, else whether that was all (see `_created`)."""
    upcoming = endpoints.iter_pages(
        lambda page_token: _call(
            meeting,
            lambda token, context: endpoints.meetings_upcoming(
                access_token=token, context=context, page_token=page_token
            ),
        ),
        "meetings",
    )
    for item in upcoming:  # read page by page, only as far as the marked one
        if carries_marker(item, meeting.create_marker):
            log.info("zoom.meeting.adopted meeting=%s zoom_id=%s", meeting.id, item["id"])
            return _created(meeting, owner, item, version=meeting.version)
    return None


def _update(meeting: ZoomMeeting, owner: str) -> bool:
    version = meeting.version
    body = _body(meeting)
    body.pop("type")
    body.pop("agenda")
    assert meeting.zoom_meeting_id is not None
    meeting_id = meeting.zoom_meeting_id
    try:
        _call(
            meeting,
            lambda token, context: endpoints.meeting_update(
                access_token=token, context=context, meeting_id=meeting_id, body=body
            ),
        )
    except ZoomNotFound:
        _save(meeting, owner, drift=ZoomMeeting.Drift.REMOVED, synced_version=version)
        raise Fail(Problem.REMOVED) from None
    except ZoomRejected as refused:
        raise Fail(Problem.MOVE_REFUSED, refused.message) from None
    return _done(
        meeting, owner, version, synced_version=version, synced_start=meeting.start, attempts=0
    )


def _delete(meeting: ZoomMeeting, owner: str) -> bool:
    if meeting.zoom_meeting_id is None:
        if meeting.create_marker and _adopt(meeting, owner) is not None:
            return False  # adopted: the next step deletes it
        return _done(
            meeting, owner, meeting.version, create_marker="", synced_version=meeting.version
        )
    meeting_id = meeting.zoom_meeting_id
    try:
        _call(
            meeting,
            lambda token, context: endpoints.meeting_delete(
                access_token=token, context=context, meeting_id=meeting_id
            ),
        )
    except ZoomNotFound:
        pass  # already gone, which is what was wanted
    except ZoomRejected as refused:
        raise Fail(Problem.DELETE_REFUSED, refused.message) from None
    return _done(
        meeting,
        owner,
        meeting.version,
        zoom_meeting_id=None,
        synced_version=meeting.version,
        attempts=0,
    )


def _fail(meeting: ZoomMeeting, owner: str, problem: dict[str, str]) -> None:
    with transaction.atomic():
        _save(meeting, owner, state=State.FAILED, **problem, next_attempt_at=None)
        if meeting.host_told_at is None:
            zoom_notice_enqueue(kind=NoticeKind.MEETING_FAILED, object_id=meeting.id)
        if not meeting.join_url:
            # The link the bookings were promised won't come: their confirmations stop
            # waiting for it (the provider said it would announce either way).
            for booking_id in meeting.bookings.filter(live=True).values_list(
                "booking_id", flat=True
            ):
                seam.link_ready(booking_id)
    log.warning("zoom.meeting.failed meeting=%s problem=%s", meeting.id, problem["problem_code"])
