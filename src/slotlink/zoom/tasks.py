"""Zoom's background work: each task loads by id and calls a service."""

import logging

from django_tasks import task

from slotlink.core.mail import notice_task_run
from slotlink.zoom.metrics import sync_timed

log = logging.getLogger("slotlink.zoom")


@task()
def zoom_notice_send(kind: str, object_id: int, attempt: int = 1) -> None:
    """Tell a host about a Zoom problem, once (zoom/notices.py): retried while the mail
    server refuses, failing after the last attempt."""
    from slotlink.zoom.notices import NoticeKind, zoom_notice_builder, zoom_notice_key

    about = NoticeKind(kind)
    notice_task_run(
        zoom_notice_send,
        attempt,
        kind,
        object_id,
        key=zoom_notice_key(kind=about, object_id=object_id),
        build=zoom_notice_builder(kind=about, object_id=object_id),
    )


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
