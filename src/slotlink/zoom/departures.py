"""A departed member's own Zoom, closed once its meetings are done (members.py says when a
member leaves): slotlink's access revoked at Zoom, the connection and its tokens deleted."""

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from slotlink.zoom.connections import zoom_connection_disconnect
from slotlink.zoom.models import ZoomConnection, ZoomMeeting, ZoomWebinar

log = logging.getLogger("slotlink.zoom")

CLOSE_RETRY = timedelta(seconds=30)
CLOSE_ATTEMPTS = 120  # an hour of waiting for Zoom, at most


def _has_zoom_work(connection: ZoomConnection) -> bool:
    """Whether meetings or webinars on this connection still have changes to make in Zoom."""
    meetings = [ZoomMeeting.State.PENDING, ZoomMeeting.State.WAITING]
    webinars = [ZoomWebinar.State.PENDING, ZoomWebinar.State.WAITING]
    return (
        ZoomMeeting.objects.filter(connection=connection, state__in=meetings).exists()
        or ZoomWebinar.objects.filter(connection=connection, state__in=webinars).exists()
    )


def departed_connection_close(*, connection_id: int, attempt: int) -> datetime | None:
    """Revoke a departed member's Zoom at Zoom and delete it, once its meetings have no
    change left to make (or after CLOSE_ATTEMPTS tries, whatever is left). Returns when to
    try again, or None when done."""
    connection = ZoomConnection.objects.select_related("zoom_user").filter(pk=connection_id).first()
    if connection is None:
        return None  # disconnected meanwhile
    if attempt < CLOSE_ATTEMPTS and _has_zoom_work(connection):
        return timezone.now() + CLOSE_RETRY
    zoom_connection_disconnect(connection=connection)
    log.info("zoom.connection.closed-after-member-left connection=%s", connection_id)
    return None
