"""What changed in Zoom for a session's webinar: `webinar.*` events and the hourly
reconcile, by the meetings' rules (meetings/drift.py).

A webinar deleted or moved by someone in Zoom is recorded on its row and shows on every
booking of the session, for the host, with the way back; its host is told once. Echoes of
slotlink's own creates, moves and deletes cost nothing. slotlink's own webinars never recur,
but one an event type attached to may: an event about one of its occurrences concerns the
session only when that occurrence is the session's (it started, or was to start, at the
session's start; Zoom's `occurrence_id` is that start in epoch milliseconds).
"""

from datetime import datetime
from typing import Any

from slotlink.zoom.meetings import drift
from slotlink.zoom.meetings.drift import Kind, Payload, Row
from slotlink.zoom.models import ZoomWebinar
from slotlink.zoom.timeparse import parse_time


def _occurrence_key(row: Row) -> str:
    return str(int(row.start.timestamp() * 1000))


def _occurrence_start(row: Row, payload: Payload) -> datetime | None:
    """The session's occurrence in the event: its start now (for a delete, the session's
    own start); None when no occurrence listed is the session's."""
    before = {
        str(o.get("occurrence_id")): parse_time(o.get("start_time"))
        for o in (payload.get("old_object") or {}).get("occurrences") or []
        if isinstance(o, dict)
    }
    for occurrence in (payload.get("object") or {}).get("occurrences") or []:
        if not isinstance(occurrence, dict):
            continue
        key = str(occurrence.get("occurrence_id"))
        start = parse_time(occurrence.get("start_time"))
        was = before.get(key) or (row.start if key == _occurrence_key(row) else None)
        if was == row.start or (was is None and start == row.start):
            return start or row.start
    return None


WEBINAR = Kind("webinar", ZoomWebinar, "zoom_webinar_id", "webinar_drift", _occurrence_start)


def webinar_event_settled(notification: dict[str, Any]) -> str | None:
    return drift.event_settled(WEBINAR, notification)


def webinar_created_handle(notification: dict[str, Any]) -> str:
    return drift.created_handle(WEBINAR, notification)


def webinar_updated_handle(notification: dict[str, Any]) -> str:
    return drift.updated_handle(WEBINAR, notification=notification)


def webinar_deleted_handle(notification: dict[str, Any]) -> str:
    return drift.deleted_handle(WEBINAR, notification=notification)


def webinars_compare(*, zoom_user_id: str, listed: list[dict[str, Any]]) -> list[int]:
    """The meetings' comparison for webinars. A webinar the host owns (attached) may
    recur, and Zoom lists a recurring one at its next occurrence: only its removal is
    read from the list."""
    return drift.compare(
        WEBINAR,
        zoom_user_id=zoom_user_id,
        listed=listed,
        moves_seen=lambda row: not getattr(row, "attached", False),
    )
