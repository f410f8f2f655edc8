"""The booking pages' time zone picker: without script a <select> grouped by region, each
zone with its offset and time now and the words to find it by; in Chromium a searchable
combobox with the browser's zone first, which re-renders the times in the zone picked."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from slotlink.core.times import Clock
from slotlink.scheduling.timezones import time_zone_options
from tests.factories import make_organization
from tests.fixtures.browser import a_whole_day
from tests.scheduling.builders import make_event_type, make_host

WINTER = datetime(2026, 12, 7, 15, 4, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 15, 4, tzinfo=UTC)


def option(html: str, zone: str) -> str:
    match = re.search(rf'<option value="{re.escape(zone)}"[^>]*>[^<]*</option>', html)
    assert match, zone
    return unescape(match.group(0))


def test_each_zone_says_its_offset_and_time_now_in_its_regions_group():
    """Berlin reads 'Berlin (UTC+01:00, 4:04 PM)' in December on a 12-hour clock ('16:04'
    on a 24-hour one) and UTC+02:00 in July, under Europe; Kolkata is +05:30; Los Angeles
    is found by PST and PDT, Berlin by Germany."""
    winter = str(time_zone_options("Europe/Berlin", WINTER, clock=Clock.TWELVE_HOUR))
    assert "Berlin (UTC+01:00, 4:04 PM)</option>" in option(winter, "Europe/Berlin")
    assert " selected " in option(winter, "Europe/Berlin")
    assert "Kolkata (UTC+05:30, 8:34 PM)" in option(winter, "Asia/Kolkata")
    assert "Los Angeles (UTC-08:00, 7:04 AM)" in option(winter, "America/Los_Angeles")
    search = re.search(r'data-search="([^"]+)"', option(winter, "America/Los_Angeles"))
    assert search
    assert {"pst", "pdt", "united", "states", "-08:00"} <= set(search.group(1).split())
    assert "germany" in option(winter, "Europe/Berlin")
    europe = re.search(r'<optgroup label="Europe">(.*?)</optgroup>', winter)
    assert europe
    assert 'value="Europe/Berlin"' in europe.group(1)
    assert 'value="Asia/Kolkata"' not in europe.group(1)
    summer = str(time_zone_options("UTC", SUMMER, clock=Clock.TWELVE_HOUR))
    assert "Berlin (UTC+02:00, 5:04 PM)" in option(summer, "Europe/Berlin")
    on_24_hours = str(time_zone_options("Europe/Berlin", WINTER, clock=Clock.TWENTY_FOUR_HOUR))
    assert "Berlin (UTC+01:00, 16:04)</option>" in option(on_24_hours, "Europe/Berlin")
    assert "Los Angeles (UTC-08:00, 07:04)" in option(on_24_hours, "America/Los_Angeles")


@pytest.fixture
def event_type(settings, live_server, transactional_db):
    settings.BASE_URL = live_server.url
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host")
    return make_event_type(organization, host, title="Intro call", slug="intro")


def slot_labels(page) -> list[str]:
    return [label.strip() for label in page.locator("label.slot").all_inner_texts()]


@pytest.mark.django_db(transaction=True)
def test_an_invitee_searches_a_zone_and_the_times_follow_it(live_server, event_type, page):
    """The browser's zone (New York, the context's) is listed first; typing 'kolk' leaves
    Kolkata, Enter picks it, and the times re-render in Kolkata's zone; 'PST' finds Los
    Angeles, '+05:30' finds Kolkata, a country finds its zone; Escape closes the list."""
    page.goto(f"{live_server.url}/book/{event_type.organization.slug}/intro{a_whole_day()}")
    page.wait_for_url(re.compile(r"tz=America%2FNew_York"))
    new_york_times = slot_labels(page)
    search = page.get_by_role("combobox", name="Time zone")
    assert page.locator("select#tz").is_hidden()
    search.click()
    listbox = page.get_by_role("listbox", name="Time zones")
    listbox.wait_for()
    first = listbox.get_by_role("option").first
    assert first.inner_text().startswith("New York (UTC-05:00")
    assert listbox.locator(".zone-group").first.inner_text() == "Your browser's zone"

    for words, zone in (("PST", "Los Angeles"), ("+05:30", "Kolkata"), ("japan", "Tokyo")):
        search.fill(words)
        matches = listbox.get_by_role("option").all_inner_texts()
        assert any(text.startswith(zone) for text in matches), (words, matches)
        assert len(matches) < 40, words  # found, not the whole list
    search.fill("new y")
    assert listbox.get_by_role("option").first.inner_text().startswith("New York")
    search.press("Escape")
    listbox.wait_for(state="hidden")
    assert search.get_attribute("aria-expanded") == "false"

    search.fill("kolk")
    options = listbox.get_by_role("option")
    assert options.count() == 1
    search.press("ArrowDown")  # wraps round the one match
    assert search.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    search.press("Enter")
    page.wait_for_url(re.compile(r"tz=Asia%2FKolkata"))
    assert page.locator("select#tz").input_value() == "Asia/Kolkata"
    kolkata_times = slot_labels(page)
    assert kolkata_times
    assert kolkata_times != new_york_times  # 10.5 hours apart
    assert page.get_by_role("combobox", name="Time zone").input_value().startswith("Kolkata")
