"""A host in a real browser searches the Bookings list, goes back and forward through the
filtered lists, opens a group session's seats and downloads the CSV of what is shown."""

from pathlib import Path

import pytest
from django.test import Client

from slotlink.scheduling.models import EventType
from tests.factories import make_organization
from tests.fixtures.browser import off_the_browser_thread
from tests.scheduling.builders import book, make_event_type, make_host, next_free_starts

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_host_with_bookings() -> str:
    """A host with a two-seat group session and a one-on-one booking; their session cookie."""
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host", time_zone="Europe/Berlin")
    call = make_event_type(organization, host, title="Intro call", slug="intro")
    workshop = make_event_type(
        organization,
        host,
        title="Workshop",
        slug="workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=4,
    )
    session_start, alone_start = next_free_starts(workshop, 2)
    book(workshop, session_start, name="Ann Archer", email="ann@example.test")
    book(workshop, session_start, name="Sam Seat", email="sam@example.test")
    book(call, alone_start, name="=HYPERLINK(1)", email="o" * 180 + "@example.test")
    client = Client()
    client.force_login(host)
    return client.cookies["sessionid"].value


def test_a_host_filters_the_list_walks_back_and_forward_and_exports_it(live_server, page):
    """Searching puts the search in the URL and leaves one row; Back shows both rows again
    and Forward the search; the session's row opens to its seats; the CSV downloaded from
    the filtered list holds the session's seats only, as UTF-8 with a byte order mark. On
    a phone's width the list, a 193-character email in it, stays inside its card."""
    session = off_the_browser_thread(signed_in_host_with_bookings)
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(f"{live_server.url}/360/bookings")
    rows = page.locator("table.booking-list tbody tr")
    assert rows.count() == 2

    page.get_by_label("Invitee").fill("ARCHER")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=ARCHER**")
    assert rows.count() == 1
    page.go_back()
    page.wait_for_url(f"{live_server.url}/360/bookings")
    assert rows.count() == 2
    page.go_forward()
    page.wait_for_url("**q=ARCHER**")
    assert rows.count() == 1
    assert page.get_by_label("Invitee").input_value() == "ARCHER"

    seat_list = rows.first.locator(".seat-list")
    assert not seat_list.is_visible()
    rows.first.locator("summary").click()
    assert seat_list.get_by_role("link", name="Ann Archer").is_visible()
    assert "2 / 4 seats" in rows.first.inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbfbooking id,group session id,")
    assert b"Ann Archer" in content
    assert b"Sam Seat" not in content  # left out by the search, as on the page
    assert b"HYPERLINK" not in content

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/360/bookings")
    page.locator("summary").first.click()
    card = page.locator("table.booking-list").locator("xpath=..")
    widths = card.evaluate("card => [card.scrollWidth, card.clientWidth]")
    assert widths[0] <= widths[1], widths
