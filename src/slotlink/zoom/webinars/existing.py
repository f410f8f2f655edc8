"""The host's own upcoming webinars on their own Zoom, for an event type to attach to.

Listed from Zoom each time the editor asks (one call), for the host's personal connection
only: a co-worker's connection never lists anything (the connector article's "Why can't I
see our webinars when my co-worker has already connected?").
"""

from slotlink.accounts.models import User
from slotlink.conferencing.seam import ExistingEvent
from slotlink.core.times import short_when
from slotlink.zoom import endpoints, selectors
from slotlink.zoom.errors import ZoomError
from slotlink.zoom.synclog import connection_context
from slotlink.zoom.timeparse import parse_time
from slotlink.zoom.tokens import with_access_token


def host_webinars(*, organization_id: int, host_id: int) -> list[ExistingEvent]:
    connection = selectors.personal_connection(organization_id=organization_id, user_id=host_id)
    if connection is None or not connection.zoom_user.is_connected:
        return []
    zoom_user = connection.zoom_user
    context = connection_context(connection, organization_id=organization_id)
    try:
        page = with_access_token(
            zoom_user_id=zoom_user.id,
            context=context,
            call=lambda token, ctx: endpoints.webinars_upcoming(access_token=token, context=ctx),
        )
    except ZoomError:
        return []
    host = User.objects.get(pk=host_id)
    return [
        ExistingEvent(
            reference=str(item["id"]),
            label=f"{item.get('topic') or 'Webinar'} — {_when(item.get('start_time'), host)}",
        )
        for item in page.get("webinars") or []
        if str(item.get("id", "")).isdigit()
    ]


def _when(start_time: object, host: User) -> str:
    """As the host reads it: "Fri 1 Mar 2030, 4:00 PM (Europe/Berlin)", not Zoom's ISO
    string; a recurring webinar without a fixed time says so."""
    start = parse_time(start_time)
    if start is None:
        return "no fixed time"
    return short_when(start, time_zone=host.time_zone, clock=host.clock, year=True)
