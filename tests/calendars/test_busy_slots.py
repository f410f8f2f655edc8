"""The host's own calendar on a real CalDAV server, as invitees meet it: its events take
their slots (and the buffers around them) off the public booking page once the refresh
has read them, and the booking POST asks the server again, so a meeting added after the
page loaded can't be booked over. A server that is down breaks neither."""

from datetime import UTC, timedelta
from html import unescape

import httpx
import pytest

from slotlink.calendars.models import BusyStretch, CalendarConnection, ConnectedCalendar
from slotlink.calendars.refresh import connection_refresh
from slotlink.calendars.services.connections import calendar_connection_create
from slotlink.core import outbound
from slotlink.scheduling.models import Booking
from tests.calendars.busy_calendar import at, connect_one, days_ahead, event_ics
from tests.calendars.servers import start_radicale, start_xandikos
from tests.factories import make_member
from tests.local_http import Reply, Seen, local_http
from tests.scheduling.builders import make_event_type
from tests.scheduling.test_public_pages import form_data, offered_starts, page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(organization):
    return make_member(organization, time_zone="Europe/Berlin", full_name="Hana Host")


@pytest.fixture
def buffered(organization, membership):
    """Half an hour, with 15 minutes kept free on both sides."""
    return make_event_type(organization, membership.user, slug="buffered", buffer_minutes=15)


def offered_on(client, event_type, day) -> set[str]:
    response = client.get(page_url(event_type), {"date": f"{day:%Y-%m-%d}", "tz": "UTC"})
    assert response.status_code == 200
    return set(offered_starts(unescape(response.content.decode())))


def utc(moment) -> str:
    return moment.astimezone(UTC).isoformat()


def test_an_event_takes_exactly_its_slots_and_the_buffers_off_the_page(
    client, caldav_server, membership, buffered
):
    """A meeting 10:00-11:00 in the host's calendar, once refreshed, takes 09:30, 10:00,
    10:30 and 11:00 off the page (the 15-minute buffer reaches into 09:30 and 11:00) and
    nothing else."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    day = days_ahead(2)
    before = offered_on(client, buffered, day)
    caldav_server.put_ics(calendar_url, event_ics(at(day, 10), at(day, 11)))
    connection_refresh(connection_id=connection.id)
    after = offered_on(client, buffered, day)
    assert before - after == {
        utc(at(day, 9, 30)),
        utc(at(day, 10)),
        utc(at(day, 10, 30)),
        utc(at(day, 11)),
    }
    assert after <= before


def test_a_weekly_event_takes_its_slot_in_each_week(client, caldav_server, membership):
    """A weekly stand-up 10:00-10:30 for four weeks takes the 10:00 slot of each of those
    weeks, and leaves 09:30 and 10:30 around it."""
    event_type = make_event_type(membership.organization, membership.user, slug="plain")
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    first = days_ahead(2)
    caldav_server.put_ics(
        calendar_url, event_ics(at(first, 10), at(first, 10, 30), extra="RRULE:FREQ=WEEKLY;COUNT=4")
    )
    connection_refresh(connection_id=connection.id)
    for week in range(5):
        day = first + timedelta(weeks=week)
        offered = offered_on(client, event_type, day)
        assert (utc(at(day, 10)) in offered) == (week == 4), week
        assert {utc(at(day, 9, 30)), utc(at(day, 10, 30))} <= offered, week


def test_a_transparent_event_takes_no_slot(client, caldav_server, membership, buffered):
    """An event marked free (TRANSP:TRANSPARENT) leaves every slot on the page."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    day = days_ahead(2)
    before = offered_on(client, buffered, day)
    caldav_server.put_ics(
        calendar_url, event_ics(at(day, 10), at(day, 11), extra="TRANSP:TRANSPARENT")
    )
    connection_refresh(connection_id=connection.id)
    assert offered_on(client, buffered, day) == before
    assert not BusyStretch.objects.filter(host=membership.user).exists()


