"""A Zoom booking that gets no meeting, in a real browser: with Zoom switched off the
invitee is promised only that the host sends the details (booking page, confirmation page,
email); the host's booking page shows why as it stands now, and once every check holds,
Create Zoom meeting makes the meeting and emails the invitee its link."""

from __future__ import annotations

import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.scheduling.models import EventType
from slotlink.zoom.models import ZoomRollout
from tests.factories import make_member, make_organization
from tests.fixtures.browser import a_whole_day, off_the_browser_thread
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, make_host
from tests.zoom.browser_helpers import demo_against_sandbox, outbox_email, signed_in
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import drain, zoom_event_type

pytestmark = pytest.mark.django_db(transaction=True)

HOST_SENDS = "Your host will send you the meeting details."


@pytest.fixture
def acme(settings, live_server, zoom_sandbox: ZoomSandbox):
    """Acme, with Zoom switched off, a host with a Zoom intro call, and who is signed in as
    the host and as an admin (their session cookies)."""
    demo_against_sandbox(settings, live_server, zoom_sandbox, link_wait_seconds=20)
    organization = make_organization("Acme")
    admin = make_member(organization, role=Membership.Role.ADMIN, full_name="Ada Admin")
    host = make_host(organization, full_name="Hana Host")
    zoom_event_type(host.memberships.get(), slug="intro")
    return organization, host, _session_of(admin.user), _session_of(host)


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def work() -> None:
    drain(only_due=True)


def test_with_zoom_off_the_invitee_is_promised_only_that_the_host_sends_the_details(
    acme, live_server, page
):
    organization, _, admin_session, _ = acme
    page.goto(f"{live_server.url}/book/{organization.slug}/intro{a_whole_day()}")
    page.get_by_text("Zoom — your host will send you the meeting details").wait_for()
    assert "comes with your confirmation" not in page.content()
    page.locator("label.slot").first.click()
    page.get_by_label("Your name").fill("Ivy Invitee")
    page.get_by_label("Email").fill("ivy@example.test")
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("heading", name="You're booked").wait_for()
    assert page.locator("#where").inner_text().splitlines() == ["Zoom", HOST_SENDS]

    off_the_browser_thread(work)
    signed_in(page, live_server.url, admin_session)
    page.goto(f"{live_server.url}/360/outbox")
    page.get_by_role("link", name="No Zoom meeting for Intro call with Ivy Invitee").wait_for()
    outbox_email(page, live_server.url, "Confirmed: Intro call with Hana Host").get_by_text(
        HOST_SENDS
    ).wait_for()
    assert "will follow" not in page.content()


def test_the_reason_shown_is_the_current_one_and_create_zoom_meeting_emails_the_link(
    acme, live_server, page, zoom_sandbox: ZoomSandbox
):
    organization, host, admin_session, host_session = acme
    booking = off_the_browser_thread(lambda: book(EventType.objects.get(slug="intro")))
    off_the_browser_thread(work)
    signed_in(page, live_server.url, host_session)
    page.goto(f"{live_server.url}/360/bookings/{booking.id}")
    page.get_by_text("Zoom isn't enabled for this organization").wait_for()
    page.get_by_role("link", name="Enable Zoom →").wait_for()

    def zoom_ready() -> dict:
        ZoomRollout.objects.create(organization=organization, enabled=True)
        return connected(zoom_sandbox, host.memberships.get(), email="hana@zoom.test")[1]

    zoom_user = off_the_browser_thread(zoom_ready)
    page.reload()
    page.get_by_text("No Zoom meeting was created when this was booked").wait_for()
    assert "isn't enabled" not in page.content()
    page.get_by_role("button", name="Create Zoom meeting").click()
    page.get_by_text(
        "The Zoom meeting is being created; its link is emailed to the invitee."
    ).wait_for()
    assert page.url == f"{live_server.url}/360/bookings/{booking.id}"  # back where it was

    off_the_browser_thread(work)
    (meeting,) = zoom_sandbox.meetings(zoom_user["id"])
    page.reload()
    page.get_by_role("link", name=meeting["join_url"]).wait_for()
    assert page.get_by_role("button", name="Create Zoom meeting").count() == 0

    signed_in(page, live_server.url, admin_session)
    email = outbox_email(page, live_server.url, "Zoom link for: Intro call with Hana Host")
    email.get_by_role("link", name=meeting["join_url"]).wait_for()
    with page.context.expect_page() as opened:
        email.get_by_role("link", name="Reschedule", exact=True).click()
    opened.value.get_by_role("heading", name="Reschedule Intro call").wait_for()
