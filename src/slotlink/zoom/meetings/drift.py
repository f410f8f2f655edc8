"""What changed in Zoom: meeting events from webhooks, and what the hourly reconcile finds.

Zoom sends `meeting.created`, `meeting.updated` and `meeting.deleted` for slotlink's own
changes too. Those echoes are recognised against the synced state (the meeting id, the
create marker in the agenda, the start slotlink set, a delete slotlink wanted) and cost
nothing: no Zoom call, no email, no change. They are recognised as they arrive
(`meeting_event_settled`), so they run no task either. A meeting deleted or moved by
someone in Zoom is recorded on the booking ("removed in Zoom", "moved in Zoom to ...") and
its host told; nothing is put back on its own. Deleting one occurrence concerns only that
occurrence, and slotlink's meetings have none.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom.models import ZoomMeeting
from slotlink.zoom.timeparse import parse_time

log = logging.getLogger("slotlink.zoom")
Drift = ZoomMeeting.Drift
MARKER_PREFIX = "slotlink-ref:"


def _meeting_id(payload: dict[str, Any]) -> int | None:
    raw = (payload.get("object") or {}).get("id")
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None


def _ours(zoom_id: int | None) -> ZoomMeeting | None:
    if zoom_id is None:
        return None
    return ZoomMeeting.objects.select_for_update().filter(zoom_meeting_id=zoom_id).first()


def _tell_host(meeting: ZoomMeeting) -> None:
    from slotlink.zoom.tasks import meeting_drift_notify

    enqueue_on_commit(meeting_drift_notify, meeting.id)


def _created_settled(payload: dict[str, Any], meeting: ZoomMeeting | None) -> str:
    """Only slotlink creates slotlink's meetings: a created event is always an echo (or a
    meeting someone else made, which is none of slotlink's business)."""
    agenda = str((payload.get("object") or {}).get("agenda") or "")
    if meeting is not None or MARKER_PREFIX in agenda:
        return "echo of slotlink's own create"
    return "ignored: not a slotlink meeting"


def _updated_settled(payload: dict[str, Any], meeting: ZoomMeeting | None) -> str | None:
    changed = payload.get("object") or {}
    if changed.get("occurrences"):
        return "ignored: an occurrence changed (slotlink's meetings have none)"
    if meeting is None:
        return "ignored: not a slotlink meeting"
    start = parse_time(changed.get("start_time"))
    if start is None or start in (meeting.synced_start, meeting.start):
        return "echo (or a change of no concern): nothing to do"
    return None


def _deleted_settled(payload: dict[str, Any], meeting: ZoomMeeting | None) -> str | None:
    if (payload.get("object") or {}).get("occurrences"):
        return "ignored: an occurrence was deleted (slotlink's meetings have none)"
    if meeting is None:
        return "echo of slotlink's own delete (or not a slotlink meeting)"
    if not meeting.present:
        return "echo of slotlink's own delete, not yet recorded"
    return None


_SETTLED = {
    "meeting.created": _created_settled,
    "meeting.updated": _updated_settled,
    "meeting.deleted": _deleted_settled,
}


def meeting_event_settled(notification: dict[str, Any]) -> str | None:
    """What a meeting event comes to when there is nothing to do (an echo of slotlink's own
    change, an occurrence, a meeting that isn't slotlink's), read at receipt without a
    lock; None when its handler must look again under the meeting's lock and may act. Each
    of slotlink's own creates, moves and deletes is echoed, so this spares each a task."""
    settled = _SETTLED.get(str(notification.get("event")))
    if settled is None:
        return None
    payload = notification.get("payload") or {}
    zoom_id = _meeting_id(payload)
    meeting = None
    if zoom_id is not None:
        meeting = ZoomMeeting.objects.filter(zoom_meeting_id=zoom_id).first()
    return settled(payload, meeting)


