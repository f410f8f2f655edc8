"""Three invitees book one webinar session in a real browser, one cancels; each has a join
link of their own in their own email, Zoom has the registrants (one cancelled); after the
session the host refreshes attendance from Zoom and sees Attended and No-show on the
bookings and in the CSV."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.notifications.models import OutboxEmail
from slotlink.scheduling.models import Booking, EventType
from slotlink.zoom.models import ZoomRegistrant, ZoomRollout
from tests.factories import make_member, make_organization
from tests.fixtures.browser import off_the_browser_thread
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import make_event_type
from tests.zoom.browser_helpers import demo_against_sandbox
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import drain

pytestmark = pytest.mark.django_db(transaction=True)
INVITEES = ["ann@example.test", "ben@example.test", "cai@example.test"]


@pytest.fixture
def acme(settings, live_server, zoom_sandbox: ZoomSandbox):
    demo_against_sandbox(settings, live_server, zoom_sandbox, link_wait_seconds=0)
    organization = make_organization("Acme")
    host = make_member(organization, role=Membership.Role.ADMIN, full_name="Hana Host")
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    _, zoom_user = connected(zoom_sandbox, host, email="hana@zoom.test", webinar=True)
    make_event_type(
        organization,
        host.user,
        title="Product webinar",
        slug="webinar",
        kind=EventType.Kind.GROUP,
        seats_per_session=8,
        location_kind="zoom_webinar",
    )
    client = Client()
    client.force_login(host.user)
    return organization, zoom_user, client.cookies["sessionid"].value


def emails_to(address: str) -> list[str]:
    return [e.text for e in OutboxEmail.objects.filter(recipients__icontains=address)]


def test_three_invitees_one_cancels_and_attendance_comes_back(
    acme, live_server, page, zoom_sandbox: ZoomSandbox
):
    organization, zoom_user, host_session = acme
    for email in INVITEES:
        page.goto(f"{live_server.url}/book/{organization.slug}/webinar")
        page.locator("label.slot").first.click()
        page.get_by_label("Your name").fill(email.split("@")[0].title() + " Invitee")
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Confirm booking").click()
        page.get_by_role("heading", name="You're booked").wait_for()
    off_the_browser_thread(drain)

    # Each invitee's own link, in their own email only.
    links = {}
    for email in INVITEES:
        texts = off_the_browser_thread(emails_to, email)
        found = {m for t in texts for m in re.findall(r"https?://\S+/w/\S+", t)}
        assert len(found) == 1, (email, found)
        links[email] = found.pop()
    assert len(set(links.values())) == 3

    # Ben cancels through his email's link.
    ben = off_the_browser_thread(emails_to, "ben@example.test")
    cancel_path = re.search(r"https?://\S+?(/booking/\S+?/cancel)", "\n".join(ben)).group(1)
    page.goto(live_server.url + cancel_path)
    page.get_by_role("button", name="Cancel booking").click()
    page.get_by_role("heading", name="Your booking is cancelled").wait_for()
    off_the_browser_thread(drain)

    (webinar,) = zoom_sandbox.webinars(zoom_user["id"])
    statuses = {r["email"]: r["status"] for r in _all_registrants(zoom_sandbox, webinar["id"])}
    assert statuses["ann@example.test"] == "approved"
    assert statuses["cai@example.test"] == "approved"
    assert statuses["ben@example.test"] == "denied"  # as Zoom leaves a cancelled one

    # Ann came, Cai didn't: Zoom's participants, then Refresh from Zoom.
    ann = off_the_browser_thread(
        lambda: ZoomRegistrant.objects.get(email="ann@example.test", live=True).registrant_id
    )
    zoom_sandbox.record_attendance(
        webinar["id"],
        [
            {
                "registrant_id": ann,
                "name": "Ann Invitee",
                "email": "ann@example.test",
                "duration": 2400,
            }
        ],
    )
    page.context.add_cookies([{"name": "sessionid", "value": host_session, "url": live_server.url}])
    page.goto(f"{live_server.url}/360/integrations/zoom/webinars")
    page.get_by_role("button", name="Refresh from Zoom").click()
    page.get_by_text("1 attended, 1 no-show").wait_for()

    bookings = off_the_browser_thread(
        lambda: {b.invitee_email: b.id for b in Booking.objects.all()}
    )
    page.goto(f"{live_server.url}/360/bookings/{bookings['ann@example.test']}")
    page.get_by_text("Attended").first.wait_for()
    page.goto(f"{live_server.url}/360/bookings/{bookings['cai@example.test']}")
    page.get_by_text("No-show").first.wait_for()

    export = page.request.get(
        f"{live_server.url}/360/integrations/zoom/webinars/export?session={webinar_session(bookings)}"
    )
    rows = export.text().strip().splitlines()
    assert any("ann@example.test" in r and "Attended" in r for r in rows)
    assert any("cai@example.test" in r and "No-show" in r for r in rows)
    assert any("ben@example.test" in r and "cancelled" in r for r in rows)


def webinar_session(bookings: dict[str, int]) -> int:
    return off_the_browser_thread(
        lambda: Booking.objects.get(pk=bookings["ann@example.test"]).session_id
    )


def _all_registrants(zoom: ZoomSandbox, webinar_id: int) -> list[dict]:
    return zoom.registrants(webinar_id)


def test_the_host_sees_no_personal_link_and_starts_the_webinar_as_host(
    acme, live_server, page, zoom_sandbox: ZoomSandbox
):
    """An invitee books a seat; the host's booking page shows no join link of the invitee's
    (it would join as them), and "Start webinar as host" lands on Zoom's start page for
    the webinar, signed in as its host, where the host starts it."""
    organization, zoom_user, host_session = acme
    page.goto(f"{live_server.url}/book/{organization.slug}/webinar")
    page.locator("label.slot").first.click()
    page.get_by_label("Your name").fill("Ann Invitee")
    page.get_by_label("Email").fill("ann@example.test")
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("heading", name="You're booked").wait_for()
    off_the_browser_thread(drain)
    personal = off_the_browser_thread(
        lambda: ZoomRegistrant.objects.get(email="ann@example.test", live=True).join_url
    )
    assert "/w/" in personal
    booking_id = off_the_browser_thread(lambda: Booking.objects.get().id)

    page.context.add_cookies([{"name": "sessionid", "value": host_session, "url": live_server.url}])
    page.goto(f"{live_server.url}/360/bookings/{booking_id}")
    page.get_by_role("heading", name="Product webinar with Ann Invitee").wait_for()
    registrant_token = re.search(r"tk=([^&]+)", personal).group(1)
    assert registrant_token not in page.content()
    assert page.locator('a[href*="/w/"]').count() == 0
    page.get_by_text("Each invitee has a join link of their own, sent to them only.").wait_for()
    page.get_by_role("button", name="Start webinar as host").click()

    (webinar,) = zoom_sandbox.webinars(zoom_user["id"])
    page.get_by_role("heading", name="Start webinar").wait_for()
    assert page.url == webinar["start_url"]
    page.get_by_text("You are the host: signed in as").wait_for()
    assert "(hana@zoom.test)" in page.content()
    page.get_by_role("button", name="Start webinar").click()
    page.get_by_text("Status: started").wait_for()
