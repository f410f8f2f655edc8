"""Zoom's background work: each task loads by id and calls a service."""

import logging

from django_tasks import task

from slotlink.zoom.emails import connection_broken_email
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
