"""Reading Zoom state: the rollout switches, who sees which connection, routing."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db import connection
from django.db.models import QuerySet

from slotlink.accounts.models import Membership
from slotlink.zoom.models import ZoomConnection, ZoomRollout, ZoomUser
from slotlink.zoom.notices import NoticeKind, zoom_notices_undelivered
from slotlink.zoom.scopes import missing_scopes

Role = ZoomConnection.Role


def zoom_rollout_for(*, organization_id: int) -> ZoomRollout:
    """The organization's switches; all off when an admin never touched them."""
    rollout = ZoomRollout.objects.filter(organization_id=organization_id).first()
    return rollout or ZoomRollout(organization_id=organization_id)


def connection_rows(connections: Iterable[ZoomConnection]) -> list[dict[str, object]]:
    """Each connection as the Zoom page and the integrations card show it: the permissions
    Zoom did not grant, and whether the email that it broke never reached its owner (the
    mail server refused it to the end)."""
    connections = list(connections)
    untold = zoom_notices_undelivered(
        kinds=[NoticeKind.CONNECTION_BROKEN],
        object_ids={c.id for c in connections if not c.zoom_user.is_connected},
    )
    return [
        {
            "connection": c,
            "missing_scopes": missing_scopes(c.zoom_user.scopes),
            "owner_not_told": c.id in untold,
        }
        for c in connections
    ]


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


@dataclass(frozen=True)
class Route:
    """The account a new meeting goes on: its connection, and Zoom's id of its user."""

    connection_id: int
    zoom_user_id: str


# The routing in one statement, the organization's switches with it (Zoom on, and the
# Default Zoom account when multi-account routing is on). A booking request routes its
# meeting, and on the hot path the ORM's building of this query (or of the two or three
# plain ones it replaces) cost the request about 10 times what running it does (1.2-2 ms
# against 0.12-0.19 ms, measured with the test client on the 2-CPU benchmark machine).
_ROUTE_SQL = """
SELECT c.id, u.zoom_user_id
FROM zoom_zoomconnection c
  JOIN zoom_zoomuser u ON u.id = c.zoom_user_id
  JOIN zoom_zoomrollout r ON r.organization_id = c.organization_id
WHERE c.organization_id = %s AND r.enabled AND u.status = %s
  AND ((c.role = %s AND c.owner_id = %s) OR c.role = %s)
ORDER BY CASE WHEN c.role = %s THEN 0
  WHEN r.multi_account_routing AND c.id = r.default_connection_id THEN 1 ELSE 2 END,
  c.created_at, c.id
LIMIT 1
"""


def route(
    *, organization_id: int, host_id: int, rollout: ZoomRollout | None = None
) -> Route | None:
    """Where a new booking's meeting goes (the help article's routing): the host's own
    connected Zoom; else, with multi-account routing on, the Default Zoom account; else
    the first connected org account; else none (Zoom off, or no rollout row: none). Broken
    connections are skipped. Pass the organization's `rollout` when it is already read: off,
    no query is made. Ids only: no tokens are read."""
    if rollout is not None and not rollout.enabled:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            _ROUTE_SQL,
            [
                organization_id,
                ZoomUser.Status.CONNECTED.value,
                Role.PERSONAL.value,
                host_id,
                Role.ORG.value,
                Role.PERSONAL.value,
            ],
        )
        chosen = cursor.fetchone()
    return None if chosen is None else Route(int(chosen[0]), str(chosen[1]))


def routed_connection(*, organization_id: int, host_id: int) -> ZoomConnection | None:
    """The connection `route` chooses, with its Zoom user, for pages that show it."""
    routed = route(organization_id=organization_id, host_id=host_id)
    if routed is None:
        return None
    return ZoomConnection.objects.select_related("zoom_user").get(pk=routed.connection_id)


class MeetingCheck(StrEnum):
    """The help article's "No link in the email" checks for a meeting on a host's Zoom, as
    they stand now: the first that fails, or OK when a meeting can be made."""

    NOT_ENABLED = "not_enabled"  # Zoom isn't enabled for the organization
    NO_ACCOUNT = "no_account"  # no connected Zoom account resolves for the host
    OK = "ok"


def meeting_checks(*, hosts: Iterable[tuple[int, int]]) -> dict[tuple[int, int], MeetingCheck]:
    """For each (organization id, host id), which check a new meeting on its Zoom fails now.
    The location check is the caller's (a booking owns its location). One query for the
    organizations' switches, then one routing query per host where Zoom is on."""
    pairs = set(hosts)
    rollouts = {
        rollout.organization_id: rollout
        for rollout in ZoomRollout.objects.filter(
            organization_id__in={organization_id for organization_id, _ in pairs}
        )
    }
    checks = {}
    for organization_id, host_id in pairs:
        rollout = rollouts.get(organization_id) or ZoomRollout(organization_id=organization_id)
        if not rollout.enabled:
            checks[(organization_id, host_id)] = MeetingCheck.NOT_ENABLED
        elif route(organization_id=organization_id, host_id=host_id, rollout=rollout) is None:
            checks[(organization_id, host_id)] = MeetingCheck.NO_ACCOUNT
        else:
            checks[(organization_id, host_id)] = MeetingCheck.OK
    return checks
