"""Pages read one time format per viewer (issue 22): an invitee's booking pages follow their
browser's language, a host's pages the time format on their profile (or, on Automatic,
their browser's language), and every time on a page is on that one clock."""

import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from slotlink.scheduling.models import EventType
from tests.scheduling.builders import book, make_event_type, next_free_starts

pytestmark = pytest.mark.django_db

TWELVE_HOUR = re.compile(r"\b(?:1[0-2]|[1-9]):[0-5]\d\s?[AP]M\b")
# Not an offset ("UTC+05:30", "+0530" is how the zone picker says each zone's).
TWENTY_FOUR_HOUR = re.compile(r"(?<![+\-])\b(?:[01]\d|2[0-3]):[0-5]\d\b(?!\s?[AP]M)")
US, GERMAN = "en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8"


def shown(html: str) -> str:
    """The page as read: tags, scripts and attribute values (ISO times in links) dropped."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def clocks(html: str) -> set[str]:
    """Each clock the page's times are on, with the first time seen on it."""
    text = shown(html)
    found = {}
    for name, pattern in (("12-hour", TWELVE_HOUR), ("24-hour", TWENTY_FOUR_HOUR)):
        match = pattern.search(text)
        if match:
            found[name] = text[max(0, match.start() - 40) : match.end() + 10]
    return found


@pytest.fixture
def event_type(organization, host) -> EventType:
    return make_event_type(organization, host, slug="intro")


@pytest.mark.parametrize(("language", "clock"), [(US, "12-hour"), (GERMAN, "24-hour")])
def test_the_booking_page_reads_the_clock_of_the_invitees_browser(event_type, language, clock):
    """The slots, the chosen day and every zone in the searchable picker read on the clock
    of the browser's language: '9:00 AM' for US English, '09:00' for German, never both."""
    start = next_free_starts(event_type)[0]
    tokyo = start.astimezone(ZoneInfo("Asia/Tokyo"))
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get(
        f"/book/{event_type.organization.slug}/{event_type.slug}",
        {"tz": "Asia/Tokyo", "date": f"{tokyo:%Y-%m-%d}"},
    )
    html = page.content.decode()
    label = f"{tokyo:%-I:%M %p}" if clock == "12-hour" else f"{tokyo:%H:%M}"
    assert label in shown(html)
    assert set(clocks(html)) == {clock}, clocks(html)


def test_a_hosts_pages_follow_the_time_format_they_chose_whatever_their_browser_says(
    member_membership, organization
):
    """A host who chose 12-hour reads 12-hour times on their bookings list, a booking's
    page and its reschedule picker, even from a German browser; on Automatic, the German
    browser's 24-hour clock."""
    host = member_membership.user
    host.time_zone = "Europe/Berlin"
    host.time_format = "12"
    host.save()
    event_type = make_event_type(organization, host, slug="members-call")
    booking = book(event_type)
    browser = Client(HTTP_ACCEPT_LANGUAGE=GERMAN)
    browser.force_login(host)
    pages = [
        "/360/bookings",
        f"/360/bookings/{booking.id}",
        f"/360/bookings/{booking.id}/reschedule",
    ]
    for path in pages:
        response = browser.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert set(clocks(html)) == {"12-hour"}, (path, clocks(html))
    host.time_format = ""
    host.save()
    for path in pages:
        html = browser.get(path).content.decode()
        assert set(clocks(html)) == {"24-hour"}, (path, clocks(html))


def test_an_invitees_pages_read_the_clock_they_booked_with_when_a_browser_names_none(
    event_type,
):
    """The confirmation, reschedule and cancel pages, opened where no language is named
    (an app's web view, a mail client's preview), read the clock of the browser the
    invitee booked from; a browser naming its language reads its own."""
    start = next_free_starts(event_type)[0]
    booked = Client(HTTP_ACCEPT_LANGUAGE=US).post(
        f"/book/{event_type.organization.slug}/{event_type.slug}",
        {
            "start": start.isoformat(),
            "time_zone": "Asia/Tokyo",
            "name": "Ivy Invitee",
            "email": "ivy@example.test",
            "phone": "+81 3 1234 5678",
        },
    )
    assert booked.status_code == 302
    confirmation = Client().get(booked["Location"]).content.decode()
    assert set(clocks(confirmation)) == {"12-hour"}, clocks(confirmation)
    manage = re.findall(r'href="(/booking/[^"]+/(?:reschedule|cancel))"', confirmation)
    assert len(manage) == 2, manage
    for path in manage:
        html = Client().get(path).content.decode()
        assert set(clocks(html)) == {"12-hour"}, (path, clocks(html))
    german = Client(HTTP_ACCEPT_LANGUAGE=GERMAN).get(booked["Location"]).content.decode()
    assert set(clocks(german)) == {"24-hour"}, clocks(german)
