"""A member who leaves takes their calendar connections with them (removed with their
passwords), and a booking given to another member is written afresh in that member's
"Add bookings to" calendar, on Radicale and Xandikos."""

from __future__ import annotations

import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.calendars import client
from slotlink.calendars.models import CalendarConnection, CalendarEvent, ConnectedCalendar
from tests.calendars.connecting import connect
from tests.calendars.servers import CalDAVServer
from tests.factories import make_member
from tests.fixtures.task_queue import run_ready_tasks
from tests.scheduling.builders import book, make_event_type

pytestmark = pytest.mark.django_db


def with_target(server: CalDAVServer, membership: Membership, name: str) -> str:
    """`membership`'s connection to the test account, its calendar `name` (new) chosen
    for bookings and none counting as busy (other tests' calendars share the account)."""
    url = server.new_calendar(name)
    connection = connect(server, membership)
    connection.calendars.update(is_busy=False)
    ConnectedCalendar.objects.filter(connection=connection, url=url).update(is_target=True)
    return url


def test_a_leavers_booking_moves_into_its_new_hosts_calendar_and_their_connection_goes(
    caldav_server: CalDAVServer, organization, admin_client: Client
):
    """The removal page says what happens to the leaver's calendar connections; once they
    are removed, the booking given to a colleague is an event in the colleague's calendar
    (same UID), the leaver's connection and its password are gone, and the Members page
    shows the colleague's calendar connection."""
    leaver = make_member(organization, full_name="Lea Leaving", email="lea@acme.test")
    colleague = make_member(organization, full_name="Cole Colleague", email="cole@acme.test")
    leaver_calendar = with_target(caldav_server, leaver, "Lea's work")
    colleague_calendar = with_target(caldav_server, colleague, "Cole's work")
    booking = book(make_event_type(organization, leaver.user))
    run_ready_tasks(rounds=10, only_due=False, only="calendar_event_sync")
    assert len(caldav_server.hrefs(leaver_calendar)) == 1
    page = admin_client.get(f"/360/members/{leaver.id}/remove").content.decode()
    assert "Their calendar connections" in page
    assert "are removed with their passwords" in page

    removed = admin_client.post(
        f"/360/members/{leaver.id}/remove", {f"booking_{booking.id}": str(colleague.user_id)}
    )
    assert removed.status_code == 302
    assert not CalendarConnection.objects.filter(owner=leaver.user).exists()
    run_ready_tasks(rounds=10, only_due=False, only="calendar_event_sync")
    moved = caldav_server.get_ics(client.event_url(colleague_calendar, booking.ical_uid))
    assert moved is not None
    assert "Cole Colleague" in moved
    row = CalendarEvent.objects.get(booking_id=booking.id)
    assert (row.host_id, row.in_sync) == (colleague.user_id, True)
    members = admin_client.get("/360/members").content.decode()
    assert "Calendars" in members
    assert "Connected" in members
