"""Periodic safety nets: the sweep that restarts stuck syncs, and the hourly reconcile that
lists each account's upcoming meetings and webinars to find what webhooks missed and what
was orphaned.

Webhooks are not enough: Zoom retries one 3 times and then drops it. So once an hour per
connected Zoom account (one list call for meetings, and one for webinars on an account
that has a webinar licence, each paginated by 300) slotlink compares Zoom's with its own,
and deletes the meetings and webinars it made that nothing live wants any more.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from slotlink.zoom import endpoints
from slotlink.zoom.errors import ZoomError, ZoomNotFound
from slotlink.zoom.meetings.drift import meetings_compare
from slotlink.zoom.models import ZoomMeeting, ZoomUser
from slotlink.zoom.sync.leases import lease_length
from slotlink.zoom.synclog import CallContext
from slotlink.zoom.tokens import with_access_token
from slotlink.zoom.webinars.drift import webinars_compare

log = logging.getLogger("slotlink.zoom")

RECONCILE_EVERY = timedelta(hours=1)


def meetings_due(*, now: datetime | None = None) -> list[int]:
    """Meetings whose sync should be running but is not: waited long enough, or lost."""
    now = now or timezone.now()
    waiting = Q(state=ZoomMeeting.State.WAITING, next_attempt_at__lte=now)
    # A sync writes each step, renewing its lease: one unchanged for a lease's length is lost.
    lost = Q(state=ZoomMeeting.State.PENDING, updated_at__lte=now - lease_length())
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return list(ZoomMeeting.objects.filter((waiting | lost) & free).values_list("id", flat=True))


def zoom_users_due(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        ZoomUser.objects.filter(status=ZoomUser.Status.CONNECTED)
        .filter(Q(reconciled_at__isnull=True) | Q(reconciled_at__lte=now - RECONCILE_EVERY))
        .filter(Q(connections__meetings__isnull=False) | Q(connections__webinars__isnull=False))
        .distinct()
        .values_list("id", flat=True)
    )


def zoom_user_reconcile(*, zoom_user_id: int) -> int:
    """List the account's upcoming meetings (and webinars) once, record drift, delete
    orphans; returns how many orphans were deleted."""
    zoom_user = ZoomUser.objects.get(pk=zoom_user_id)
    connection = zoom_user.connections.first()
    context = CallContext(
        organization_id=connection.organization_id if connection else None,
        connection_id=connection.id if connection else None,
        zoom_user_id=zoom_user.zoom_user_id,
        zoom_email=zoom_user.email,
    )
    ZoomUser.objects.filter(pk=zoom_user_id).update(reconciled_at=timezone.now())
    kinds = [(endpoints.meetings_upcoming, "meetings", meetings_compare, _meeting_delete)]
    if zoom_user.webinar_licence:
        kinds.append((endpoints.webinars_upcoming, "webinars", webinars_compare, _webinar_delete))
    deleted = 0
    for lister, key, compare, delete in kinds:
        try:
            listed = _listed(zoom_user_id, context, lister, key)
        except ZoomError as error:
            log.info(
                "zoom.reconcile.skipped zoom_user=%s %s outcome=%s",
                zoom_user_id,
                key,
                error.outcome,
            )
            continue
        orphans = compare(zoom_user_id=zoom_user.zoom_user_id, listed=listed)
        for zoom_id in orphans:
            try:
                with_access_token(zoom_user_id=zoom_user_id, context=context, call=delete(zoom_id))
            except ZoomNotFound:
                pass
            except ZoomError as error:
                log.info("zoom.reconcile.orphan-kept zoom_id=%s outcome=%s", zoom_id, error.outcome)
        deleted += len(orphans)
    return deleted


Lister = Callable[..., dict[str, Any]]


def _listed(zoom_user_id: int, context: CallContext, lister: Lister, key: str) -> list[Any]:
    """Every page of one list call, as Zoom pages it (`next_page_token`)."""
    return list(
        endpoints.iter_pages(
            lambda page_token: with_access_token(
                zoom_user_id=zoom_user_id, context=context, call=_page(lister, page_token)
            ),
            key,
        )
    )


def _page(lister: Lister, page_token: str) -> Callable[[str, CallContext], dict[str, Any]]:
    def call(token: str, context: CallContext) -> dict[str, Any]:
        return lister(access_token=token, context=context, page_token=page_token)

    return call


def _meeting_delete(zoom_id: int) -> Callable[[str, CallContext], None]:
    def call(token: str, context: CallContext) -> None:
        endpoints.meeting_delete(access_token=token, context=context, meeting_id=zoom_id)

    return call


def _webinar_delete(zoom_id: int) -> Callable[[str, CallContext], None]:
    def call(token: str, context: CallContext) -> None:
        endpoints.webinar_delete(access_token=token, context=context, webinar_id=zoom_id)

    return call
