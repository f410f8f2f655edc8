"""Reconciling a group session's webinar and registrants with Zoom, exactly once.

The sync engine's rules (zoom/sync/), as for meetings, with two more things to keep in sync:
- the webinar itself: created with registration required and automatic approval, found
  again by its marker if the create's answer was lost, deleted when no booking is left
  (never for a webinar the event type attached to, which the host owns);
- each registrant: added once (an add whose answer was lost is looked for in the
  webinar's registrants before adding again, since Zoom takes at most 3 adds a day for one
  registrant), its personal join link stored; a cancelled booking's registration is
  cancelled (Zoom's registrants can't be deleted).
No webinar licence on the account (Zoom's 400 with code 200) falls back to a Zoom meeting
when the event type says so, and otherwise leaves the bookings without a link, saying why.
A booking's confirmation waits for its personal link: the sync announces it
(`seam.link_ready`) when the registration is stored, and also when it won't come (the
registration refused, the webinar failed), so the confirmation goes at once.
"""

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from slotlink.conferencing import seam
from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom import endpoints
from slotlink.zoom.errors import ZoomError, ZoomNotFound, ZoomRejected
from slotlink.zoom.meetings.drift import row_removed
from slotlink.zoom.meetings.tasks import zoom_meeting_sync
from slotlink.zoom.models import (
    ZoomMeeting,
    ZoomMeetingBooking,
    ZoomRegistrant,
    ZoomUser,
    ZoomWebinar,
)
from slotlink.zoom.notice_tasks import zoom_notice_enqueue
from slotlink.zoom.notices import NoticeKind
from slotlink.zoom.problems import Problem, problem_fields
from slotlink.zoom.sync.calls import zoom_call
from slotlink.zoom.sync.leases import leased, leased_save
from slotlink.zoom.sync.marker import agenda_marked, carries_marker, marker_new
from slotlink.zoom.sync.outcomes import Fail, SyncResult, Wait, record_wait
from slotlink.zoom.synclog import CallContext
from slotlink.zoom.webinars.drift import WEBINAR

log = logging.getLogger("slotlink.zoom")
State = ZoomWebinar.State
LICENCE_CODE = 200
HOST_CANNOT_REGISTER = 3027
MAX_STEPS = 40


def webinar_sync(*, webinar_id: int) -> SyncResult:
    return leased(
        ZoomWebinar,
        webinar_id,
        lambda owner: _steps(webinar_id, owner),
        busy=lambda until: SyncResult(in_sync=False, retry_at=until),
    )


_save = leased_save


def _steps(webinar_id: int, owner: str) -> SyncResult:
    for _ in range(MAX_STEPS):
        webinar = ZoomWebinar.objects.select_related("connection__zoom_user").get(pk=webinar_id)
        if webinar.state in (State.UNROUTED, State.FAILED, State.FELL_BACK):
            return SyncResult(in_sync=webinar.state != State.FAILED)
        try:
            if not _step_unless_gone(webinar, owner):
                if webinar.state != State.SYNCED:
                    _save(webinar, owner, state=State.SYNCED, **problem_fields(), attempts=0)
                return SyncResult(in_sync=True)
        except Wait as wait:
            return record_wait(webinar, owner, wait)
        except Fail as failure:
            with transaction.atomic():
                _save(webinar, owner, state=State.FAILED, **failure.problem)
                if webinar.host_told_at is None:
                    zoom_notice_enqueue(kind=NoticeKind.WEBINAR_FAILED, object_id=webinar.id)
                # The links the bookings were promised won't come: their confirmations stop
                # waiting for them.
                for booking_id in webinar.registrants.filter(live=True, join_url="").values_list(
                    "booking_id", flat=True
                ):
                    seam.link_ready(booking_id)
            return SyncResult(in_sync=False)
    return SyncResult(in_sync=False, retry_at=timezone.now())


def _step_unless_gone(webinar: ZoomWebinar, owner: str) -> bool:
    """`_step`, for a webinar Zoom still has. One the session still wants that Zoom no
    longer has (a 404, or removed in Zoom already) is recorded as removed in Zoom, its host
    told once, and the sync fails: the bookings offer Recreate webinar, and nothing is
    recreated on its own."""
    if webinar.present and webinar.drift == ZoomMeeting.Drift.REMOVED:
        raise Fail(Problem.WEBINAR_REMOVED)
    try:
        return _step(webinar, owner)
    except ZoomNotFound:
        if not (webinar.present and webinar.exists_in_zoom):
            raise  # a create's 404 is about the user, not the webinar
        with transaction.atomic():
            row_removed(WEBINAR, ZoomWebinar.objects.select_for_update().get(pk=webinar.pk))
        raise Fail(Problem.WEBINAR_REMOVED) from None


