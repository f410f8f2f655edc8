"""Every email that tells a host about a Zoom problem takes one path: core's notice
(core/mail.py), claimed, sent, then marked told, and retried while the mail server refuses.

A kind names what the notice is about and builds it from its object's id, under the claim:
the email, and the mark to set once the server took it (`host_told_at`, `owner_told_at`);
or None when there is nothing to tell (told already, or fixed meanwhile). Each object keeps
its own mark, so a run of failures sends one email per problem.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import partial

from django.utils import timezone

from slotlink.core.mail import Notice
from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom.emails import connection_broken_email
from slotlink.zoom.meetings.notify import meeting_notice, webinar_notice
from slotlink.zoom.models import ZoomConnection, ZoomUser


class NoticeKind(StrEnum):
    CONNECTION_BROKEN = "connection_broken"  # about a ZoomConnection: reconnect it
    MEETING_FAILED = "meeting_failed"  # about a ZoomMeeting
    MEETING_DRIFT = "meeting_drift"  # a ZoomMeeting removed or moved in Zoom
    MEETING_UNROUTED = "meeting_unrouted"  # a ZoomMeeting never made: no account resolved
    WEBINAR_DRIFT = "webinar_drift"  # a ZoomWebinar removed or moved in Zoom


def zoom_notice_enqueue(*, kind: NoticeKind, object_id: int) -> None:
    """Tell the host, once the caller's transaction commits (the task is written in it)."""
    from slotlink.zoom.tasks import zoom_notice_send

    enqueue_on_commit(zoom_notice_send, kind.value, object_id)


def zoom_notice_key(*, kind: NoticeKind, object_id: int) -> str:
    return f"zoom.{kind.value}.{object_id}"


def zoom_notice_builder(*, kind: NoticeKind, object_id: int) -> Callable[[], Notice | None]:
    return partial(_BUILDERS[kind], object_id)


def _connection_broken(connection_id: int) -> Notice | None:
    connection = (
        ZoomConnection.objects.select_for_update(of=("self",))
        .select_related("zoom_user", "owner", "organization")
        .filter(id=connection_id)
        .first()
    )
    if connection is None or connection.zoom_user.status != ZoomUser.Status.BROKEN:
        return None  # disconnected or reconnected meanwhile: nothing to say
    told_at, broken_at = connection.owner_told_at, connection.zoom_user.broken_at
    if told_at is not None and (broken_at is None or told_at >= broken_at):
        return None  # told of this break already

    def told() -> None:
        ZoomConnection.objects.filter(id=connection_id).update(owner_told_at=timezone.now())

    return Notice(message=connection_broken_email(connection=connection), told=told)


_BUILDERS: dict[NoticeKind, Callable[[int], Notice | None]] = {
    NoticeKind.CONNECTION_BROKEN: _connection_broken,
    NoticeKind.MEETING_FAILED: partial(meeting_notice, about="failed"),
    NoticeKind.MEETING_DRIFT: partial(meeting_notice, about="drift"),
    NoticeKind.MEETING_UNROUTED: partial(meeting_notice, about="unrouted"),
    NoticeKind.WEBINAR_DRIFT: partial(webinar_notice, about="drift"),
}
