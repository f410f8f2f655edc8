"""Reading Zoom state: the rollout switches, who sees which connection, routing."""

from django.db.models import QuerySet

from slotlink.accounts.models import Membership
from slotlink.zoom.models import ZoomConnection, ZoomRollout, ZoomUser

Role = ZoomConnection.Role


def zoom_rollout_for(*, organization_id: int) -> ZoomRollout:
    """The organization's switches; all off when an admin never touched them."""
    rollout = ZoomRollout.objects.filter(organization_id=organization_id).first()
    return rollout or ZoomRollout(organization_id=organization_id)


def zoom_enabled(*, organization_id: int) -> bool:
    return ZoomRollout.objects.filter(organization_id=organization_id, enabled=True).exists()


def connections_visible_to_user(
    *, organization_id: int, user_id: int, is_admin: bool
) -> QuerySet[ZoomConnection]:
    """A member sees their own Zoom; admins also see org accounts and members' own."""
    connections = ZoomConnection.objects.select_related("zoom_user", "owner").filter(
        organization_id=organization_id
    )
    if not is_admin:
        connections = connections.filter(owner_id=user_id, role=Role.PERSONAL)
    return connections.order_by("role", "created_at", "id")


def connections_visible_to(*, membership: Membership) -> QuerySet[ZoomConnection]:
    return connections_visible_to_user(
        organization_id=membership.organization_id,
        user_id=membership.user_id,
        is_admin=membership.is_admin,
    )


def connection_visible_to(*, membership: Membership, connection_id: int) -> ZoomConnection | None:
    return connections_visible_to(membership=membership).filter(id=connection_id).first()


def org_accounts(*, organization_id: int) -> QuerySet[ZoomConnection]:
    return (
        ZoomConnection.objects.select_related("zoom_user")
        .filter(organization_id=organization_id, role=Role.ORG)
        .order_by("created_at", "id")
    )


def personal_connection(*, organization_id: int, user_id: int) -> ZoomConnection | None:
    return (
        ZoomConnection.objects.select_related("zoom_user")
        .filter(organization_id=organization_id, owner_id=user_id, role=Role.PERSONAL)
        .first()
    )


def personal_connections_of(
    *, organization_id: int, user_ids: list[int]
) -> QuerySet[ZoomConnection]:
    """The members' own Zoom connections in the organization, with their Zoom users: one
    query for a whole members page."""
    return ZoomConnection.objects.select_related("zoom_user").filter(
        organization_id=organization_id, role=Role.PERSONAL, owner_id__in=user_ids
    )


def routed_connection(
    *, organization_id: int, host_id: int, rollout: ZoomRollout | None = None
) -> ZoomConnection | None:
    """Where a new booking's meeting goes (the help article's routing): the host's own
    connected Zoom; else, with multi-account routing on, the Default Zoom account; else
    the first connected org account; else none. Broken connections are skipped. Pass the
    organization's `rollout` when it is already read."""
    rollout = rollout or zoom_rollout_for(organization_id=organization_id)
    if not rollout.enabled:
        return None
    own = personal_connection(organization_id=organization_id, user_id=host_id)
    if own is not None and own.zoom_user.is_connected:
        return own
    connected = org_accounts(organization_id=organization_id).filter(
        zoom_user__status=ZoomUser.Status.CONNECTED
    )
    if rollout.multi_account_routing and rollout.default_connection_id:
        chosen = connected.filter(id=rollout.default_connection_id).first()
        if chosen is not None:
            return chosen
    return connected.first()