def _zoom(
    webinar: ZoomWebinar, call: Callable[[str, CallContext], Any], booking_id: int | None = None
) -> Any:
    """One Zoom call with the sync engine's waiting and failing rules."""
    if booking_id is None:
        booking_id = webinar.registrants.values_list("booking_id", flat=True).first()
    return zoom_call(webinar, call, booking_id=booking_id)


def _step(webinar: ZoomWebinar, owner: str) -> bool:
    """Take one step toward what the session wants; False when there is nothing left."""
    live = list(webinar.registrants.filter(live=True))
    if webinar.present and not webinar.exists_in_zoom:
        _create(webinar, owner)
        return True
    if webinar.exists_in_zoom and webinar.present and webinar.synced_version != webinar.version:
        fields: dict[str, object] = {"synced_version": webinar.version}
        if not webinar.attached:
            _update(webinar, owner)
            # Back at the session's time: a move in Zoom is undone, and no longer shown.
            fields |= (
                {"drift": "", "drift_start": None}
                if webinar.drift == ZoomMeeting.Drift.MOVED
                else {}
            )
        _save(webinar, owner, **fields)
        return True
    for registrant in webinar.registrants.all():
        if not registrant.in_sync and not (registrant.live and registrant.problem_code):
            _registrant_step(webinar, registrant)
            return True
    if not webinar.present and webinar.exists_in_zoom and not live:
        if not webinar.attached:
            _delete(webinar, owner)
        else:
            _save(webinar, owner, zoom_webinar_id=None)
        return True
    return False


def _create(webinar: ZoomWebinar, owner: str) -> None:
    if webinar.create_marker and _adopt(webinar, owner):
        return
    marker = marker_new()
    _save(webinar, owner, create_marker=marker)
    body = {
        "topic": webinar.topic,
        "type": 5,
        "start_time": _utc(webinar.start),
        "duration": webinar.duration_minutes,
        "timezone": webinar.time_zone,
        "agenda": agenda_marked(webinar.agenda, marker),
        # Registration required, approved automatically: every invitee gets their own link.
        "settings": {"approval_type": 0, "registration_type": 1},
    }
    try:
        created = _zoom(
            webinar,
            lambda token, context: endpoints.webinar_create(
                access_token=token, context=context, body=body
            ),
        )
    except ZoomRejected as refused:
        _save(webinar, owner, create_marker="")
        if refused.code == LICENCE_CODE:
            _no_licence(webinar, owner)
            return
        raise Fail(Problem.WEBINAR_CREATE_REFUSED, refused.message) from None
    _save(
        webinar,
        owner,
        zoom_webinar_id=int(created["id"]),
        zoom_uuid=str(created.get("uuid") or ""),
        synced_version=webinar.version,
        create_marker="",
    )
    ZoomUser.objects.filter(zoom_user_id=webinar.zoom_user_id).update(webinar_licence=True)


def _adopt(webinar: ZoomWebinar, owner: str) -> bool:
    page = _zoom(
        webinar,
        lambda token, context: endpoints.webinars_upcoming(access_token=token, context=context),
    )
    for item in page.get("webinars") or []:
        if carries_marker(item, webinar.create_marker):
            _save(
                webinar,
                owner,
                zoom_webinar_id=int(item["id"]),
                zoom_uuid=str(item.get("uuid") or ""),
                synced_version=0,
                create_marker="",
            )
            return True
    _save(webinar, owner, create_marker="")
    return False


def _no_licence(webinar: ZoomWebinar, owner: str) -> None:
    """Zoom says the account can't host webinars: a meeting instead, or no link, never
    silently."""
    zoom_user = ZoomUser.objects.filter(zoom_user_id=webinar.zoom_user_id).first()
    email = zoom_user.email if zoom_user else "of this host"
    ZoomUser.objects.filter(zoom_user_id=webinar.zoom_user_id).update(webinar_licence=False)
    if not webinar.fallback_to_meeting:
        raise Fail(Problem.NO_LICENCE, email)
    with transaction.atomic():
        meeting = ZoomMeeting.objects.create(
            organization_id=webinar.organization_id,
            group_session_id=webinar.group_session_id,
            host_id=webinar.host_id,
            connection_id=webinar.connection_id,
            zoom_user_id=webinar.zoom_user_id,
            present=True,
            topic=webinar.topic,
            agenda=webinar.agenda,
            start=webinar.start,
            duration_minutes=webinar.duration_minutes,
            time_zone=webinar.time_zone,
        )
        for registrant in webinar.registrants.filter(live=True):
            ZoomMeetingBooking.objects.create(meeting=meeting, booking_id=registrant.booking_id)
        _save(
            webinar,
            owner,
            state=State.FELL_BACK,
            **problem_fields(Problem.NO_LICENCE_FELL_BACK, email),
        )
        enqueue_on_commit(zoom_meeting_sync, meeting.id)
    log.info("zoom.webinar.fell-back webinar=%s meeting=%s", webinar.id, meeting.id)


