"""Choices saved at the same moment: a host picking where bookings go in two connections
at once (two tabs) ends with exactly one target and no error (on PostgreSQL, the host's
calendars are locked while a choice is saved; SQLite's write lock serializes them)."""

from __future__ import annotations

import pytest

from slotlink.calendars.models import ConnectedCalendar
from slotlink.calendars.services.choices import calendar_choices_save
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
