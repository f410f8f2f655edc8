"""The host's actions on a booking's meeting: Recreate meeting, Move it back, Try again.

Nothing is recreated or moved back on its own: a meeting removed or moved in Zoom stays so
until the host asks, because the host may have had a reason.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom.models import ZoomMeeting

Drift = ZoomMeeting.Drift


def meeting_fix(*, meeting_id: int) -> str:
    """Do what the booking's action offers; returns what was done, in words."""
    from slotlink.zoom.tasks import zoom_meeting_sync

    with transaction.atomic():
        meeting = ZoomMeeting.objects.select_for_update().get(pk=meeting_id)
        if not meeting.present:
            return "This meeting is no longer needed: its bookings were cancelled."
        fields: dict[str, object] = {
            "state": ZoomMeeting.State.PENDING,
            "problem": "",
            "attempts": 0,
            "next_attempt_at": None,
            "host_told_at": None,
            "updated_at": timezone.now(),
        }
        if meeting.drift == Drift.REMOVED:
            fields |= {"zoom_meeting_id": None, "join_url": "", "passcode": "", "drift": ""}
            done = "A new Zoom meeting is being created; its link follows by email."
        elif meeting.drift == Drift.MOVED:
            fields |= {"synced_version": 0, "drift": "", "drift_start": None}
            done = "The Zoom meeting is being moved back to the booking's time."
        else:
            done = "slotlink is trying again."
        ZoomMeeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1, **fields)
        enqueue_on_commit(zoom_meeting_sync, meeting.id)
    return done


def meetings_retry_for(*, zoom_user_id: str) -> int:
    """A reconnected account: its meetings that failed for want of a connection try again."""
    from slotlink.zoom.tasks import zoom_meeting_sync

    failed = ZoomMeeting.objects.filter(
        zoom_user_id=zoom_user_id,
        state=ZoomMeeting.State.FAILED,
        problem__icontains="reconnect",
    )
    ids = list(failed.values_list("id", flat=True))
    failed.update(state=ZoomMeeting.State.PENDING, problem="", host_told_at=None, attempts=0)
    for meeting_id in ids:
        enqueue_on_commit(zoom_meeting_sync, meeting_id)
    return len(ids)
