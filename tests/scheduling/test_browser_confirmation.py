"""An invitee in a real browser books and finds, on the confirmation, the add-to-calendar
buttons and a working .ics download."""

import re

import pytest
from icalendar import Calendar

from slotlink.scheduling.models import Booking
from tests.factories import make_organization
from tests.fixtures.browser import a_whole_day, off_the_browser_thread
from tests.scheduling.builders import make_event_type, make_host

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organization():
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host")
    make_event_type(organization, host, title="Intro call", slug="intro")
    return organization


def test_a_booked_invitee_sees_the_calendar_buttons_and_downloads_the_ics(
    live_server, organization, page
):
    """After booking, the page offers Google, Outlook and Apple (.ics); the .ics downloads
    and is the booking's invite."""
    page.goto(f"{live_server.url}/book/{organization.slug}/intro{a_whole_day()}")
    page.wait_for_url(re.compile(r"tz=America%2FNew_York"))
    page.locator("label.slot").first.click()
    page.get_by_label("Your name").fill("Ivy Invitee")
    page.get_by_label("Email").fill("ivy@example.test")
    page.get_by_label("Phone number").fill("+1 212 555 0100")
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("heading", name="You're booked").wait_for()

    calendars = page.get_by_role("navigation", name="Add to your calendar")
    google = calendars.get_by_role("link", name="Google Calendar")
    assert google.get_attribute("href").startswith("https://calendar.google.com/")
    outlook = calendars.get_by_role("link", name="Outlook", exact=True)
    assert outlook.get_attribute("href").startswith("https://outlook.live.com/")
    with page.expect_download() as download_info:
        calendars.get_by_role("link", name="Apple Calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "invite.ics"
    with open(download.path(), "rb") as ics:
        (event,) = Calendar.from_ical(ics.read()).walk("VEVENT")
    booking = off_the_browser_thread(Booking.objects.get)
    assert str(event["UID"]) == booking.ical_uid
    assert event.decoded("DTSTART") == booking.start
