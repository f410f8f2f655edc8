"""An invitee books a Zoom event in a real browser: the link shows on the confirmation
page, in the email (the demo outbox) and in Zoom (the sandbox's page of the host's
meetings); a reschedule keeps the link at the new time, and a cancel removes the meeting."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.notifications.models import OutboxEmail
from slotlink.scheduling.models import Booking
from slotlink.zoom.models import ZoomMeeting, ZoomRollout
from tests.factories import make_member, make_organization
from tests.fixtures.browser import a_whole_day, off_the_browser_thread
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import make_host
from tests.zoom.browser_helpers import demo_against_sandbox, outbox_email, signed_in
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import drain, zoom_event_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acme(settings, live_server, zoom_sandbox: ZoomSandbox):
    # The confirmation waits for the link, as in production.
    demo_against_sandbox(settings, live_server, zoom_sandbox, link_wait_seconds=20, webhooks=True)
    organization = make_organization("Acme")
    admin = make_member(organization, role=Membership.Role.ADMIN, full_name="Ada Admin")
    host = make_host(organization, full_name="Hana Host")
    membership = host.memberships.get()
    ZoomRollout.objects.create(organization=organization, enabled=True)
    _, zoom_user = connected(zoom_sandbox, membership, email="hana@zoom.test")
    zoom_event_type(membership, slug="intro")
    client = Client()
    client.force_login(admin.user)
    return organization, zoom_user, client.cookies["sessionid"].value


def book_in_the_browser(page, base_url: str, organization) -> None:
    """An invitee books the intro call's first free time on its public page."""
    page.goto(f"{base_url}/book/{organization.slug}/intro{a_whole_day()}")
    page.locator("label.slot").first.click()
    page.get_by_label("Your name").fill("Ivy Invitee")
    page.get_by_label("Email").fill("ivy@example.test")
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("heading", name="You're booked").wait_for()


def work() -> None:
    """What a worker does now: only the tasks that are due (a confirmation's wait for its
    link runs out only after LINK_WAIT_SECONDS)."""
    drain(only_due=True)


def test_an_invitee_gets_the_zoom_link_everywhere_and_it_follows_the_booking(
    acme, live_server, page, zoom_sandbox: ZoomSandbox
):
    organization, zoom_user, admin_session = acme
    book_in_the_browser(page, live_server.url, organization)

    off_the_browser_thread(work)  # the worker: the meeting, then the emails
    link = page.locator("#where a")  # the confirmation page asks again and swaps it in
    link.wait_for(timeout=15_000)
    join_url = link.inner_text()
    assert join_url.startswith(f"{zoom_sandbox.base_url}/j/")

    # The email, as the demo outbox shows it.
    page.context.add_cookies(
        [{"name": "sessionid", "value": admin_session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/360/outbox")
    page.get_by_role("link", name=re.compile("^Confirmed: Intro call")).first.click()
    assert join_url in page.content()

    # Zoom's own page of the host's meetings.
    page.goto(f"{zoom_sandbox.base_url}/u/{zoom_user['id']}")
    assert join_url in page.content()
    (meeting,) = zoom_sandbox.meetings(zoom_user["id"])

    # Reschedule through the email's link: same Zoom link, the new time in Zoom.
    booking = off_the_browser_thread(Booking.objects.get)
    reschedule_path = off_the_browser_thread(_latest_link, "reschedule")
    page.goto(live_server.url + reschedule_path + a_whole_day())
    page.locator("label.slot").nth(3).click()
    page.get_by_role("button", name="Move my booking").click()
    page.get_by_role("heading", name="Your booking moved").wait_for()
    off_the_browser_thread(work)
    (moved,) = zoom_sandbox.meetings(zoom_user["id"])
    moved_booking = off_the_browser_thread(Booking.objects.get)
    assert moved["id"] == meeting["id"]
    assert moved["join_url"] == join_url
    assert moved["start_time"] != meeting["start_time"]
    assert moved["start_time"] == moved_booking.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert moved_booking.start != booking.start

    # Cancel: the meeting is gone from Zoom.
    page.goto(live_server.url + off_the_browser_thread(_latest_link, "cancel"))
    page.get_by_role("button", name="Cancel booking").click()
    page.get_by_role("heading", name="Your booking is cancelled").wait_for()
    off_the_browser_thread(work)
    assert zoom_sandbox.meetings(zoom_user["id"]) == []
    page.goto(f"{zoom_sandbox.base_url}/u/{zoom_user['id']}")
    assert join_url not in page.content()
    assert off_the_browser_thread(lambda: ZoomMeeting.objects.get().zoom_meeting_id) is None


def test_the_email_that_brings_a_late_link_has_working_reschedule_and_cancel_links(
    acme, live_server, page, settings, zoom_sandbox: ZoomSandbox
):
    """Zoom answers after the confirmation went saying the link follows: the email that
    brings the link carries Reschedule and Cancel, and opening them from that email (the
    demo outbox's copy, in the browser) shows the booking's pages; its Cancel cancels the
    booking and its Zoom meeting."""
    organization, zoom_user, admin_session = acme
    settings.LINK_WAIT_SECONDS = 0  # the confirmation goes before the meeting is made
    book_in_the_browser(page, live_server.url, organization)
    off_the_browser_thread(drain, only="send_booking_email")  # says the link follows
    off_the_browser_thread(drain)  # the meeting, then the email with its link
    (meeting,) = zoom_sandbox.meetings(zoom_user["id"])

    signed_in(page, live_server.url, admin_session)
    email = outbox_email(page, live_server.url, "Zoom link for: Intro call with Hana Host")
    email.get_by_role("link", name=meeting["join_url"]).wait_for()
    with page.context.expect_page() as opened:
        email.get_by_role("link", name="Reschedule", exact=True).click()
    reschedule = opened.value
    reschedule.get_by_role("heading", name="Reschedule Intro call").wait_for()
    reschedule.close()
    with page.context.expect_page() as opened:
        email.get_by_role("link", name="Cancel", exact=True).click()
    cancel = opened.value
    cancel.get_by_role("heading", name="Cancel your booking?").wait_for()
    cancel.get_by_role("button", name="Cancel booking").click()
    cancel.get_by_role("heading", name="Your booking is cancelled").wait_for()
    assert off_the_browser_thread(lambda: Booking.objects.get().status) == "cancelled"
    off_the_browser_thread(work)
    assert zoom_sandbox.meetings(zoom_user["id"]) == []


def _latest_link(kind: str) -> str:
    for email in OutboxEmail.objects.filter(recipients__icontains="ivy@example.test"):
        match = re.search(rf"https?://\S+?(/booking/\S+?/{kind})", email.text)
        if match:
            return match.group(1)
    raise AssertionError(f"no {kind} link in {list(mail.outbox)}")
