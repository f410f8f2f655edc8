"""Services that change Zoom connections: save one after Zoom said yes, change its role,
break it, disconnect it."""

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from slotlink.accounts.models import Organization, User
from slotlink.zoom import client
from slotlink.zoom.client import TokenSet
from slotlink.zoom.errors import ZoomError
from slotlink.zoom.models import ZoomConnection, ZoomUser
from slotlink.zoom.notice_tasks import zoom_notice_enqueue
from slotlink.zoom.notices import NoticeKind
from slotlink.zoom.synclog import CallContext

log = logging.getLogger("slotlink.zoom")

Role = ZoomConnection.Role
# Sent with `zoom_user_id` in the transaction that stored a Zoom user's new tokens: the
# meetings that failed for want of a connection try again (connected in apps.py, so that
# this module, which the sync stands on, imports nothing of meetings).
zoom_user_reconnected = Signal()


@dataclass(frozen=True)
class ZoomProfile:
    """What Zoom's GET /users/me said of the person who authorized slotlink."""

    zoom_user_id: str
    zoom_account_id: str
    email: str
    display_name: str
    user_type: int | None
    time_zone: str
    passcode_rules: dict[str, Any] | None = None
    webinar_licence: bool | None = None

    @classmethod
    def from_zoom(
        cls,
        me: dict[str, Any],
        *,
        passcode_rules: dict[str, Any] | None = None,
        webinar_licence: bool | None = None,
    ) -> "ZoomProfile":
        name = (
            str(me.get("display_name") or "").strip()
            or " ".join(str(me.get(part) or "") for part in ("first_name", "last_name")).strip()
        )
        user_type = me.get("type")
        return cls(
            zoom_user_id=str(me["id"]),
            zoom_account_id=str(me.get("account_id") or ""),
            email=str(me.get("email") or ""),
            display_name=name,
            user_type=user_type if isinstance(user_type, int) else None,
            time_zone=str(me.get("timezone") or ""),
            passcode_rules=passcode_rules,
            webinar_licence=webinar_licence,
        )

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def zoom_user_tokens_set(zoom_user: ZoomUser, tokens: TokenSet) -> None:
    """Put a fresh token set on the row (the caller saves it)."""
    now = timezone.now()
    zoom_user.access_token = tokens.access_token
    zoom_user.refresh_token = tokens.refresh_token
    zoom_user.access_expires_at = now + timedelta(seconds=tokens.expires_in)
    if tokens.scope:
        zoom_user.scopes = tokens.scope
    zoom_user.refreshed_at = now


def zoom_user_upsert(*, profile: ZoomProfile, tokens: TokenSet) -> ZoomUser:
    """Store what Zoom said of this user and the tokens just issued for them.

    A new authorization ends the earlier tokens at Zoom (4741), so every organization
    that uses this Zoom user gets the new ones: they live on the one `ZoomUser` row.
    """
    with transaction.atomic():
        zoom_user = (
            ZoomUser.objects.select_for_update().filter(zoom_user_id=profile.zoom_user_id).first()
        )
        if zoom_user is None:
            zoom_user = ZoomUser(zoom_user_id=profile.zoom_user_id)
        zoom_user.zoom_account_id = profile.zoom_account_id
        zoom_user.email = profile.email
        zoom_user.display_name = profile.display_name
        zoom_user.user_type = profile.user_type
        zoom_user.time_zone = profile.time_zone
        if profile.passcode_rules is not None:
            zoom_user.passcode_rules = profile.passcode_rules
        if profile.webinar_licence is not None:
            zoom_user.webinar_licence = profile.webinar_licence
        zoom_user_tokens_set(zoom_user, tokens)
        zoom_user.status = ZoomUser.Status.CONNECTED
        zoom_user.last_error = ""
        zoom_user.broken_at = None
        zoom_user.authorized_at = timezone.now()
        zoom_user.save()
        zoom_user_reconnected.send(sender=ZoomUser, zoom_user_id=zoom_user.zoom_user_id)
    return zoom_user


