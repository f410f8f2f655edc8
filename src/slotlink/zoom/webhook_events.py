"""What each stored Zoom event does (webhooks.py receives, verifies and stores them; the
task runs this): an app removed in Zoom breaks its connections, a meeting or webinar
changed in Zoom is compared with slotlink's (meetings/drift.py, webinars/drift.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from slotlink.zoom.connections import zoom_user_break
from slotlink.zoom.meetings import drift
from slotlink.zoom.metrics import webhook_event_observe
from slotlink.zoom.models import WebhookEvent, ZoomUser
from slotlink.zoom.synclog import CallContext, sync_log_record
from slotlink.zoom.webinars import drift as webinar_drift


def webhook_event_process(*, event_id: int) -> None:
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().filter(id=event_id).first()
        if event is None or event.handled_at is not None:
            return
        result = HANDLERS[event.event](event.payload)
        event.handled_at = timezone.now()
        event.result = result
        event.save(update_fields=["handled_at", "result"])
    webhook_event_observe(event=event.event, outcome="handled")


@dataclass(frozen=True)
class Deauthorization:
    zoom_user_id: str
    client_id: str

    @classmethod
    def from_notification(cls, notification: dict[str, Any]) -> "Deauthorization":
        payload = notification.get("payload") or {}
        return cls(
            zoom_user_id=str(payload.get("user_id") or ""),
            client_id=str(payload.get("client_id") or ""),
        )


def app_deauthorized_handle(notification: dict[str, Any]) -> str:
    """The app was removed in Zoom (or its token revoked): purge that Zoom user's tokens
    and mark every connection to it broken; their owners are emailed to reconnect.

    `event_ts` may sit at the top level or in the payload, and `user_data_retention` is
    gone from today's payloads (REFERENCE §4.6); neither is needed here.
    """
    deauthorization = Deauthorization.from_notification(notification)
    if deauthorization.client_id and deauthorization.client_id != settings.ZOOM_CLIENT_ID:
        return "ignored: another app's deauthorization"
    zoom_user = (
        ZoomUser.objects.select_for_update()
        .filter(zoom_user_id=deauthorization.zoom_user_id)
        .first()
    )
    if zoom_user is None:
        return "ignored: no connection to this Zoom user"
    zoom_user_break(
        zoom_user=zoom_user,
        reason="slotlink was removed from this Zoom account in Zoom (App Marketplace > "
        "Manage > Added Apps), so Zoom no longer lets slotlink create meetings on it.",
    )
    for connection in zoom_user.connections.all():
        sync_log_record(
            context=CallContext(
                organization_id=connection.organization_id,
                connection_id=connection.id,
                zoom_user_id=zoom_user.zoom_user_id,
                zoom_email=zoom_user.email,
            ),
            action="webhook.app_deauthorized",
            outcome="ok",
            message="Zoom says the app was removed: tokens deleted, connection broken.",
        )
    return "tokens purged, connections broken"


HANDLERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "app_deauthorized": app_deauthorized_handle,
    "meeting.created": drift.meeting_created_handle,
    "meeting.updated": drift.meeting_updated_handle,
    "meeting.deleted": drift.meeting_deleted_handle,
    "webinar.created": webinar_drift.webinar_created_handle,
    "webinar.updated": webinar_drift.webinar_updated_handle,
    "webinar.deleted": webinar_drift.webinar_deleted_handle,
}