def test_a_meeting_added_after_the_page_loaded_is_not_booked_over(
    client, caldav_server, membership, buffered
):
    """The page offered 10:00; the host then puts a meeting at 10:40 in their calendar and
    no refresh runs. The POST asks the server, and the meeting falls inside the buffer after
    10:00-10:30: the invitee is told the time was just taken, and nothing is booked."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    connection_refresh(connection_id=connection.id)
    day = days_ahead(2)
    start = at(day, 10)
    assert utc(start) in offered_on(client, buffered, day)
    caldav_server.put_ics(calendar_url, event_ics(at(day, 10, 40), at(day, 11)))
    response = client.post(page_url(buffered), form_data(start))
    assert response.status_code == 409
    assert "That time was just taken. Please pick another." in unescape(response.content.decode())
    assert not Booking.objects.exists()
    assert not BusyStretch.objects.filter(host=membership.user).exists()  # no refresh ran


def test_a_hung_server_doesnt_keep_the_post_from_hearing_another_calendar_is_busy(
    client, caldav_server, membership, buffered
):
    """The host has two connections: the first one's server (listed first) takes the
    request and never answers; the second's calendar has a meeting at the chosen time,
    put there after the page loaded. Both are asked at once, so the second's "busy" is
    heard within the re-check's time: the invitee is told the time was just taken, and
    nothing is booked."""
    hung = caldav_server.new_calendar("A calendar on a hung server")
    busy = caldav_server.new_calendar("Work")
    hanging = False

    def forward_until_hung(request: Seen) -> Reply:
        if hanging:
            return Reply(hang=True)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        answer = httpx.request(
            request.method,
            caldav_server.base_url + request.path,
            headers=headers,
            content=request.body,
        )
        kept = {"Content-Type": answer.headers.get("Content-Type", "")}
        if "Location" in answer.headers:
            kept["Location"] = answer.headers["Location"]
        return Reply(answer.status_code, answer.content, kept)

    with local_http(forward_until_hung) as proxy:
        first = calendar_connection_create(
            organization=membership.organization,
            owner=membership.user,
            address=proxy.url,
            username=caldav_server.username,
            password=caldav_server.password,
        )
        second = connect_one(caldav_server, membership, busy)
        hung_path = hung.removeprefix(caldav_server.base_url)
        first.calendars.exclude(url__endswith=hung_path).update(is_busy=False)
        asked = ConnectedCalendar.objects.filter(host=membership.user, is_busy=True)
        assert [c.connection_id for c in asked] == [first.id, second.id]
        day = days_ahead(2)
        start = at(day, 10)
        assert utc(start) in offered_on(client, buffered, day)
        caldav_server.put_ics(busy, event_ics(at(day, 10), at(day, 10, 30)))
        hanging = True
        response = client.post(page_url(buffered), form_data(start))
    assert response.status_code == 409
    assert "That time was just taken. Please pick another." in unescape(response.content.decode())
    assert not Booking.objects.exists()


@pytest.fixture(params=["radicale", "xandikos"])
def own_server(request, settings, tmp_path):
    """A CalDAV server of this test's own, which it may stop."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    start = {"radicale": start_radicale, "xandikos": start_xandikos}[request.param]
    server = start(tmp_path / request.param)
    yield server
    server.stop()


def test_a_server_that_is_down_breaks_neither_the_page_nor_the_booking(
    client, own_server, membership, buffered
):
    """With the host's calendar server stopped, the page still leaves out the busy times
    read before, and a booking goes through, marked "calendar not checked" on the host's
    booking page."""
    calendar_url = own_server.new_calendar()
    connection = connect_one(own_server, membership, calendar_url)
    day = days_ahead(2)
    own_server.put_ics(calendar_url, event_ics(at(day, 10), at(day, 11)))
    connection_refresh(connection_id=connection.id)
    own_server.stop()

    offered = offered_on(client, buffered, day)
    assert utc(at(day, 10)) not in offered
    assert utc(at(day, 12)) in offered
    response = client.post(page_url(buffered), form_data(at(day, 12)))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.calendar_not_checked
    client.force_login(membership.user)
    page = unescape(client.get(f"/360/bookings/{booking.id}").content.decode())
    assert "Calendar not checked." in page


def test_a_server_refusing_the_password_leaves_the_booking_unchecked_and_a_broken_one_unasked(
    client, caldav_server, membership, buffered, monkeypatch
):
    """A server that refuses the app password at the POST doesn't stop the booking: it is
    made, marked "calendar not checked". Once the refresh has marked the connection
    broken, the POST doesn't ask that server at all."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    CalendarConnection.objects.filter(id=connection.id).update(password="not the password")
    day = days_ahead(2)
    response = client.post(page_url(buffered), form_data(at(day, 10)))
    assert response.status_code == 302
    assert Booking.objects.get().calendar_not_checked

    assert connection_refresh(connection_id=connection.id).error is not None
    asked: list[str] = []
    exchange = outbound.Outbound._exchange

    def counted(self, method, url, *args, **kwargs):
        asked.append(url)
        return exchange(self, method, url, *args, **kwargs)

    monkeypatch.setattr(outbound.Outbound, "_exchange", counted)
    response = client.post(page_url(buffered), form_data(at(day, 12), email="two@example.test"))
    assert response.status_code == 302
    assert Booking.objects.get(invitee_email="two@example.test").calendar_not_checked
    assert asked == []