def _update(webinar: ZoomWebinar, owner: str) -> None:
    assert webinar.zoom_webinar_id is not None
    webinar_id = webinar.zoom_webinar_id
    body = {
        "start_time": _utc(webinar.start),
        "duration": webinar.duration_minutes,
        "topic": webinar.topic,
    }
    _zoom(  # gone in Zoom (404): `_step_unless_gone` records it
        webinar,
        lambda token, context: endpoints.webinar_update(
            access_token=token, context=context, webinar_id=webinar_id, body=body
        ),
    )


def _delete(webinar: ZoomWebinar, owner: str) -> None:
    assert webinar.zoom_webinar_id is not None
    webinar_id = webinar.zoom_webinar_id
    with contextlib.suppress(ZoomNotFound):  # already gone is what was wanted
        _zoom(
            webinar,
            lambda token, context: endpoints.webinar_delete(
                access_token=token, context=context, webinar_id=webinar_id
            ),
        )
    _save(webinar, owner, zoom_webinar_id=None, synced_version=webinar.version)


def _registrant_step(webinar: ZoomWebinar, registrant: ZoomRegistrant) -> None:
    assert webinar.zoom_webinar_id is not None
    webinar_id = webinar.zoom_webinar_id
    if not registrant.live and not registrant.registrant_id:
        _find_registrant(webinar, registrant)  # a lost add: cancel it once found
        return
    if not registrant.live:
        try:
            _zoom(
                webinar,
                booking_id=registrant.booking_id,
                call=lambda token, context: endpoints.registrant_cancel(
                    access_token=token,
                    context=context,
                    webinar_id=webinar_id,
                    registrant_id=registrant.registrant_id,
                    email=registrant.email,
                ),
            )
        except (ZoomNotFound, ZoomRejected) as gone:
            log.info("zoom.registrant.cancel-refused code=%s", gone.code)
        ZoomRegistrant.objects.filter(pk=registrant.pk).update(cancelled_in_zoom=True)
        return
    if registrant.add_uncertain and _find_registrant(webinar, registrant):
        return
    ZoomRegistrant.objects.filter(pk=registrant.pk).update(add_uncertain=True)
    body = {
        "email": registrant.email,
        "first_name": registrant.first_name,
        "last_name": registrant.last_name,
    }
    try:
        added = _zoom(
            webinar,
            booking_id=registrant.booking_id,
            call=lambda token, context: endpoints.registrant_add(
                access_token=token, context=context, webinar_id=webinar_id, body=body
            ),
        )
    except ZoomRejected as refused:
        with transaction.atomic():
            ZoomRegistrant.objects.filter(pk=registrant.pk).update(
                add_uncertain=False, **_registrant_problem(refused)
            )
            seam.link_ready(registrant.booking_id)  # no link will come: stop waiting for it
        return
    _registered(registrant, str(added["registrant_id"]), str(added.get("join_url") or ""))


def _registrant_problem(refused: ZoomError) -> dict[str, str]:
    if refused.code == HOST_CANNOT_REGISTER:
        return problem_fields(Problem.HOST_REGISTERED)
    return problem_fields(Problem.REGISTRATION_REFUSED, refused.message)


def _find_registrant(webinar: ZoomWebinar, registrant: ZoomRegistrant) -> bool:
    assert webinar.zoom_webinar_id is not None
    webinar_id = webinar.zoom_webinar_id
    page = _zoom(
        webinar,
        lambda token, context: endpoints.registrants_approved(
            access_token=token, context=context, webinar_id=webinar_id
        ),
    )
    for item in page.get("registrants") or []:
        if str(item.get("email", "")).lower() == registrant.email.lower():
            _registered(registrant, str(item["id"]), str(item.get("join_url") or ""))
            return True
    ZoomRegistrant.objects.filter(pk=registrant.pk).update(add_uncertain=False)
    return False


def _registered(registrant: ZoomRegistrant, registrant_id: str, join_url: str) -> None:
    with transaction.atomic():
        ZoomRegistrant.objects.filter(pk=registrant.pk).update(
            registrant_id=registrant_id,
            join_url=join_url,
            add_uncertain=False,
            **problem_fields(),
        )
        if registrant.live:
            seam.link_ready(registrant.booking_id)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
