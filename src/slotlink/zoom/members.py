"""Zoom on the members page and when a member leaves (the conferencing member seam).

Each member's own Zoom is Connected, Connection broken, or none, in which case their
bookings fall back to the org account. A member who leaves loses their own Zoom
connection: slotlink's access is revoked at Zoom (after the commit, outside any
transaction) and its tokens deleted; shared org accounts they added pass to the admin
who removed them, so someone is still told when one breaks.
"""

import logging
from functools import partial

from django.db import transaction

from slotlink.conferencing.members import MemberStatus
from slotlink.zoom import client, selectors
from slotlink.zoom.connections import zoom_connection_delete
from slotlink.zoom.errors import ZoomError
from slotlink.zoom.models import ZoomConnection
from slotlink.zoom.synclog import CallContext

log = logging.getLogger("slotlink.zoom")

Role = ZoomConnection.Role
NO_ZOOM = MemberStatus(
    provider="Zoom",
    label="None",
    tone="",
    detail="No own Zoom: their Zoom bookings use the org account.",
)


class ZoomMembers:
    label = "Zoom"

    def member_statuses(
        self, *, organization_id: int, user_ids: list[int]
    ) -> dict[int, MemberStatus]:
        statuses = dict.fromkeys(user_ids, NO_ZOOM)
        connections = selectors.personal_connections_of(
            organization_id=organization_id, user_ids=user_ids
        )
        for connection in connections:
            zoom_user = connection.zoom_user
            statuses[connection.owner_id] = MemberStatus(
                provider="Zoom",
                label=zoom_user.get_status_display(),
                tone="ok" if zoom_user.is_connected else "bad",
                detail=zoom_user.email
                if zoom_user.is_connected
                else (zoom_user.last_error or f"{zoom_user.email}: reconnect it on the Zoom page."),
            )
        return statuses

    def departure_notes(self, *, organization_id: int, user_id: int) -> list[str]:
        notes = []
        connections = ZoomConnection.objects.select_related("zoom_user").filter(
            organization_id=organization_id, owner_id=user_id
        )
        for connection in connections:
            email = connection.zoom_user.email
            if connection.is_org_account:
                notes.append(
                    f"The shared org Zoom account {email} they added stays, and passes to you."
                )
            else:
                notes.append(
                    f"Their own Zoom ({email}) is disconnected: slotlink's access is revoked at "
                    "Zoom and its tokens are deleted. Meetings already made stay in their Zoom."
                )
        return notes

    def member_leaving(self, *, organization_id: int, user_id: int, successor_id: int) -> None:
        ZoomConnection.objects.filter(
            organization_id=organization_id, owner_id=user_id, role=Role.ORG
        ).update(owner_id=successor_id)
        personal = (
            ZoomConnection.objects.select_related("zoom_user")
            .filter(organization_id=organization_id, owner_id=user_id, role=Role.PERSONAL)
            .first()
        )
        if personal is None:
            return
        context = CallContext(
            organization_id=organization_id,
            zoom_user_id=personal.zoom_user.zoom_user_id,
            zoom_email=personal.zoom_user.email,
        )
        done = zoom_connection_delete(connection=personal)
        log.info("zoom.connection.member-left organization=%s user=%s", organization_id, user_id)
        if done.token_to_revoke:
            # In memory only until the commit: a task's arguments would be stored.
            transaction.on_commit(partial(_revoke, done.token_to_revoke, context))


def _revoke(token: str, context: CallContext) -> None:
    try:
        client.token_revoke(token=token, context=context)
    except ZoomError as error:
        log.warning("zoom.connection.revoke-failed outcome=%s", error.outcome)
