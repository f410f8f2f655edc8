"""The host starts a webinar session from a booking's page, as its host.

Zoom's `start_url` signs whoever opens it in as the webinar's host, and it expires about
two hours after Zoom gives it out (REFERENCE §2.1, §3.1: "to retrieve the latest value ...
call the Get a webinar API"). So it is asked of Zoom when the host clicks, handed to the
host's browser as a redirect, and never stored, logged or emailed. The caller checks that
the one asking is the booking's host.
"""

from typing import Any
from urllib.parse import urlsplit

from slotlink.conferencing.seam import BookingRef, HostStartUnavailable
from slotlink.zoom import endpoints
from slotlink.zoom.errors import ZoomError, ZoomNotFound, ZoomUnauthorized
from slotlink.zoom.models import ZoomWebinar
from slotlink.zoom.synclog import CallContext, connection_context
from slotlink.zoom.tokens import with_access_token

NOT_IN_ZOOM = "This session's webinar isn't in Zoom (yet), so there is nothing to start."


def webinar_start_url(*, booking: BookingRef) -> str:
    """The start link of the booking's session's webinar, fresh from Zoom; raises
    `HostStartUnavailable` with words for the host when Zoom can't give one now."""
    if booking.group_session_id is None:
        raise HostStartUnavailable(NOT_IN_ZOOM)
    webinar = (
        ZoomWebinar.objects.select_related("connection__zoom_user")
        .filter(group_session_id=booking.group_session_id, present=True)
        .first()
    )
    if webinar is None or webinar.zoom_webinar_id is None or webinar.connection is None:
        raise HostStartUnavailable(NOT_IN_ZOOM)
    zoom_user = webinar.connection.zoom_user
    context = connection_context(webinar.connection, organization_id=webinar.organization_id)
    webinar_id = webinar.zoom_webinar_id

    def get(token: str, call_context: CallContext) -> Any:
        return endpoints.webinar_get(
            access_token=token, context=call_context, webinar_id=webinar_id
        )

    try:
        answer = with_access_token(zoom_user_id=zoom_user.id, context=context, call=get)
    except ZoomUnauthorized:
        raise HostStartUnavailable(
            f"Zoom refused slotlink's access to {zoom_user.email}: reconnect it on the Zoom "
            "page, then start the webinar again."
        ) from None
    except ZoomNotFound:
        raise HostStartUnavailable(
            "Zoom no longer has this webinar: it may have been deleted in Zoom."
        ) from None
    except ZoomError as error:
        raise HostStartUnavailable(
            f"Zoom could not be asked for the start link just now ({error.message}). "
            "Try again in a moment."
        ) from None
    start_url = answer.get("start_url") if isinstance(answer, dict) else None
    if not isinstance(start_url, str) or urlsplit(start_url).scheme not in ("https", "http"):
        raise HostStartUnavailable(
            "Zoom's answer had no start link for this webinar. Try again in a moment."
        )
    return start_url
