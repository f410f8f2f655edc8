"""A host in a real browser moves a booking from its page; the invitee's email has the new
time, the host's message and a reschedule link that works."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from slotlink.scheduling.models import Booking
from tests.factories import make_organization
from tests.fixtures.browser import off_the_browser_thread
from tests.scheduling.builders import (
    book,
    make_event_type,
    make_host,
    next_free_starts,
    run_queued_tasks,
)
from tests.scheduling.mailbox import INVITEE_EMAIL, invite_facts, to

pytestmark = pytest.mark.django_db(transaction=True)

HOST_ZONE = "Europe/Berlin"
INVITEE_ZONE = "America/New_York"  # the builders' invitee
MESSAGE = "A workshop ran over; I hope this later time suits you."


def signed_in_host_and_booking(live_server_url: str) -> tuple[str, int]:
    """A host with a booking whose confirmation went out, and the host's session cookie."""
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host", time_zone=HOST_ZONE)
    event_type = make_event_type(organization, host, title="Intro call", slug="intro")
    booking = book(event_type, next_free_starts(event_type)[0])
    run_queued_tasks()
    client = Client()
    client.force_login(host)
    return client.cookies["sessionid"].value, booking.id


def test_a_host_reschedules_from_the_booking_page_and_the_invitee_can_move_it_again(
    live_server, settings, page
):
    """The host opens the booking, presses Reschedule, picks a time two days ahead and
    writes a message; the booking's page shows the new time. The invitee's email of the
    change has that time (in their zone and in the invite), the message, and a reschedule
    link that opens the picker and moves the booking again."""
    settings.BASE_URL = live_server.url  # the links in the emails point at this server
    session, booking_id = off_the_browser_thread(signed_in_host_and_booking, live_server.url)
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    page.goto(f"{live_server.url}/360/bookings/{booking_id}")
    page.get_by_role("link", name="Reschedule", exact=True).click()
    page.get_by_role("heading", name="Reschedule Intro call with Ivy Invitee").wait_for()
    # A day whose times are all still ahead, whatever the hour the test runs at.
    whole_day = datetime.now(ZoneInfo(HOST_ZONE)).date() + timedelta(days=2)
    page.goto(f"{page.url}?date={whole_day}")
    slot = page.locator("label.slot").nth(3)
    chosen = datetime.fromisoformat(str(slot.locator("input").get_attribute("value")))
    slot.click()
    page.get_by_label("Message to the invitee (optional)").fill(MESSAGE)
    page.get_by_role("button", name="Move the booking").click()

    page.get_by_text("Moved. Ivy Invitee is told by email, with the new time.").wait_for()
    on_host_clock = chosen.astimezone(ZoneInfo(HOST_ZONE))
    # The host is on Automatic: their en-US browser reads a 12-hour clock.
    assert f"{on_host_clock:%-I:%M %p}" in page.locator("dl.facts").inner_text()

    def emails_of_the_move() -> int:
        mail.outbox.clear()
        return run_queued_tasks()

    assert off_the_browser_thread(emails_of_the_move) >= 1
    (email,) = to(INVITEE_EMAIL)
    assert invite_facts(email)["start"] == chosen
    on_invitee_clock = chosen.astimezone(ZoneInfo(INVITEE_ZONE))
    assert f"{on_invitee_clock:%A} {on_invitee_clock.day} {on_invitee_clock:%B %Y}" in email.body
    assert f"Message from Hana Host: {MESSAGE}" in email.body
    match = re.search(r"https?://\S+/booking/\S+/reschedule", email.body)
    assert match, email.body

    page.context.clear_cookies()  # the invitee has no account
    page.goto(f"{live_server.url}{urlsplit(match.group(0)).path}?date={whole_day}")
    page.get_by_role("heading", name="Reschedule Intro call").wait_for()
    again = page.locator("label.slot").nth(5)
    moved_again = datetime.fromisoformat(str(again.locator("input").get_attribute("value")))
    again.click()
    page.get_by_role("button", name="Move my booking").click()
    page.get_by_role("heading", name="Your booking moved").wait_for()

    def stored() -> tuple[datetime, list[str]]:
        booking = Booking.objects.get(pk=booking_id)
        return booking.start, list(booking.history.values_list("actor_name", flat=True))

    assert off_the_browser_thread(stored) == (
        moved_again,
        ["Ivy Invitee", "Hana Host", "Ivy Invitee"],
    )
