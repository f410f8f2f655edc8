"""A host in a real browser adds a day off and other hours on a date on the Availability
page, and the public booking page loses that day's times and offers just the other hours."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from slotlink.scheduling.slots import wall_to_utc
from tests.factories import make_organization
from tests.fixtures.browser import BROWSER_TIME_ZONE, off_the_browser_thread
from tests.scheduling.builders import make_event_type, make_host

pytestmark = pytest.mark.django_db(transaction=True)

# The host works in the browser's zone, so the booking page's days are the host's dates.
ZONE = ZoneInfo(BROWSER_TIME_ZONE)


def signed_in_host() -> tuple[str, str]:
    """A host open all day every day with an event type; their session and its page."""
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host", time_zone=BROWSER_TIME_ZONE)
    make_event_type(organization, host, title="Intro call", slug="intro")
    client = Client()
    client.force_login(host)
    return client.cookies["sessionid"].value, f"/book/{organization.slug}/intro"


def offered(page, base: str, booking_page: str, day: date) -> list[str]:
    """The starts the public page offers on `day` (in the browser's zone). Asked for a day
    without times, the page shows the first day with some: those aren't `day`'s."""
    page.goto(f"{base}{booking_page}?tz={BROWSER_TIME_ZONE}&date={day}")
    values = [
        radio.get_attribute("value")
        for radio in page.locator("input[name=start]").element_handles()
    ]
    return [
        value for value in values if datetime.fromisoformat(value).astimezone(ZONE).date() == day
    ]


def utc_value(day: date, hour: int, minute: int = 0) -> str:
    return wall_to_utc(day, time(hour, minute), ZONE).isoformat()


def test_a_day_off_and_other_hours_change_the_public_booking_page(live_server, page):
    """Before: both days offer times all day. The host adds a day off and other hours of
    10-11 on the next day; then the first day has no times (not even a link in the
    calendar) and the second offers just 10:00 and 10:30."""
    session, booking_page = off_the_browser_thread(signed_in_host)
    base = live_server.url
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    today = datetime.now(ZONE).date()
    day_off, other_day = today + timedelta(days=2), today + timedelta(days=3)
    assert len(offered(page, base, booking_page, day_off)) == 47  # 00:00 to 23:00, by 30 min
    assert len(offered(page, base, booking_page, other_day)) == 47

    page.goto(f"{base}/360/availability")
    page.get_by_label("From").fill(day_off.isoformat())
    page.get_by_label("Name (only you see it)").fill("Dentist")
    page.get_by_role("button", name="Add time off").click()
    page.get_by_text("Added time off: Dentist").wait_for()
    assert "Dentist" in page.locator("#time-off table").inner_text()

    page.get_by_label("Date", exact=True).fill(other_day.isoformat())
    page.get_by_label("Hours that day").fill("10-11")
    page.get_by_role("button", name="Set hours for that date").click()
    page.get_by_text("you take meetings 10:00-11:00").wait_for()
    assert "10:00-11:00" in page.locator("#other-hours table").inner_text()

    assert offered(page, base, booking_page, day_off) == []
    label = re.compile(rf"^{day_off:%A} {day_off.day} {day_off:%B}")
    assert page.get_by_role("link", name=label).count() == 0
    assert offered(page, base, booking_page, other_day) == [
        utc_value(other_day, 10),
        utc_value(other_day, 10, 30),
    ]
