"""Connecting a test host's calendar account on one of the test CalDAV servers, through
the product's own service (discovery and listing over HTTP, nothing faked)."""

from __future__ import annotations

from slotlink.accounts.models import Membership
from slotlink.calendars.models import CalendarConnection
from slotlink.calendars.services.connections import calendar_connection_create
from tests.calendars.servers import CalDAVServer


def connect(server: CalDAVServer, membership: Membership, *, label: str = "") -> CalendarConnection:
    """The server's account connected for `membership`'s user, typed as its bare origin
    (the way in is found by discovery)."""
    return calendar_connection_create(
        organization=membership.organization,
        owner=membership.user,
        address=server.base_url,
        username=server.username,
        password=server.password,
        label=label,
    )


def calendar_named(connection: CalendarConnection, url: str):
    """The connection's calendar at `url` (a calendar the test made on the server)."""
    return connection.calendars.get(url=url)
