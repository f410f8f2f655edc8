"""Moving a booking asks the host's own calendar again, as booking does: a meeting the host
put in their calendar after the reschedule page loaded can't be moved onto, by the
invitee's link, the host or a whole session's move; the booking's own event doesn't stand
in its way; a server that can't answer lets the move through, marked "calendar not
checked". On Radicale and Xandikos, with no refresh between the meeting and the POST."""

from datetime import UTC, datetime
from html import unescape

import pytest
from django.test import Client

from slotlink.calendars.models import BusyStretch, CalendarConnection, ConnectedCalendar
from slotlink.calendars.refresh import connection_refresh
from slotlink.scheduling.models import Booking, BookingToken, EventType
from slotlink.scheduling.tokens import token_mint
from tests.calendars.busy_calendar import at, connect_one, days_ahead, event_ics
from tests.calendars.servers import CalDAVServer
from tests.factories import make_member
from tests.fixtures.task_queue import run_ready_tasks
from tests.scheduling.builders import book, make_event_type

pytestmark = pytest.mark.django_db

TAKEN = "That time was just taken. Please pick another."


@pytest.fixture
def membership(organization):
    return make_member(organization, time_zone="Europe/Berlin", full_name="Hana Host")


@pytest.fixture
def host(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def calendar_of(server: CalDAVServer, membership) -> tuple[str, CalendarConnection]:
    """A fresh calendar, the only one counting as busy, read once (empty), and chosen for
    bookings: the booking's own event is written into the calendar that is checked."""
    url = server.new_calendar()
    connection = connect_one(server, membership, url)
    ConnectedCalendar.objects.filter(connection=connection, url=url).update(is_target=True)
    connection_refresh(connection_id=connection.id)
    return url, connection


def move_data(start: datetime) -> dict[str, str]:
    return {"start": start.astimezone(UTC).isoformat(), "time_zone": "UTC"}


def reschedule_link(booking: Booking) -> str:
    """The path of a reschedule link as the invitee's email carries one."""
    token = token_mint(booking=booking, purpose=BookingToken.Purpose.RESCHEDULE)
    return f"/booking/{token}/reschedule"


def text(response) -> str:
    return unescape(response.content.decode())


def test_a_meeting_added_after_the_page_loaded_is_not_moved_onto(
    client, host, caldav_server: CalDAVServer, membership
):
    """A booking at 14:00, its event in the host's busy calendar; the host then puts a
    meeting at 10:40. Neither the invitee's reschedule link nor the host can move the
    booking to 10:00 (the meeting is in the 15-minute buffer after 10:00-10:30): each is
    told the time was just taken, and the booking stays. A move to 14:30, inside the
    buffer around the booking's own event, goes through, checked."""
    calendar_url, _ = calendar_of(caldav_server, membership)
    event_type = make_event_type(
        membership.organization, membership.user, slug="buffered", buffer_minutes=15
    )
    day = days_ahead(2)
    booking = book(event_type, at(day, 14))
    assert run_ready_tasks(rounds=5, only_due=False, only="calendar_event_sync") == 1
    assert len(caldav_server.hrefs(calendar_url)) == 1
    caldav_server.put_ics(calendar_url, event_ics(at(day, 10, 40), at(day, 11)))
    link = reschedule_link(booking)

    by_invitee = client.post(link, move_data(at(day, 10)))
    by_host = host.post(f"/360/bookings/{booking.id}/reschedule", move_data(at(day, 10)))
    for response in (by_invitee, by_host):
        assert response.status_code == 409
        assert TAKEN in text(response)
    booking.refresh_from_db()
    assert booking.start == at(day, 14)
    assert not BusyStretch.objects.filter(host=membership.user).exists()  # no refresh ran

    assert client.post(link, move_data(at(day, 14, 30))).status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(day, 14, 30)
    assert not booking.calendar_not_checked


def test_a_session_is_not_moved_onto_a_meeting_added_after_the_page_loaded(
    host, caldav_server: CalDAVServer, membership
):
    """A workshop session at 14:00 with a seat taken; the host then puts a meeting at
    10:10 in their calendar. Moving the session to 10:00 is refused as taken and moves
    nothing; to 12:00 it moves, checked."""
    calendar_url, _ = calendar_of(caldav_server, membership)
    workshop = make_event_type(
        membership.organization,
        membership.user,
        slug="workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=3,
    )
    day = days_ahead(2)
    seat = book(workshop, at(day, 14))
    caldav_server.put_ics(calendar_url, event_ics(at(day, 10, 10), at(day, 10, 20)))
    page = f"/360/sessions/{seat.session_id}/reschedule"

    refused = host.post(page, {**move_data(at(day, 10)), "message": ""})
    assert refused.status_code == 409
    assert TAKEN in text(refused)
    seat.refresh_from_db()
    assert seat.start == at(day, 14)
    assert seat.session.start == at(day, 14)

    assert host.post(page, {**move_data(at(day, 12)), "message": ""}).status_code == 302
    seat.refresh_from_db()
    assert seat.start == at(day, 12)
    assert not seat.calendar_not_checked


def test_a_move_the_server_couldnt_check_goes_through_marked_until_a_checked_move(
    client, host, caldav_server: CalDAVServer, membership
):
    """While the server refuses the stored app password, the invitee's move goes through,
    and the host's booking page says "Calendar not checked."; the host's next move, with
    the password right again, is checked and the mark is gone."""
    _, connection = calendar_of(caldav_server, membership)
    event_type = make_event_type(membership.organization, membership.user, slug="plain")
    day = days_ahead(2)
    booking = book(event_type, at(day, 14))
    assert not booking.calendar_not_checked
    CalendarConnection.objects.filter(id=connection.id).update(password="not the password")
    link = reschedule_link(booking)

    assert client.post(link, move_data(at(day, 10))).status_code == 302
    assert Booking.objects.get(id=booking.id).calendar_not_checked
    assert "Calendar not checked." in text(host.get(f"/360/bookings/{booking.id}"))

    CalendarConnection.objects.filter(id=connection.id).update(password=caldav_server.password)
    moved = host.post(f"/360/bookings/{booking.id}/reschedule", move_data(at(day, 12)))
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(day, 12)
    assert not booking.calendar_not_checked
    assert "Calendar not checked." not in text(host.get(f"/360/bookings/{booking.id}"))
