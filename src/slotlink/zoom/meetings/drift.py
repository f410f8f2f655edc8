"""What changed in Zoom: meeting (and webinar) events from webhooks, and what the hourly
reconcile finds.

Zoom sends `meeting.created`, `meeting.updated` and `meeting.deleted` (and the `webinar.*`
ones) for slotlink's own changes too. Those echoes are recognised against the synced state
(the Zoom id, the create marker in the agenda, the start slotlink set, a delete slotlink
wanted) and cost nothing: no Zoom call, no email, no change. They are recognised as they
arrive (`event_settled`), so they run no task either. A meeting deleted or moved by
someone in Zoom is recorded on its row ("removed in Zoom", "moved in Zoom to ...") and its
host told; nothing is put back on its own. Deleting or moving one occurrence concerns only
that occurrence, and slotlink's meetings have none.

The rules are the same for webinars: a `Kind` says which table, which Zoom id and which
task tells the host, and how an occurrence maps to a row (webinars/drift.py).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from slotlink.zoom.models import ZoomMeeting, ZoomUser, ZoomWebinar
from slotlink.zoom.notice_tasks import zoom_notice_enqueue
from slotlink.zoom.notices import NoticeKind
from slotlink.zoom.sync.marker import MARKER_PREFIX, marker_of
from slotlink.zoom.timeparse import parse_time

log = logging.getLogger("slotlink.zoom")
Drift = ZoomMeeting.Drift
Row = ZoomMeeting | ZoomWebinar
Payload = dict[str, Any]


def _no_occurrences(row: Row, payload: Payload) -> datetime | None:
    return None


@dataclass(frozen=True)
class Kind:
    """What the drift rules need to know of meetings, or of webinars."""

    noun: str  # "meeting" or "webinar", as in Zoom's event names
    model: type[ZoomMeeting] | type[ZoomWebinar]
    zoom_id_field: str
    notice: str  # the NoticeKind (zoom/notices.py) that tells the host
    # The start an occurrence event moved this row to (or, for a delete, the row's own
    # start when the deleted occurrence is the row's); None when no occurrence is the row's.
    occurrence_start: Callable[[Row, Payload], datetime | None] = _no_occurrences

    def zoom_id(self, row: Row) -> int | None:
        value: int | None = getattr(row, self.zoom_id_field)
        return value

    def rows(self) -> Any:
        return self.model.objects


MEETING = Kind("meeting", ZoomMeeting, "zoom_meeting_id", "meeting_drift")


def _zoom_id(payload: Payload) -> int | None:
    raw = (payload.get("object") or {}).get("id")
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None


def _find(kind: Kind, payload: Payload, *, lock: bool) -> Row | None:
    zoom_id = _zoom_id(payload)
    if zoom_id is None:
        return None
    rows = kind.rows().select_for_update() if lock else kind.rows()
    found: Row | None = rows.filter(**{kind.zoom_id_field: zoom_id}).first()
    if found is not None and not _same_owner(found, payload):
        log.warning(
            "zoom.webhook.foreign-owner kind=%s id=%s zoom_id=%s", kind.noun, found.id, zoom_id
        )
        return None
    return found


def _same_owner(row: Row, payload: Payload) -> bool:
    """Whether the event is about this row's Zoom account and user. A Zoom id alone is not
    enough: an event signed with our secret but naming another account or host (a replay
    into the wrong install, a forged test event) must not mark our meeting moved. Where the
    event or the row leaves one out (older rows, some of Zoom's variants), it isn't held
    against it."""
    if not row.zoom_user_id:
        return True
    host_id = str((payload.get("object") or {}).get("host_id") or "")
    if host_id and host_id != row.zoom_user_id:
        return False
    account_id = str(payload.get("account_id") or "")
    if not account_id:
        return True
    known = (
        ZoomUser.objects.filter(zoom_user_id=row.zoom_user_id)
        .values_list("zoom_account_id", flat=True)
        .first()
    )
    return not known or known == account_id


def _tell_host(kind: Kind, row: Row) -> None:
    zoom_notice_enqueue(kind=NoticeKind(kind.notice), object_id=row.id)


def synced_start(row: Row) -> datetime:
    """Where slotlink last put the row in Zoom (a webinar's start never moves)."""
    return getattr(row, "synced_start", None) or row.start


def _created_settled(kind: Kind, payload: Payload, row: Row | None) -> str:
    """Only slotlink creates slotlink's meetings: a created event is always an echo (or a
    meeting someone else made, which is none of slotlink's business)."""
    agenda = str((payload.get("object") or {}).get("agenda") or "")
    if row is not None or MARKER_PREFIX in agenda:
        return "echo of slotlink's own create"
    return f"ignored: not a slotlink {kind.noun}"


def _moved_to(kind: Kind, payload: Payload, row: Row) -> datetime | None:
    changed = payload.get("object") or {}
    if changed.get("occurrences"):
        return kind.occurrence_start(row, payload)
    return parse_time(changed.get("start_time"))


def _updated_settled(kind: Kind, payload: Payload, row: Row | None) -> str | None:
    occurrence = bool((payload.get("object") or {}).get("occurrences"))
    if row is None:
        return f"ignored: not a slotlink {kind.noun}"
    start = _moved_to(kind, payload, row)
    if occurrence and start is None:
        return f"ignored: an occurrence changed that is not this {kind.noun}'s"
    if start is None or start in (synced_start(row), row.start):
        return "echo (or a change of no concern): nothing to do"
    return None


def _deleted_settled(kind: Kind, payload: Payload, row: Row | None) -> str | None:
    if row is None:
        return f"echo of slotlink's own delete (or not a slotlink {kind.noun})"
    if (payload.get("object") or {}).get("occurrences") and not kind.occurrence_start(row, payload):
        return f"ignored: an occurrence was deleted that is not this {kind.noun}'s"
    if not row.present:
        return "echo of slotlink's own delete, not yet recorded"
    return None


_SETTLED = {
    "created": _created_settled,
    "updated": _updated_settled,
    "deleted": _deleted_settled,
}


def event_settled(kind: Kind, notification: dict[str, Any]) -> str | None:
    """What a meeting (or webinar) event comes to when there is nothing to do (an echo of
    slotlink's own change, an occurrence, one that isn't slotlink's), read at receipt
    without a lock; None when its handler must look again under the row's lock and may
    act. Each of slotlink's own creates, moves and deletes is echoed, so this spares each a
    task."""
    noun, _, verb = str(notification.get("event")).partition(".")
    settled = _SETTLED.get(verb)
    if settled is None or noun != kind.noun:
        return None
    payload = notification.get("payload") or {}
    return settled(kind, payload, _find(kind, payload, lock=False))


def _moved(kind: Kind, row: Row, payload: Payload) -> str:
    row.drift = Drift.MOVED
    row.drift_start = _moved_to(kind, payload, row)
    row.updated_at = timezone.now()
    row.save(update_fields=["drift", "drift_start", "updated_at"])
    _tell_host(kind, row)
    log.info("zoom.%s.moved-in-zoom id=%s", kind.noun, row.id)
    return "moved in Zoom: recorded, host told"


def _removed(kind: Kind, row: Row, payload: Payload) -> str:
    row_removed(kind, row)
    return "removed in Zoom: recorded, host told"


def created_handle(kind: Kind, notification: dict[str, Any]) -> str:
    payload = notification.get("payload") or {}
    return _created_settled(kind, payload, _find(kind, payload, lock=True))


def _handled(
    kind: Kind,
    settled: Callable[[Kind, Payload, Row | None], str | None],
    act: Callable[[Kind, Row, Payload], str],
    notification: dict[str, Any],
) -> str:
    """Look again under the row's lock, and `act` only if there is still something to do."""
    payload = notification.get("payload") or {}
    row = _find(kind, payload, lock=True)
    result = settled(kind, payload, row)
    if result is not None:
        return result
    assert row is not None
    return act(kind, row, payload)


updated_handle = partial(_handled, settled=_updated_settled, act=_moved)
deleted_handle = partial(_handled, settled=_deleted_settled, act=_removed)


def meeting_event_settled(notification: dict[str, Any]) -> str | None:
    return event_settled(MEETING, notification)


def meeting_created_handle(notification: dict[str, Any]) -> str:
    return created_handle(MEETING, notification)


def meeting_updated_handle(notification: dict[str, Any]) -> str:
    return updated_handle(MEETING, notification=notification)


def meeting_deleted_handle(notification: dict[str, Any]) -> str:
    return deleted_handle(MEETING, notification=notification)


def row_removed(kind: Kind, row: Row) -> None:
    """Call with the row locked, in a transaction."""
    if row.drift == Drift.REMOVED:
        return
    row.drift = Drift.REMOVED
    row.updated_at = timezone.now()
    row.save(update_fields=["drift", "updated_at"])
    _tell_host(kind, row)
    log.info("zoom.%s.removed-in-zoom id=%s", kind.noun, row.id)


def meeting_removed(meeting: ZoomMeeting) -> None:
    row_removed(MEETING, meeting)


def compare(
    kind: Kind,
    *,
    zoom_user_id: str,
    listed: list[dict[str, Any]],
    moves_seen: Callable[[Row], bool] = lambda row: True,
) -> list[int]:
    """Compare slotlink's synced rows on this account with Zoom's list of what has not
    ended: record what was removed or moved in Zoom (webhooks get dropped after 3 retries;
    a move only where `moves_seen`); return the ids of Zoom meetings (or webinars) slotlink
    made that nothing wants any more (orphans to delete)."""
    by_id = {int(item["id"]): item for item in listed if str(item.get("id", "")).isdigit()}
    now = timezone.now()
    with transaction.atomic():
        ours = (
            kind.rows()
            .select_for_update()
            .filter(zoom_user_id=zoom_user_id, **{f"{kind.zoom_id_field}__isnull": False})
        )
        known = set()
        for row in ours:
            zoom_id = kind.zoom_id(row)
            assert zoom_id is not None
            known.add(zoom_id)
            item = by_id.get(zoom_id)
            busy = row.lease_until is not None and row.lease_until > now
            if not row.present or not row.in_sync or busy or row.start <= now:
                continue
            if item is None:
                row_removed(kind, row)
                continue
            start = parse_time(item.get("start_time"))
            moved = start is not None and start != synced_start(row)
            if moved and row.drift != Drift.MOVED and moves_seen(row):
                row.drift, row.drift_start = Drift.MOVED, start
                row.save(update_fields=["drift", "drift_start"])
                _tell_host(kind, row)
    # A create whose answer is still on its way carries a marker some row is waiting on:
    # that one is wanted, not an orphan.
    in_flight = set(kind.rows().exclude(create_marker="").values_list("create_marker", flat=True))
    return [
        zoom_id
        for zoom_id, item in by_id.items()
        if zoom_id not in known and (marker := _marker(item)) and marker not in in_flight
    ]


def meetings_compare(*, zoom_user_id: str, listed: list[dict[str, Any]]) -> list[int]:
    return compare(MEETING, zoom_user_id=zoom_user_id, listed=listed)


def _marker(item: dict[str, Any]) -> str:
    return marker_of(str(item.get("agenda") or ""))
