"""Every email that tells a host about a Zoom problem takes one path: core's notice
(core/mail.py), claimed, sent, then marked told, and retried while the mail server refuses.

A kind names what the notice is about and builds it from its object's id, under the claim:
the email, and the mark to set once the server took it (`host_told_at`, `owner_told_at`);
or None when there is nothing to tell (told already, or fixed meanwhile). Each object keeps
its own mark, so a run of failures sends one email per problem.
"""

from collections.abc import Collection
from dataclasses import replace
from enum import StrEnum

from django.utils import timezone

from slotlink.conferencing.seam import ConferenceDetails
from slotlink.core.mail import Notice, notices_undelivered
from slotlink.zoom.emails import connection_broken_email
from slotlink.zoom.models import ZoomConnection, ZoomUser

# Shown to the host beside the problem, when its email could not be sent.
UNDELIVERED = "slotlink couldn't email you about this: the mail server refused it."


class NoticeKind(StrEnum):
    CONNECTION_BROKEN = "connection_broken"  # about a ZoomConnection: reconnect it
    MEETING_FAILED = "meeting_failed"  # about a ZoomMeeting
    MEETING_DRIFT = "meeting_drift"  # a ZoomMeeting removed or moved in Zoom
    MEETING_UNROUTED = "meeting_unrouted"  # a ZoomMeeting never made: no account resolved
    WEBINAR_DRIFT = "webinar_drift"  # a ZoomWebinar removed or moved in Zoom
    WEBINAR_FAILED = "webinar_failed"  # a ZoomWebinar slotlink could not make in Zoom


MEETING_NOTICES = (NoticeKind.MEETING_FAILED, NoticeKind.MEETING_DRIFT, NoticeKind.MEETING_UNROUTED)


def zoom_notice_key(*, kind: NoticeKind, object_id: int) -> str:
    return f"zoom.{kind.value}.{object_id}"


def zoom_notices_undelivered(
    *, kinds: Collection[NoticeKind], object_ids: Collection[int]
) -> set[int]:
    """The objects a notice of one of these kinds was about that the mail server refused
    until its attempts ran out (the host was never told)."""
    keys = {zoom_notice_key(kind=k, object_id=i): i for k in kinds for i in object_ids}
    return {keys[key] for key in notices_undelivered(keys=keys)}


def undelivered_said(details: ConferenceDetails) -> ConferenceDetails:
    """The details with the host told, beside the problem, that its email never went."""
    return replace(details, reason=f"{details.reason} {UNDELIVERED}")


def connection_broken_notice(connection_id: int) -> Notice | None:
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
