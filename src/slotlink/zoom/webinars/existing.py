"""The host's own upcoming webinars on their own Zoom, for an event type to attach to.

Listed from Zoom each time the editor asks (one call), for the host's personal connection
only: a co-worker's connection never lists anything (the connector article's "Why can't I
see our webinars when my co-worker has already connected?").
"""

from slotlink.conferencing.seam import ExistingEvent
from slotlink.zoom import endpoints, selectors
from slotlink.zoom.errors import ZoomError
from slotlink.zoom.synclog import connection_context
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
    return [
        ExistingEvent(
            reference=str(item["id"]),
            label=f"{item.get('topic') or 'Webinar'} ({item.get('start_time') or 'no fixed time'})",
        )
        for item in page.get("webinars") or []
        if str(item.get("id", "")).isdigit()
    ]
