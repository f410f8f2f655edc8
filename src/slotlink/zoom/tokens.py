"""Access tokens for Zoom calls: refreshed once, under a lock, and a dead grant marked broken.

Zoom's refresh tokens rotate: each refresh spends the refresh token and, per Zoom's staff,
the previous access token too (REFERENCE §1.6). So however many workers need a token at
the same moment, exactly one refreshes; it holds the Zoom user's row lock (SELECT ... FOR
UPDATE on PostgreSQL; SQLite's write lock, as transactions here begin IMMEDIATE) and saves
the new tokens before anyone uses them. The others wait on the lock, then find a fresh
token and use it. A 401 after someone else refreshed reloads the token and retries once.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from slotlink.zoom import client
from slotlink.zoom.connections import zoom_user_break, zoom_user_tokens_set
from slotlink.zoom.errors import ZoomError, ZoomUnauthorized
from slotlink.zoom.models import ZoomUser
from slotlink.zoom.synclog import CallContext

# Refresh this long before Zoom's expiry, so a token never expires mid-call.
REFRESH_MARGIN = timedelta(minutes=5)

T = TypeVar("T")


def _fresh(zoom_user: ZoomUser) -> bool:
    expires = zoom_user.access_expires_at
    return (
        bool(zoom_user.access_token)
        and expires is not None
        and (expires - REFRESH_MARGIN > timezone.now())
    )


def _unusable(zoom_user: ZoomUser) -> ZoomUnauthorized:
    return ZoomUnauthorized(
        zoom_user.last_error or "This Zoom connection is broken: reconnect it.", grant_dead=True
    )


def access_token_get(*, zoom_user_id: int, context: CallContext) -> str:
    """A usable access token for this Zoom user, refreshing it first if it is about to expire."""
    zoom_user = ZoomUser.objects.get(pk=zoom_user_id)
    if not zoom_user.is_connected or not zoom_user.refresh_token:
        raise _unusable(zoom_user)
    if _fresh(zoom_user):
        return zoom_user.access_token
    return access_token_refresh(
        zoom_user_id=zoom_user_id, context=context, stale=zoom_user.access_token
    )


def access_token_refresh(*, zoom_user_id: int, context: CallContext, stale: str) -> str:
    """Replace the `stale` access token, unless another worker already did.

    Zoom errors are raised after the transaction ends, so what was recorded (the sync log
    entry, a broken connection) is kept rather than rolled back with the error.
    """
    failure: ZoomError | None = None
    with transaction.atomic():
        zoom_user = ZoomUser.objects.select_for_update().get(pk=zoom_user_id)
        if not zoom_user.is_connected or not zoom_user.refresh_token:
            failure = _unusable(zoom_user)
        elif zoom_user.access_token != stale and _fresh(zoom_user):
            return zoom_user.access_token
        else:
            try:
                tokens = client.token_refresh(
                    refresh_token=zoom_user.refresh_token, context=context
                )
            except ZoomUnauthorized as refused:
                zoom_user_break(
                    zoom_user=zoom_user,
                    reason="Zoom no longer accepts slotlink's authorization for this account "
                    "(it was revoked, or it expired). Reconnect it.",
                )
                failure = refused
            except ZoomError as error:
                failure = error
            else:
                zoom_user_tokens_set(zoom_user, tokens)
                zoom_user.save()
                return tokens.access_token
    raise failure


def with_access_token(
    *, zoom_user_id: int, context: CallContext, call: Callable[[str, CallContext], T]
) -> T:
    """Run `call(access_token, context)`; on a 401, retry once with a reloaded or refreshed
    token, and if Zoom still refuses, the connection is broken."""
    token = access_token_get(zoom_user_id=zoom_user_id, context=context)
    try:
        return call(token, context)
    except ZoomUnauthorized:
        retry = context.retry()
        token = access_token_refresh(zoom_user_id=zoom_user_id, context=retry, stale=token)
    try:
        return call(token, retry)
    except ZoomUnauthorized:
        with transaction.atomic():
            zoom_user = ZoomUser.objects.select_for_update().get(pk=zoom_user_id)
            zoom_user_break(
                zoom_user=zoom_user,
                reason="Zoom refused slotlink's access to this account even after a fresh "
                "sign-in token. Reconnect it.",
            )
        raise