def _handled(
    notification: dict[str, Any],
    settled: Callable[[dict[str, Any], ZoomMeeting | None], str | None],
    act: Callable[[ZoomMeeting, dict[str, Any]], str],
) -> str:
    """Look again under the meeting's lock, and `act` only if there is still something to do."""
    payload = notification.get("payload") or {}
    meeting = _ours(_meeting_id(payload))
    result = settled(payload, meeting)
    if result is not None:
        return result
    assert meeting is not None
    return act(meeting, payload)


def _moved(meeting: ZoomMeeting, payload: dict[str, Any]) -> str:
    meeting.drift = Drift.MOVED
    meeting.drift_start = parse_time((payload.get("object") or {}).get("start_time"))
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["drift", "drift_start", "updated_at"])
    _tell_host(meeting)
    log.info("zoom.meeting.moved-in-zoom meeting=%s", meeting.id)
    return "moved in Zoom: recorded, host told"


def _removed(meeting: ZoomMeeting, payload: dict[str, Any]) -> str:
    meeting_removed(meeting)
    return "removed in Zoom: recorded, host told"


def meeting_created_handle(notification: dict[str, Any]) -> str:
    payload = notification.get("payload") or {}
    return _created_settled(payload, _ours(_meeting_id(payload)))


def meeting_updated_handle(notification: dict[str, Any]) -> str:
    return _handled(notification, _updated_settled, _moved)


def meeting_deleted_handle(notification: dict[str, Any]) -> str:
    return _handled(notification, _deleted_settled, _removed)


def meeting_removed(meeting: ZoomMeeting) -> None:
    """Call with the row locked, in a transaction."""
    if meeting.drift == Drift.REMOVED:
        return
    meeting.drift = Drift.REMOVED
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["drift", "updated_at"])
    _tell_host(meeting)
    log.info("zoom.meeting.removed-in-zoom meeting=%s", meeting.id)


def meetings_compare(*, zoom_user_id: str, listed: list[dict[str, Any]]) -> list[int]:
    """Compare slotlink's synced meetings on this account with Zoom's upcoming list: record
    what was removed or moved in Zoom (webhooks get dropped after 3 retries); return the ids
    of Zoom meetings slotlink made that no booking wants any more (orphans to delete)."""
    by_id = {int(item["id"]): item for item in listed if str(item.get("id", "")).isdigit()}
    now = timezone.now()
    with transaction.atomic():
        ours = ZoomMeeting.objects.select_for_update().filter(
            zoom_user_id=zoom_user_id, zoom_meeting_id__isnull=False
        )
        known = set()
        for meeting in ours:
            assert meeting.zoom_meeting_id is not None
            known.add(meeting.zoom_meeting_id)
            item = by_id.get(meeting.zoom_meeting_id)
            busy = meeting.lease_until is not None and meeting.lease_until > now
            if not meeting.present or not meeting.in_sync or busy or meeting.start <= now:
                continue
            if item is None:
                meeting_removed(meeting)
                continue
            start = parse_time(item.get("start_time"))
            if start is not None and start != meeting.synced_start and meeting.drift != Drift.MOVED:
                meeting.drift, meeting.drift_start = Drift.MOVED, start
                meeting.save(update_fields=["drift", "drift_start"])
                _tell_host(meeting)
    # A create whose answer is still on its way carries a marker some row is waiting on:
    # that meeting is wanted, not an orphan.
    in_flight = set(
        ZoomMeeting.objects.exclude(create_marker="").values_list("create_marker", flat=True)
    )
    return [
        zoom_id
        for zoom_id, item in by_id.items()
        if zoom_id not in known and (marker := _marker(item)) and marker not in in_flight
    ]


def _marker(item: dict[str, Any]) -> str:
    agenda = str(item.get("agenda") or "")
    if MARKER_PREFIX not in agenda:
        return ""
    return (
        agenda.rsplit(MARKER_PREFIX, 1)[1].strip().split()[0]
        if agenda.rsplit(MARKER_PREFIX, 1)[1].strip()
        else ""
    )
