"""The host's actions on a booking's meeting: Recreate meeting, Move it back, Try again,
and Create Zoom meeting for one that was never made.

Nothing is recreated or moved back on its own: a meeting removed or moved in Zoom stays so
until the host asks, because the host may have had a reason. Likewise a booking made while
Zoom was off (or no account resolved) gets its meeting when the host asks, once all the
checks hold; its invitees then get the link by email, as for any late link.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks.base import Task

from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom import selectors
from slotlink.zoom.meetings.details import unrouted_reason
from slotlink.zoom.meetings.tasks import zoom_meeting_sync
from slotlink.zoom.models import ZoomMeeting, ZoomWebinar
from slotlink.zoom.problems import RECONNECT_FIXES, problem_fields

Drift = ZoomMeeting.Drift


class FixRefused(Exception):
    """The action can't be done as things stand; `message` says why. Nothing changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Changes = tuple[dict[str, object], str]  # the row's new fields, and what was done in words


def row_fix(
    model: type[ZoomMeeting] | type[ZoomWebinar],
    pk: int,
    *,
    sync: Task[Any, Any],
    noun: str,
    changes: Callable[[Any], Changes],
) -> str:
    """Do what the booking's action offers on a meeting (or webinar) `model` row, under its
    lock: `changes` says what to change for its drift. Its problem, its attempts and that
    its host was told are cleared, so a new problem is told again; the sync runs again."""
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=pk)
        # A meeting never made (UNROUTED) isn't `present`, yet its live bookings want it.
        wanted = row.present or (
            isinstance(row, ZoomMeeting)
            and row.state == ZoomMeeting.State.UNROUTED
            and row.bookings.filter(live=True).exists()
        )
        if not wanted:
            return f"This {noun} is no longer needed: its bookings were cancelled."
        fields, done = changes(row)
        fields |= {
            "state": model.State.PENDING,
            **problem_fields(),
            "attempts": 0,
            "next_attempt_at": None,
            "host_told_at": None,
            "updated_at": timezone.now(),
        }
        model.objects.filter(pk=row.pk).update(version=F("version") + 1, **fields)
        enqueue_on_commit(sync, row.id)
    return done


def _meeting_changes(meeting: ZoomMeeting) -> Changes:
    if meeting.state == ZoomMeeting.State.UNROUTED:
        return _routed_now(meeting)
    if meeting.drift == Drift.REMOVED:
        return (
            {"zoom_meeting_id": None, "join_url": "", "passcode": "", "drift": ""},
            "A new Zoom meeting is being created; its link follows by email.",
        )
    if meeting.drift == Drift.MOVED:
        return (
            {"synced_version": 0, "drift": "", "drift_start": None},
            "The Zoom meeting is being moved back to the booking's time.",
        )
    return {}, "slotlink is trying again."


def _routed_now(meeting: ZoomMeeting) -> Changes:
    """Create Zoom meeting: the account a booking made now would get, or `FixRefused` with
    the check that fails now."""
    routed = selectors.route(organization_id=meeting.organization_id, host_id=meeting.host_id)
    if routed is None:
        host = (meeting.organization_id, meeting.host_id)
        check = selectors.meeting_checks(hosts=[host])[host]
        raise FixRefused(f"No Zoom meeting could be created: {unrouted_reason(check)}")
    return (
        {
            "connection_id": routed.connection_id,
            "zoom_user_id": routed.zoom_user_id,
            "present": True,
        },
        "The Zoom meeting is being created; its link is emailed to the invitee.",
    )


def meeting_fix(*, meeting_id: int) -> str:
    """Do what the booking's action offers; returns what was done, in words, or raises
    `FixRefused` (nothing changed) when it can't be done now."""
    return row_fix(
        ZoomMeeting, meeting_id, sync=zoom_meeting_sync, noun="meeting", changes=_meeting_changes
    )


def meetings_retry_for(*, zoom_user_id: str, **signal: object) -> int:
    """A reconnected account: its meetings that failed for want of a connection try again
    (`connections.zoom_user_reconnected` calls it, with the signal's own arguments)."""
    failed = ZoomMeeting.objects.filter(
        zoom_user_id=zoom_user_id,
        state=ZoomMeeting.State.FAILED,
        problem_code__in=RECONNECT_FIXES,
    )
    ids = list(failed.values_list("id", flat=True))
    failed.update(
        state=ZoomMeeting.State.PENDING, **problem_fields(), host_told_at=None, attempts=0
    )
    for meeting_id in ids:
        enqueue_on_commit(zoom_meeting_sync, meeting_id)
    return len(ids)
