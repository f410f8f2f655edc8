"""The meetings' background work: each task calls a service and comes back when told to."""

from django_tasks import task

from slotlink.zoom.meetings.reconcile import meetings_due, zoom_user_reconcile, zoom_users_due
from slotlink.zoom.meetings.sync import meeting_sync
from slotlink.zoom.sync.outcomes import sync_task_run


@task()
def zoom_meeting_sync(meeting_id: int) -> None:
    """Bring a booking's Zoom meeting in line; come back when it must wait."""
    sync_task_run(
        zoom_meeting_sync, meeting_id, kind="meeting", sync=lambda pk: meeting_sync(meeting_id=pk)
    )


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
