"""A host connects their CalDAV calendar in a real browser and the calendar follows what
happens on the booking pages: its busy time is no longer offered, and a Zoom booking's
event, with the join link from the Zoom sandbox, is written to it, moved and removed.
Against Radicale over HTTP, read back from the server itself, not from slotlink."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from slotlink.zoom.models import ZoomRollout
from tests.calendars.busy_calendar import event_ics
from tests.calendars.servers import CalDAVServer
from tests.factories import make_organization
from tests.fixtures.browser import a_whole_day, off_the_browser_thread
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import make_host
from tests.zoom.browser_helpers import demo_against_sandbox, signed_in
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import drain, zoom_event_type

pytestmark = pytest.mark.django_db(transaction=True)


def offered(page: Any, url: str) -> list[datetime]:
    """The starts the booking (or reschedule) page at `url` offers on its day."""
    page.goto(url)
    values = page.locator("label.slot input").evaluate_all("inputs => inputs.map(i => i.value)")
    return [datetime.fromisoformat(value) for value in values]


def events_on(server: CalDAVServer, calendar_url: str) -> dict[str, Any]:
    """Every event in the calendar as the server holds it, by UID."""
    events = {}
    for href in server.hrefs(calendar_url):
        text = server.get_ics(href)
        assert text is not None
        for event in Calendar.from_ical(text).walk("VEVENT"):
            events[str(event["UID"])] = event
    return events


def test_a_connected_calendar_hides_its_busy_time_and_follows_a_zoom_booking(
    settings, live_server, page, radicale_server: CalDAVServer, zoom_sandbox: ZoomSandbox
):
    """The host connects their calendar on Integrations → Calendars (address, username,
    app password), keeps only it as busy and picks it for bookings: the time of the event
    already in it is offered before and not after. An invitee books the Zoom call; the
    calendar server then holds the booking's event at its time with the sandbox's join
    link; the invitee's Reschedule moves that event, and Cancel removes it, leaving the
    host's own event."""
    demo_against_sandbox(settings, live_server, zoom_sandbox, link_wait_seconds=0)
    settings.ALLOW_PRIVATE_NETWORKS = True  # the calendar server is on loopback
    server = radicale_server
    calendar_name = f"Hana's calendar {uuid.uuid4().hex[:6]}"
    calendar_url = server.new_calendar(calendar_name)

    def a_zoom_host() -> tuple[str, str, str]:
        organization = make_organization("Acme")
        host = make_host(organization, full_name="Hana Host")
        membership = host.memberships.get()
        ZoomRollout.objects.create(organization=organization, enabled=True)
        _, zoom_user = connected(zoom_sandbox, membership, email="hana@zoom.test")
        zoom_event_type(membership, slug="intro")
        client = Client()
        client.force_login(host)
        return organization.slug, zoom_user["id"], client.cookies["sessionid"].value

    slug, zoom_user_id, host_session = off_the_browser_thread(a_zoom_host)
    booking_page = f"{live_server.url}/book/{slug}/intro{a_whole_day()}"

    # The host's own meeting, already in the calendar, at a time the page offers.
    before = offered(page, booking_page)
    busy = before[4]
    own_uid = str(uuid.uuid4())
    server.put_ics(calendar_url, event_ics(busy, busy + timedelta(minutes=30), uid=own_uid))

    # Integrations → Calendars → Connect a calendar, as the host.
    signed_in(page, live_server.url, host_session)
    page.goto(f"{live_server.url}/360/integrations")
    page.get_by_role("link", name="Connect a calendar").click()
    page.get_by_label("Server address").fill(server.base_url)
    page.get_by_label("Username").fill(server.username)
    page.get_by_label("App password").fill(server.password)
    page.get_by_label("Name (optional)").fill("Work")
    page.get_by_role("button", name="Connect").click()
    page.get_by_role("heading", name="Choose calendars").wait_for()
    # The account may hold other calendars (the server is the whole suite's, with one or
    # more calendars per test): only this one counts as busy, and bookings go to it. The
    # others are unticked in one go, not a click (a round trip) each.
    busy_group = page.get_by_role("group", name="Count as busy")
    busy_group.get_by_role("checkbox").evaluate_all(
        "boxes => boxes.forEach(b => b.checked = false)"
    )
    busy_group.get_by_role("checkbox", name=calendar_name, exact=True).check()
    page.get_by_role("group", name="Add bookings to").get_by_role(
        "radio", name=calendar_name, exact=True
    ).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your calendar choices are saved.").wait_for()
    off_the_browser_thread(drain)  # the refresh a newly ticked calendar queues
    page.reload()
    page.get_by_text("Busy times as of").wait_for()

    # The public page, as an invitee: the busy time is gone, the rest is still there.
    page.context.clear_cookies()
    after = offered(page, booking_page)
    assert busy not in after
    assert before[0] in after
    chosen = after[0]
    page.locator("label.slot").first.click()
    page.get_by_label("Your name").fill("Ivy Invitee")
    page.get_by_label("Email").fill("ivy@example.test")
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("heading", name="You're booked").wait_for()

    off_the_browser_thread(drain)  # the Zoom meeting, the calendar event, the emails
    (meeting,) = zoom_sandbox.meetings(zoom_user_id)
    join_url = meeting["join_url"]
    assert join_url.startswith(f"{zoom_sandbox.base_url}/j/")
    events = events_on(server, calendar_url)
    assert set(events) - {own_uid}, "no booking event in the calendar"
    (uid,) = set(events) - {own_uid}
    event = events[uid]
    assert event["DTSTART"].dt == chosen
    assert event["DTEND"].dt == chosen + timedelta(minutes=30)
    assert str(event["LOCATION"]) == join_url
    assert join_url in str(event["DESCRIPTION"])

    # The invitee moves it with the confirmation page's Reschedule.
    page.get_by_role("link", name="Reschedule", exact=True).click()
    page.get_by_role("heading", name="Reschedule Intro call").wait_for()
    moved_to = [start for start in offered(page, page.url + a_whole_day()) if start != chosen][1]
    page.locator("label.slot", has=page.locator(f"input[value='{moved_to.isoformat()}']")).click()
    page.get_by_role("button", name="Move my booking").click()
    page.get_by_role("heading", name="Your booking moved").wait_for()
    off_the_browser_thread(drain)
    events = events_on(server, calendar_url)
    assert set(events) == {own_uid, uid}
    assert events[uid]["DTSTART"].dt == moved_to
    assert str(events[uid]["LOCATION"]) == join_url

    # And cancels it: the booking's event is gone, the host's own stays.
    page.get_by_role("link", name="Cancel", exact=True).click()
    page.get_by_role("button", name="Cancel booking").click()
    page.get_by_role("heading", name="Your booking is cancelled").wait_for()
    off_the_browser_thread(drain)
    assert set(events_on(server, calendar_url)) == {own_uid}
