"""The webinars' background work: each task calls a service and comes back when told to."""

from django_tasks import task

from slotlink.zoom.sync.outcomes import sync_task_run
from slotlink.zoom.webinars.attendance import attendance_due, attendance_read
from slotlink.zoom.webinars.sync import webinar_sync


@task()
def zoom_webinar_sync(webinar_id: int) -> None:
    """Bring a group session's webinar and registrants in line; come back when it must wait."""
    sync_task_run(
        zoom_webinar_sync, webinar_id, kind="webinar", sync=lambda pk: webinar_sync(webinar_id=pk)
    )


@task()
def zoom_attendance() -> None:
    """Read attendance of webinars that have ended (once each, a while after the end)."""
    for webinar_id in attendance_due():
        attendance_read(webinar_id=webinar_id)
