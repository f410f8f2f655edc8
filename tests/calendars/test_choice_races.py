"""Connections and choices saved at the same moment (two tabs, a double click): a host
picking where bookings go in two connections at once ends with exactly one target, and
one account connected twice at once is stored once, with no error page (on PostgreSQL
the host's calendars are locked while a choice is saved, and the unique constraint
decides between connects; SQLite's write lock serializes both)."""

from __future__ import annotations

import pytest

from slotlink.calendars.models import CalendarConnection, ConnectedCalendar
from slotlink.calendars.services.choices import calendar_choices_save
from slotlink.calendars.services.connections import AlreadyConnected
from tests.calendars.connecting import connect
from tests.calendars.servers import CalDAVServer
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_targets_picked_at_once_in_two_connections_leave_one(
    radicale_server: CalDAVServer, xandikos_server: CalDAVServer, member_membership, settings
):
    """Eight saves at once, alternating between a work and a personal connection, each
    picking its own calendar for bookings: every save succeeds, and one calendar is the
    target afterwards."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    urls = [radicale_server.new_calendar("Work"), xandikos_server.new_calendar("Personal")]
    work = connect(radicale_server, member_membership, label="Work")
    personal = connect(xandikos_server, member_membership, label="Personal")
    picks = [(c, c.calendars.get(url=url)) for c, url in zip((work, personal), urls, strict=True)]

    def save(index: int) -> None:
        connection, calendar = picks[index % 2]
        calendar_choices_save(connection=connection, busy_ids=[calendar.id], target_id=calendar.id)

    outcomes = race(8, save)
    assert outcomes == [None] * 8
    assert ConnectedCalendar.objects.filter(is_target=True).count() == 1


def test_one_account_connected_twice_at_once_is_stored_once(
    caldav_server: CalDAVServer, member_membership
):
    """Four connects of the same account at once (tabs, a double click): one connection
    is stored, with its calendars once, and the others are told it is already connected,
    never an error page."""
    caldav_server.new_calendar("Work")

    def attempt(index: int) -> str:
        try:
            connect(caldav_server, member_membership)
        except AlreadyConnected:
            return "already"
        return "connected"

    outcomes = race(4, attempt)
    assert sorted(map(str, outcomes)) == ["already"] * 3 + ["connected"]
    (connection,) = CalendarConnection.objects.all()
    urls = list(ConnectedCalendar.objects.values_list("url", flat=True))
    assert len(urls) == len(set(urls)) == connection.calendars.count()
