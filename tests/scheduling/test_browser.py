"""An invitee in a real browser: book on the public page, then reschedule and cancel through
the links in the emails."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from slotlink.scheduling.models import Booking
from tests.factories import make_organization
from tests.fixtures.browser import BROWSER_TIME_ZONE, a_whole_day, off_the_browser_thread
from tests.scheduling.builders import make_event_type, make_host, run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def latest_link(kind: str) -> str:
    """The path of the `kind` link in the newest email to the invitee."""
    (email,) = [e for e in mail.outbox[-2:] if "ivy@example.test" in e.to[0]]
    match = re.search(rf"https?://\S+/booking/\S+/{kind}", email.body)
    assert match, email.body
    return urlsplit(match.group(0)).path


@pytest.fixture
def event_type(settings, live_server):
    settings.BASE_URL = live_server.url  # the links in the emails point at this server
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host")
    return make_event_type(organization, host, title="Intro call", slug="intro")


def test_an_invitee_books_reschedules_and_cancels_in_a_browser(live_server, event_type, page):
    """Book a slot, see the confirmation, move it through the email's link, then cancel it
    through the next email's link."""
    page.goto(f"{live_server.url}/book/{event_type.organization.slug}/intro{a_whole_day()}")
    page.wait_for_url(re.compile(r"tz=America%2FNew_York"))  # the browser's zone, detected
    assert page.locator("#tz").input_value() == BROWSER_TIME_ZONE
    details = page.get_by_label("Your name")
    assert not details.is_visible()  # pick a time first

    first_slot = page.locator("label.slot").first
    chosen_label = first_slot.inner_text()
    first_slot.click()
    details.fill("Ivy Invitee")
    page.get_by_label("Email").fill("ivy@example.test")
    page.get_by_label("Phone number").fill("+1 212 555 0100")
    page.get_by_role("button", name="Confirm booking").click()

    page.get_by_role("heading", name="You're booked").wait_for()
    assert chosen_label.strip() in page.locator(".confirmation").inner_text()
    assert off_the_browser_thread(run_queued_tasks) >= 1

    page.goto(live_server.url + latest_link("reschedule") + a_whole_day())
    page.get_by_role("heading", name="Reschedule Intro call").wait_for()
    page.locator("label.slot").nth(3).click()
    page.get_by_role("button", name="Move my booking").click()
    page.get_by_role("heading", name="Your booking moved").wait_for()
    off_the_browser_thread(run_queued_tasks)

    page.goto(live_server.url + latest_link("cancel"))
    page.get_by_label("Reason (optional)").fill("Found another time")
    page.get_by_role("button", name="Cancel booking").click()
    page.get_by_role("heading", name="Your booking is cancelled").wait_for()

    def stored() -> tuple[str, list[str], str, str]:
        booking = Booking.objects.get()
        kinds = list(booking.history.values_list("kind", flat=True))
        return booking.status, kinds, booking.cancel_reason, booking.invitee_time_zone

    assert off_the_browser_thread(stored) == (
        "cancelled",
        ["booked", "rescheduled", "cancelled"],
        "Found another time",
        BROWSER_TIME_ZONE,
    )


def test_choosing_zoom_in_the_editor_shows_how_to_get_links(live_server, page):
    """Switching the Location dropdown to Zoom, with no Zoom account connected, shows the
    help article's message and a "Connect Zoom →" link, without saving first."""

    def signed_in_host() -> str:
        from django.test import Client

        organization = make_organization("Acme")
        host = make_host(organization, full_name="Hana Host")
        client = Client()
        client.force_login(host)
        return client.cookies["sessionid"].value

    session = off_the_browser_thread(signed_in_host)
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(f"{live_server.url}/360/events/new")
    notice = page.get_by_text("Zoom links require a connected Zoom account.")
    page.get_by_label("Location").select_option("phone")
    notice.wait_for(state="detached")
    page.get_by_label("Location").select_option("zoom")
    notice.wait_for()
    link = page.get_by_role("link", name="Connect Zoom →")
    assert link.get_attribute("href") == "/360/integrations"
    assert page.locator("option[value=google_meet]").is_disabled()
    assert page.locator("option[value=microsoft_teams]").is_disabled()
