"""A Zoom booking's event in the host's calendar carries the meeting's join link, also
when the link comes after the event was first written (seam.link_ready): against the Zoom
sandbox and Radicale and Xandikos."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from slotlink.calendars import client
from slotlink.calendars.models import CalendarEvent, ConnectedCalendar
from tests.calendars.connecting import connect
from tests.calendars.servers import CalDAVServer
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book
from tests.zoom.meeting_helpers import ZoomHost, drain, meeting_of, zoom_workshop

pytestmark = pytest.mark.django_db


def the_event(server: CalDAVServer, calendar_url: str, uid: str):
    text = server.get_ics(client.event_url(calendar_url, uid))
    assert text is not None
    return next(iter(Calendar.from_ical(text).walk("VEVENT")))


def test_a_late_zoom_link_updates_the_event(
    caldav_server: CalDAVServer, zoom: ZoomSandbox, host: ZoomHost
):
    """The event written before Zoom answered says the link follows; once the meeting's
    link is stored, the same event (one, same UID) gets it as its location and in its
    notes, with the passcode."""
    url = caldav_server.new_calendar("Work")
    connection = connect(caldav_server, host.membership)
    connection.calendars.update(is_busy=False)  # other tests' events are in the account
    ConnectedCalendar.objects.filter(connection=connection, url=url).update(is_target=True)
    booking = book(host.event_type)
    assert drain(only="calendar_event_sync") == 1
    before = the_event(caldav_server, url, booking.ical_uid)
    assert str(before["LOCATION"]) == "Zoom"
    drain(only="zoom_meeting_sync")
    meeting = meeting_of(booking)
    assert meeting.join_url
    assert drain(only="calendar_event_sync") == 1
    after = the_event(caldav_server, url, booking.ical_uid)
    assert str(after["LOCATION"]) == meeting.join_url
    assert f"Join: {meeting.join_url}" in str(after["DESCRIPTION"])
    assert len(caldav_server.hrefs(url)) == 1
    assert CalendarEvent.objects.get(booking_id=booking.id).in_sync


def test_a_late_zoom_link_updates_a_group_sessions_one_event(
    caldav_server: CalDAVServer, zoom: ZoomSandbox, host: ZoomHost
):
    """A group session is one event in the host's calendar; when its shared meeting's link
    comes after that event was written, the session's event gets it (not only at the
    session's next seat change)."""
    url = caldav_server.new_calendar("Workshops")
    connection = connect(caldav_server, host.membership)
    connection.calendars.update(is_busy=False)  # other tests' events are in the account
    ConnectedCalendar.objects.filter(connection=connection, url=url).update(is_target=True)
    workshop = zoom_workshop(host.membership)
    first = book(workshop)
    book(workshop, first.start, email="second@example.test")
    drain(only="calendar_event_sync")
    session = first.session
    assert str(the_event(caldav_server, url, session.ical_uid)["LOCATION"]) == "Zoom"
    drain(only="zoom_meeting_sync")
    meeting = meeting_of(first)
    assert meeting.join_url
    assert drain(only="calendar_event_sync") >= 1
    after = the_event(caldav_server, url, session.ical_uid)
    assert str(after["LOCATION"]) == meeting.join_url
    assert len(caldav_server.hrefs(url)) == 1
    assert CalendarEvent.objects.get(session_id=session.id).in_sync
