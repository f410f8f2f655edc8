"""Connecting a CalDAV account and giving it a new password: the server is asked first,
and only an account it accepted is written (with the calendars it listed)."""

import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from slotlink.accounts.models import Organization, User
from slotlink.calendars import client
from slotlink.calendars.client import CalDAVAccount, CalendarError, RemoteCalendar
from slotlink.calendars.models import CalendarConnection, ConnectedCalendar
from slotlink.calendars.problems import Problem
from slotlink.core.tasks import enqueue_on_commit

log = logging.getLogger("slotlink.calendars")


class AlreadyConnected(Exception):
    words = (
        "This calendar account is already connected: choose its calendars on the Calendars "
        "page instead."
    )


def problem_code_of(error: CalendarError) -> str:
    """The code a connection stores for what the client raised."""
    for kind, code in (
        (client.CredentialsRefused, Problem.CREDENTIALS_REFUSED),
        (client.ServerUnreachable, Problem.UNREACHABLE),
        (client.NotCalDAV, Problem.NOT_CALDAV),
        (client.AddressRefused, Problem.ADDRESS_REFUSED),
    ):
        if isinstance(error, kind):
            return code
    return Problem.OTHER


def calendar_connection_create(
    *,
    organization: Organization,
    owner: User,
    address: str,
    username: str,
    password: str,
    label: str = "",
) -> CalendarConnection:
    """Find the account at `address`, list its calendars and store both; every calendar
    counts as busy until the host unticks it. Raises the client's `CalendarError` (or
    `AlreadyConnected`) and writes nothing when the server does not take them."""
    account = client.discover(address, username, password)
    remote = client.calendars(account)
    try:
        with transaction.atomic():
            # The unique constraint decides between two connects of one account at once
            # (two tabs): the second is told, not shown an error page.
            connection = CalendarConnection.objects.create(
                organization=organization,
                owner=owner,
                label=label,
                server_url=account.url,
                username=username,
                password=password,
            )
            _calendars_listed(connection, remote)
            refresh_soon(connection_id=connection.id)
    except IntegrityError:
        if CalendarConnection.objects.filter(
            organization=organization, owner=owner, server_url=account.url, username=username
        ).exists():
            raise AlreadyConnected(AlreadyConnected.words) from None
        raise
    log.info("calendars.connection.created connection=%s calendars=%s", connection.id, len(remote))
    return connection


def calendar_connection_reconnect(*, connection: CalendarConnection, password: str) -> None:
    """The same account with a new app password: checked with the server first, then
    stored, the problem cleared. Choices stay; calendars new on the server are added (and
    count as busy), those gone from it are dropped."""
    account = CalDAVAccount(connection.server_url, connection.username, password)
    remote = client.calendars(account)
    with transaction.atomic():
        locked = CalendarConnection.objects.select_for_update().get(id=connection.id)
        locked.password = password
        locked.problem_code = Problem.NONE
        locked.problem_detail = ""
        locked.broken_at = None
        locked.save(update_fields=["password", "problem_code", "problem_detail", "broken_at"])
        _calendars_listed(locked, remote)
        refresh_soon(connection_id=locked.id)
    log.info("calendars.connection.reconnected connection=%s", connection.id)


def calendar_connection_broken(*, connection: CalendarConnection, error: CalendarError) -> None:
    """The server refused the connection: Connection broken, with its reason in words."""
    CalendarConnection.objects.filter(id=connection.id).update(
        problem_code=problem_code_of(error),
        problem_detail=error.words,
        broken_at=timezone.now(),
    )
    log.warning(
        "calendars.connection.broken connection=%s code=%s",
        connection.id,
        problem_code_of(error),
    )


def refresh_soon(*, connection_id: int) -> None:
    """Read the connection's busy times now, not at its next turn: a host who just
    connected (or ticked, or reconnected) expects their booking pages to follow."""
    # Imported here: the refresh imports this module (problem_code_of).
    from slotlink.calendars.tasks import calendar_connection_refresh

    enqueue_on_commit(calendar_connection_refresh, connection_id)


def _calendars_listed(connection: CalendarConnection, remote: Sequence[RemoteCalendar]) -> None:
    """Bring the connection's calendars in line with the server's list. Change markers
    (ctag, sync token) are the refresh's: a listing never sets them, so nothing is judged
    unchanged that was never read."""
    known = {c.url: c for c in ConnectedCalendar.objects.filter(connection=connection)}
    listed = {r.url for r in remote}
    ConnectedCalendar.objects.filter(connection=connection).exclude(url__in=listed).delete()
    for r in remote:
        calendar = known.get(r.url)
        if calendar is None:
            ConnectedCalendar.objects.create(
                connection=connection,
                host_id=connection.owner_id,
                url=r.url,
                name=r.name[:200],
                color=r.color[:20],
                can_write=r.can_write,
                is_busy=True,
            )
        elif (calendar.name, calendar.color, calendar.can_write) != (
            r.name[:200],
            r.color[:20],
            r.can_write,
        ):
            calendar.name, calendar.color, calendar.can_write = (
                r.name[:200],
                r.color[:20],
                r.can_write,
            )
            if not r.can_write:
                calendar.is_target = False
            calendar.save(update_fields=["name", "color", "can_write", "is_target"])
