"""The embed snippets on another site, in Chromium: a plain page served from a second
local server (127.0.0.1, another origin and another site than slotlink's localhost) shows
the booking page inline, and an invitee books inside the iframe; the pop-up snippet opens
it over the page and books too; a signed-in page put in an iframe there is refused."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from slotlink.scheduling.embed import inline_snippet, popup_snippet
from slotlink.scheduling.models import Booking
from tests.factories import make_organization
from tests.fixtures.browser import a_whole_day, off_the_browser_thread
from tests.local_http import LocalServer, Reply, local_http
from tests.scheduling.builders import make_event_type, make_host

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event_type(settings, live_server):
    settings.BASE_URL = live_server.url  # the snippets point at this server
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host")
    return make_event_type(organization, host, title="Intro call", slug="intro")


@contextmanager
def another_site(body: str) -> Iterator[LocalServer]:
    """A site of the host's own: one plain HTML page holding `body`, nothing of slotlink's
    policy on it."""
    html = f"<!doctype html><html><head><title>My site</title></head><body>{body}</body></html>"
    with local_http(
        lambda seen: Reply(200, html.encode(), {"Content-Type": "text/html; charset=utf-8"})
    ) as server:
        yield server


def public_url(event_type) -> str:
    from django.conf import settings

    return f"{settings.BASE_URL}/book/{event_type.organization.slug}/{event_type.slug}"


def book_in(frame) -> str:
    """Pick the second free time in `frame`, fill the details, confirm; the label picked."""
    slot = frame.locator("label.slot").nth(1)
    label = slot.inner_text().strip()
    slot.click()
    frame.get_by_label("Your name").fill("Ivy Invitee")
    frame.get_by_label("Email").fill("ivy@example.test")
    frame.get_by_label("Phone number").fill("+1 212 555 0100")
    frame.get_by_role("button", name="Confirm booking").click()
    frame.get_by_role("heading", name="You're booked").wait_for()
    return label


def bookings() -> list[str]:
    return list(Booking.objects.values_list("invitee_email", flat=True))


def test_the_inline_embed_books_inside_the_iframe_on_another_site(live_server, event_type, page):
    """The inline snippet's iframe shows the booking page on another site; the invitee
    picks a day and a time and books there, and the confirmation shows in the iframe while
    the site's page stays."""
    snippet = inline_snippet(public_url(event_type), event_type.title).replace(
        "?embed=1", f"{a_whole_day()}&embed=1"
    )
    with another_site(f"<h1>My site</h1>{snippet}") as site:
        page.goto(site.url)
        frame = page.frame_locator("iframe[title='Intro call']")
        frame.locator("label.slot").first.wait_for()
        label = book_in(frame)
        assert label in frame.locator(".confirmation").inner_text()
        assert page.url == site.url
        assert page.get_by_role("heading", name="My site").is_visible()
    assert off_the_browser_thread(bookings) == ["ivy@example.test"]


def test_the_popup_embed_opens_over_another_site_and_books(live_server, event_type, page):
    """The pop-up snippet's link opens the booking page in an overlay on another site
    (slotlink's embed.js, loaded from slotlink); the invitee books in it; its Close button
    closes it, and so does Escape pressed inside the booking page."""
    snippet = popup_snippet(public_url(event_type), event_type.title).replace(
        "?embed=1", f"{a_whole_day()}&embed=1"
    )
    with another_site(f"<h1>My site</h1><p>{snippet}</p>") as site:
        page.goto(site.url)
        page.get_by_role("link", name="Book a time").click()
        dialog = page.get_by_role("dialog", name="Intro call")
        dialog.wait_for()
        book_in(page.frame_locator(".slotlink-popup iframe"))
        page.get_by_role("button", name="Close").click()
        dialog.wait_for(state="detached")
        assert page.url == site.url
        # Escape closes it too, with the focus inside the booking page's frame.
        page.get_by_role("link", name="Book a time").click()
        frame = page.frame_locator(".slotlink-popup iframe")
        # A keydown of Escape on a slot inside the frame, as a key press makes it: a real
        # press waits on the frame afterwards, and the frame goes as the pop-up closes (a
        # locator's press then timed out, the keyboard's hung, under load).
        frame.locator("label.slot").first.dispatch_event("keydown", {"key": "Escape"})
        dialog.wait_for(state="detached")
    assert off_the_browser_thread(bookings) == ["ivy@example.test"]


def test_a_signed_in_page_is_refused_in_an_iframe_on_another_site(
    live_server, event_type, page, csp_violations
):
    """The sign-in page and the event type list (which sends a framed visitor, who has no
    session cookie there, to sign in), even asked for as ?embed=1, are refused in another
    site's iframe (frame-ancestors 'none'), and the browser says so; the public booking
    page without ?embed=1 is refused there too (only 'self')."""
    paths = (
        "/signin?embed=1",
        "/360/events?embed=1",
        f"/book/{event_type.organization.slug}/intro",
    )
    for path in paths:
        with another_site(
            f'<iframe src="{live_server.url}{path}" title="framed"></iframe>'
        ) as site:
            with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
                page.goto(site.url)
            # A refused frame shows Chromium's error page, never slotlink's. The console
            # message can come before the frame has moved to it: wait for the frame to settle.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and [f.url for f in page.frames[1:]] == [""]:
                page.wait_for_timeout(50)
            assert [frame.url for frame in page.frames[1:]] == ["chrome-error://chromewebdata/"]
        assert any(
            re.search(r"frame-ancestors|X-Frame-Options", violation) for violation in csp_violations
        ), (path, csp_violations)
        csp_violations.clear()  # the refusals are the point here