def zoom_connection_create(
    *, organization: Organization, zoom_user: ZoomUser, owner: User, role: str
) -> ZoomConnection:
    connection = ZoomConnection.objects.create(
        organization=organization, zoom_user=zoom_user, owner=owner, role=role
    )
    log.info(
        "zoom.connection.created connection=%s organization=%s role=%s",
        connection.id,
        organization.id,
        role,
    )
    return connection


def zoom_connection_role_change(*, connection: ZoomConnection, role: str, actor: User) -> None:
    """The article's re-authorization with the other button: personal becomes the actor's
    own Zoom, a shared org account is owned by the admin who made it one."""
    connection.role = role
    connection.owner = actor
    connection.save(update_fields=["role", "owner"])
    log.info("zoom.connection.role-changed connection=%s role=%s", connection.id, role)


def zoom_user_break(*, zoom_user: ZoomUser, reason: str) -> bool:
    """Purge the tokens and mark every connection to this Zoom user broken.

    Call with the row locked (select_for_update) inside a transaction. Returns whether it
    was connected until now: only that transition emails the owners, so a run of failing
    calls sends one email per break, not one per call.
    """
    was_connected = zoom_user.is_connected
    zoom_user.access_token = ""
    zoom_user.refresh_token = ""
    zoom_user.access_expires_at = None
    zoom_user.status = ZoomUser.Status.BROKEN
    zoom_user.last_error = reason
    if was_connected:
        zoom_user.broken_at = timezone.now()
    zoom_user.save()
    if was_connected:
        for connection_id in zoom_user.connections.values_list("id", flat=True):
            zoom_notice_enqueue(kind=NoticeKind.CONNECTION_BROKEN, object_id=connection_id)
        log.warning("zoom.connection.broken zoom_user=%s", zoom_user.id)
    return was_connected


@dataclass(frozen=True)
class Disconnected:
    """What a disconnect did: the token to revoke at Zoom (None when another organization
    still uses this Zoom account, whose access must not end with this one)."""

    token_to_revoke: str | None
    zoom_email: str
    revoke_failed: bool = False  # Zoom could not be told (zoom_connection_disconnect)


def zoom_connection_delete(*, connection: ZoomConnection) -> Disconnected:
    """Delete the connection, and the stored tokens with it unless another organization
    still uses this Zoom user. The caller revokes the returned token at Zoom afterwards."""
    with transaction.atomic():
        zoom_user = ZoomUser.objects.select_for_update().get(pk=connection.zoom_user_id)
        connection.delete()
        if zoom_user.connections.exists():
            return Disconnected(token_to_revoke=None, zoom_email=zoom_user.email)
        token = zoom_user.refresh_token or zoom_user.access_token or None
        zoom_user.delete()
    log.info("zoom.connection.deleted zoom_user=%s", zoom_user.zoom_user_id)
    return Disconnected(token_to_revoke=token, zoom_email=zoom_user.email)


def zoom_connection_disconnect(*, connection: ZoomConnection) -> Disconnected:
    """Delete the connection (zoom_connection_delete), then revoke slotlink's access at
    Zoom when no other organization still uses the account. A revoke Zoom refuses or
    doesn't answer is logged and said (`revoke_failed`); the tokens are gone here anyway."""
    context = CallContext(
        organization_id=connection.organization_id,
        zoom_user_id=connection.zoom_user.zoom_user_id,
        zoom_email=connection.zoom_user.email,
    )
    done = zoom_connection_delete(connection=connection)
    if not done.token_to_revoke:
        return done
    try:
        client.token_revoke(token=done.token_to_revoke, context=context)
    except ZoomError as error:
        log.warning("zoom.connection.revoke-failed outcome=%s", error.outcome)
        return replace(done, revoke_failed=True)
    return done
