"""Writing the sync log: every Zoom action slotlink takes, for the admins' View sync log.

Entries hold what happened and Zoom's words, never a token or a secret: the client passes
only Zoom's `code` and `message` (or the OAuth `reason`), which carry neither.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from slotlink.zoom.models import SyncLogEntry, ZoomConnection

MESSAGE_LIMIT = 2000


@dataclass(frozen=True)
class CallContext:
    """On whose behalf a Zoom call is made: the connection, and the booking if any."""

    organization_id: int | None = None
    connection_id: int | None = None
    zoom_user_id: str = ""
    zoom_email: str = ""
    booking_id: int | None = None
    attempt: int = 1
    # The Zoom account whose rate limits the call spends (pacing.py); "" skips pacing.
    zoom_account_id: str = ""

    def retry(self) -> "CallContext":
        return replace(self, attempt=self.attempt + 1)


def connection_context(connection: ZoomConnection, *, organization_id: int) -> CallContext:
    """A call on the connection's Zoom account, for the organization."""
    zoom_user = connection.zoom_user
    return CallContext(
        organization_id=organization_id,
        connection_id=connection.id,
        zoom_user_id=zoom_user.zoom_user_id,
        zoom_email=zoom_user.email,
    )


def sync_log_record(
    *,
    context: CallContext,
    action: str,
    outcome: str,
    http_status: int | None = None,
    zoom_code: int | None = None,
    message: str = "",
    duration_ms: int | None = None,
) -> SyncLogEntry:
    return SyncLogEntry.objects.create(
        organization_id=context.organization_id,
        connection_id=context.connection_id,
        zoom_user_id=context.zoom_user_id,
        zoom_email=context.zoom_email,
        booking_id=context.booking_id,
        action=action,
        outcome=outcome,
        http_status=http_status,
        zoom_code=zoom_code,
        message=message[:MESSAGE_LIMIT],
        attempt=context.attempt,
        duration_ms=duration_ms,
    )


def sync_log_attribute(
    *, organization_id: int | None, since: datetime, zoom_user_id: str, zoom_email: str
) -> None:
    """Name the Zoom account on a connect flow's entries, written before Zoom said whose
    account it was (the code exchange and /users/me)."""
    if organization_id is None:
        return
    SyncLogEntry.objects.filter(
        organization_id=organization_id,
        zoom_user_id="",
        action__in=["token.exchange", "user.get", "user.settings", "webinar.list"],
        at__gte=since,
    ).update(zoom_user_id=zoom_user_id, zoom_email=zoom_email)
