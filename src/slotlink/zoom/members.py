"""Zoom on the members page and when a member leaves (accounts' member providers).

Each member's own Zoom is Connected, Connection broken, or none; without a working one,
their Zoom bookings go where the routing sends them (the org account it picks, or nowhere
when none is connected), and the members page says which. A member who leaves loses their own Zoom
connection: once the changes their removal made to its meetings are done in Zoom (the
meetings of their cancelled bookings deleted, which needs the connection), a task revokes
slotlink's access at Zoom and deletes the connection and its tokens. Shared org accounts
they added pass to the admin who removed them, so someone is still told when one breaks.
"""

import logging

from slotlink.accounts.member_providers import MemberStatus
from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom import selectors
from slotlink.zoom.member_tasks import zoom_connection_close
from slotlink.zoom.models import ZoomConnection

log = logging.getLogger("slotlink.zoom")

Role = ZoomConnection.Role
ZOOM_OFF = "Zoom is off for the organization: their bookings get no Zoom meeting."


def _without_own_zoom(fallback: ZoomConnection | None) -> str:
    """Where the Zoom bookings of a host without a working Zoom of their own go, as the
    routing decides it (selectors.route): the org account, or nowhere."""
    if fallback is None:
        return "their Zoom bookings get no Zoom meeting, since no shared org account is connected"
    return f"their Zoom bookings use the org account {fallback.zoom_user.email}"


class ZoomMembers:
    label = "Zoom"

    def member_statuses(
        self, *, organization_id: int, user_ids: list[int]
    ) -> dict[int, MemberStatus]:
        """Each member's Zoom, and what really happens to their Zoom bookings under the
        organization's switches and accounts: two queries for the organization, one for
        every member's connection."""
        rollout = selectors.zoom_rollout_for(organization_id=organization_id)
        fallback = (
            selectors.routed_connection(organization_id=organization_id, host_id=0)
            if rollout.enabled
            else None
        )
        elsewhere = _without_own_zoom(fallback)
        statuses = dict.fromkeys(
            user_ids,
            MemberStatus(
                provider="Zoom",
                label="None",
                tone="",
                detail=f"No own Zoom: {elsewhere}." if rollout.enabled else ZOOM_OFF,
            ),
        )
        connections = selectors.personal_connections_of(
            organization_id=organization_id, user_ids=user_ids
        )
        for connection in connections:
            zoom_user = connection.zoom_user
            if not rollout.enabled:
                detail = ZOOM_OFF
            elif zoom_user.is_connected:
                detail = f"{zoom_user.email}: their Zoom bookings are made on it."
            else:
                why = zoom_user.last_error or f"{zoom_user.email}: reconnect it on the Zoom page."
                detail = f"{why} Until it is reconnected, {elsewhere}."
            statuses[connection.owner_id] = MemberStatus(
                provider="Zoom",
                label=zoom_user.get_status_display(),
                tone="ok" if zoom_user.is_connected else "bad",
                detail=detail,
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
                    f"Their own Zoom ({email}) is disconnected: once the meetings of bookings "
                    "you cancel are removed from it, slotlink's access is revoked at Zoom and "
                    "its tokens are deleted. The meetings of bookings you give to someone else "
                    "move to the Zoom account that person's bookings use."
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
        log.info("zoom.connection.member-left organization=%s user=%s", organization_id, user_id)
        enqueue_on_commit(zoom_connection_close, personal.id)
