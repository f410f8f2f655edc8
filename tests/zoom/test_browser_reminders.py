"""A host sets a reminder in a real browser, an invitee books, and the reminder goes at its
time (the test runs the job with a clock past it) through a real mail server: with the
Zoom meeting's join link as Zoom has it, and a cancel link the browser opens and uses."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.scheduling.models import Booking
from slotlink.scheduling.tasks import reminders_send_due
from slotlink.zoom.models import ZoomRollout
from tests.factories import make_organization
from tests.fixtures.browser import off_the_browser_thread
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.notifications.smtp_server import Received, SMTPServer
from tests.scheduling.builders import make_host
from tests.zoom.browser_helpers import signed_in
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import drain, zoom_event_type
from tests.zoom.test_browser_meetings import book_in_the_browser

pytestmark = pytest.mark.django_db(transaction=True)

INVITEE = "ivy@example.test"


@pytest.fixture
def acme(settings, live_server, zoom_sandbox: ZoomSandbox, smtp_server: SMTPServer):
    """A host with their Zoom connected and a Zoom event type, signed in; the product's
    links point at the live server and its mail goes through the real SMTP server."""
    settings.BASE_URL = live_server.url
    settings.LINK_WAIT_SECONDS = 0
    zoom_sandbox.configure_app(webhook_url="")
    for name, value in zoom_sandbox.env().items():
        setattr(settings, name, value)
    organization = make_organization("Acme")
    host = make_host(organization, full_name="Hana Host")
    membership = host.memberships.get()
    assert membership.role == Membership.Role.MEMBER
    ZoomRollout.objects.create(organization=organization, enabled=True)
    _, zoom_user = connected(zoom_sandbox, membership, email="hana@zoom.test")
    event_type = zoom_event_type(membership, slug="intro")
    client = Client()
    client.force_login(host)
    return organization, event_type.id, zoom_user, client.cookies["sessionid"].value


def reminders(server: SMTPServer) -> list[Received]:
    return [r for r in server.to(INVITEE) if r.subject.startswith("Reminder:")]


def test_a_reminder_set_in_the_editor_reaches_the_invitee_with_the_link_and_a_cancel_that_works(
    acme, live_server, page, zoom_sandbox: ZoomSandbox, smtp_server: SMTPServer
):
    """The host adds "1 hour before" on the Reminders tab; an invitee books; nothing is sent
    until the job runs past the reminder's time, then one reminder: the meeting's join link
    as Zoom has it, and a cancel link that, opened in the browser, cancels the booking."""
    organization, event_type_id, zoom_user, session = acme
    signed_in(page, live_server.url, session)
    page.goto(f"{live_server.url}/360/events/{event_type_id}")
    page.get_by_role("link", name="Reminders").click()
    page.get_by_text("No reminders").wait_for()
    page.get_by_label("When").select_option(label="1 hour before")
    page.get_by_role("button", name="Add reminder").click()
    page.get_by_text("Added: a reminder 1 hour before.").wait_for()
    assert "1 hour before" in page.locator("table").inner_text()

    page.context.clear_cookies()  # the invitee has no account
    book_in_the_browser(page, live_server.url, organization)

    def booked_and_worked() -> Booking:
        drain()  # the meeting in Zoom, the confirmation
        return Booking.objects.get()

    booking = off_the_browser_thread(booked_and_worked)
    (meeting,) = zoom_sandbox.meetings(host_id=zoom_user["id"])

    def job_at(minutes_before: int) -> None:
        reminders_send_due(now=booking.start - timedelta(minutes=minutes_before))
        drain()

    off_the_browser_thread(job_at, 61)
    assert reminders(smtp_server) == []
    off_the_browser_thread(job_at, 59)
    (reminder,) = reminders(smtp_server)
    assert meeting["join_url"] in reminder.text
    match = re.search(r"https?://\S+/booking/\S+/cancel", reminder.text)
    assert match, reminder.text

    page.goto(f"{live_server.url}{urlsplit(match.group(0)).path}")
    page.get_by_role("heading", name="Cancel your booking?").wait_for()
    page.get_by_role("button", name="Cancel booking").click()
    page.get_by_role("heading", name=re.compile("cancelled", re.IGNORECASE)).wait_for()
    assert off_the_browser_thread(lambda: Booking.objects.get().is_cancelled)
