"""Zoom's background work: each task loads by id and calls a service."""

import logging

from django_tasks import task

from slotlink.zoom.emails import connection_broken_email
from slotlink.zoom.metrics import sync_timed
from slotlink.zoom.models import ZoomConnection, ZoomUser

log = logging.getLogger("slotlink.zoom")


@task()
def connection_broken_notify(connection_id: int) -> None:
    """Tell the connection's owner it broke (once per break: see `zoom_user_break`)."""
    connection = (
        ZoomConnection.objects.select_related("zoom_user", "owner", "organization")
        .filter(id=connection_id)
        .first()
    )
    if connection is None or connection.zoom_user.status != ZoomUser.Status.BROKEN:
        return  # disconnected or reconnected meanwhile: nothing to say
    connection_broken_email(connection=connection).send()
    log.info("zoom.connection.broken-email-sent connection=%s", connection_id)


@task()
def webhook_event_handle(event_id: int) -> None:
    from slotlink.zoom.webhooks import webhook_event_process

    webhook_event_process(event_id=event_id)


@task()
def zoom_meeting_sync(meeting_id: int) -> None:
    """Bring a booking's Zoom meeting in line; come back when it must wait."""
    from slotlink.zoom.meetings.sync import meeting_sync

    with sync_timed("meeting"):
        result = meeting_sync(meeting_id=meeting_id)
    if result.retry_at is not None:
        zoom_meeting_sync.using(run_after=result.retry_at).enqueue(meeting_id)


@task()
def zoom_connection_close(connection_id: int, attempt: int = 1) -> None:
    """A departed member's Zoom: revoke and delete it once its meetings are done."""
    from slotlink.zoom.members import zoom_connection_close as close

    retry_at = close(connection_id=connection_id, attempt=attempt)
    if retry_at is not None:
        zoom_connection_close.using(run_after=retry_at).enqueue(connection_id, attempt + 1)


@task()
def meeting_failed_notify(meeting_id: int) -> None:
    from slotlink.zoom.meetings.notify import meeting_host_tell

    meeting_host_tell(meeting_id=meeting_id, about="failed")


@task()
def meeting_drift_notify(meeting_id: int) -> None:
    from slotlink.zoom.meetings.notify import meeting_host_tell

    meeting_host_tell(meeting_id=meeting_id, about="drift")


@task()
def meeting_unrouted_notify(meeting_id: int) -> None:
    from slotlink.zoom.meetings.notify import meeting_host_tell

    meeting_host_tell(meeting_id=meeting_id, about="unrouted")


@task()
def webinar_drift_notify(webinar_id: int) -> None:
    from slotlink.zoom.meetings.notify import webinar_host_tell

    webinar_host_tell(webinar_id=webinar_id, about="drift")


@task()
def zoom_sweep() -> None:
    """Restart syncs that waited long enough or were lost with a worker."""
    from slotlink.zoom.meetings.reconcile import meetings_due

    for meeting_id in meetings_due():
        zoom_meeting_sync.enqueue(meeting_id)


@task()
def zoom_reconcile() -> None:
    """Compare each connected account's upcoming meetings with slotlink's, hourly each."""
    from slotlink.zoom.meetings.reconcile import zoom_user_reconcile, zoom_users_due

    for zoom_user_id in zoom_users_due():
        zoom_user_reconcile(zoom_user_id=zoom_user_id)


@task()
def zoom_webinar_sync(webinar_id: int) -> None:
    """Bring a group session's webinar and registrants in line; come back when it must wait."""
    from slotlink.zoom.webinars.sync import webinar_sync

    with sync_timed("webinar"):
        result = webinar_sync(webinar_id=webinar_id)
    if result.retry_at is not None:
        zoom_webinar_sync.using(run_after=result.retry_at).enqueue(webinar_id)


@task()
def zoom_attendance() -> None:
    """Read attendance of webinars that have ended (once each, a while after the end)."""
    from slotlink.zoom.webinars.attendance import attendance_due, attendance_read

    for webinar_id in attendance_due():
        attendance_read(webinar_id=webinar_id)
