"""The meetings' background work: each task calls a service and comes back when told to."""

from django_tasks import task

from slotlink.zoom.meetings.reconcile import meetings_due, zoom_user_reconcile, zoom_users_due
from slotlink.zoom.meetings.sync import meeting_sync
from slotlink.zoom.metrics import sync_timed


@task()
def zoom_meeting_sync(meeting_id: int) -> None:
    """Bring a booking's Zoom meeting in line; come back when it must wait."""
    with sync_timed("meeting"):
        result = meeting_sync(meeting_id=meeting_id)
    if result.retry_at is not None:
        zoom_meeting_sync.using(run_after=result.retry_at).enqueue(meeting_id)


@task()
def zoom_sweep() -> None:
    """Restart syncs that waited long enough or were lost with a worker."""
    for meeting_id in meetings_due():
        zoom_meeting_sync.enqueue(meeting_id)


@task()
def zoom_reconcile() -> None:
    """Compare each connected account's upcoming meetings with slotlink's, hourly each."""
    for zoom_user_id in zoom_users_due():
        zoom_user_reconcile(zoom_user_id=zoom_user_id)
