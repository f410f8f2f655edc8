"""Attendance from Zoom: after a session, each booking is marked Attended or No-show.

Zoom's past participants of the webinar are matched to registrants by registrant id where
Zoom gives it, else by email. Statuses only move forward: a No-show can become Attended
(a late refresh finds them), never the reverse. A webinar Zoom says was not held leaves
attendance unknown until a later refresh.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from slotlink.zoom import endpoints
from slotlink.zoom.errors import ZoomError, ZoomNotFound
from slotlink.zoom.models import ZoomRegistrant, ZoomWebinar
from slotlink.zoom.synclog import CallContext, connection_context
from slotlink.zoom.tokens import with_access_token

log = logging.getLogger("slotlink.zoom")
Attendance = ZoomRegistrant.Attendance
AFTER_END = timedelta(minutes=10)


def attendance_due() -> list[int]:
    now = timezone.now()
    ended = [
        webinar.id
        for webinar in ZoomWebinar.objects.filter(
            zoom_webinar_id__isnull=False, attendance_read_at__isnull=True, start__lte=now
        )
        if webinar.start + timedelta(minutes=webinar.duration_minutes) + AFTER_END <= now
    ]
    return ended


def attendance_read(*, webinar_id: int) -> str:
    """Read who joined and mark each live registrant; returns what happened, in words."""
    webinar = ZoomWebinar.objects.select_related("connection__zoom_user").get(pk=webinar_id)
    if webinar.zoom_webinar_id is None or webinar.connection is None:
        return "This session has no Zoom webinar to read attendance from."
    zoom_user = webinar.connection.zoom_user
    context = connection_context(webinar.connection, organization_id=webinar.organization_id)
    pages = endpoints.iter_pages(
        lambda page_token: with_access_token(
            zoom_user_id=zoom_user.id,
            context=context,
            call=_participants_page(str(webinar.zoom_webinar_id), page_token),
        ),
        "participants",
    )
    try:
        participants = list(pages)
    except ZoomNotFound:
        return "Zoom has no attendance for this webinar yet (it may not have been held)."
    except ZoomError as error:
        return f"Zoom could not be asked just now ({error.message}); try again later."
    came_ids = {str(p.get("registrant_id") or "") for p in participants} - {""}
    came_emails = {str(p.get("user_email") or "").lower() for p in participants} - {""}
    minutes: dict[str, int] = {}
    for p in participants:
        key = str(p.get("registrant_id") or p.get("user_email") or "").lower()
        seconds = p.get("duration")
        minutes[key] = minutes.get(key, 0) + (seconds // 60 if isinstance(seconds, int) else 0)
    live = webinar.registrants.filter(live=True)
    attended = live.filter(Q(registrant_id__in=came_ids) | Q(email__in=came_emails))
    for registrant in attended:
        spent = minutes.get(registrant.registrant_id.lower()) or minutes.get(
            registrant.email.lower(), 0
        )
        ZoomRegistrant.objects.filter(pk=registrant.pk).update(
            attendance=Attendance.ATTENDED, minutes_attended=spent
        )
    absent = live.exclude(pk__in=attended.values("pk")).filter(attendance=Attendance.UNKNOWN)
    absent.update(attendance=Attendance.NO_SHOW)
    ZoomWebinar.objects.filter(pk=webinar.pk).update(attendance_read_at=timezone.now())
    counts = (attended.count(), live.filter(attendance=Attendance.NO_SHOW).count())
    log.info("zoom.webinar.attendance webinar=%s attended=%s no_show=%s", webinar.id, *counts)
    return f"Attendance read from Zoom: {counts[0]} attended, {counts[1]} no-show."


def _participants_page(webinar_key: str, page_token: str) -> Callable[[str, CallContext], Any]:
    def call(token: str, context: CallContext) -> Any:
        return endpoints.webinar_participants(
            access_token=token, context=context, webinar_key=webinar_key, page_token=page_token
        )

    return call
