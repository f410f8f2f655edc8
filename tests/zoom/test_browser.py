"""The help article, walked in a real browser: an admin enables Zoom, connects their Zoom
through the sandbox's pages, removes slotlink in Zoom's Marketplace, sees the connection
broken and the email about it, and reconnects."""

from __future__ import annotations

import re

import pytest

from slotlink.accounts.models import Membership
from tests.factories import PASSWORD, make_member, make_organization
from tests.fixtures.browser import off_the_browser_thread
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acme(settings, live_server, zoom_sandbox: ZoomSandbox):
    """Acme's admin, slotlink served live and pointed at the sandbox, which points back."""
    settings.BASE_URL = live_server.url
    settings.DEMO = True  # the outbox page, where the demo's emails land
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"
    callback = f"{live_server.url}/360/integrations/zoom/callback"
    zoom_sandbox.configure_app(redirect_uri=callback, webhook_url=f"{live_server.url}/zoom/webhook")
    for name, value in zoom_sandbox.env().items():
        setattr(settings, name, value)
    settings.ZOOM_REDIRECT_URI = callback
    admin = make_member(
        make_organization("Acme"),
        role=Membership.Role.ADMIN,
        email="ada@acme.test",
        full_name="Ada Admin",
    )
    zoom_user = zoom_sandbox.create_user(
        email="ada@zoom.test", password="zoom-pass", first_name="Ada", last_name="Zoom"
    )
    return admin, zoom_user


def test_an_admin_connects_loses_and_reconnects_zoom_as_the_article_says(
    acme, live_server, page, zoom_sandbox: ZoomSandbox
):
    page.goto(f"{live_server.url}/signin")
    page.get_by_label("Email").fill("ada@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The admin enables Zoom from Integrations: no "ask your admin" in a circle.
    page.goto(f"{live_server.url}/360/integrations")
    page.get_by_role("button", name="Enable Zoom for this organization").click()
    page.get_by_text("Zoom is enabled for this organization.").wait_for()

    # Connect my Zoom: the sandbox's sign-in and consent pages, then back.
    page.get_by_role("button", name="Connect my Zoom").click()
    page.get_by_label("Email").fill("ada@zoom.test")
    page.get_by_label("Password").fill("zoom-pass")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Allow").click()
    page.get_by_text("Zoom connected successfully!").wait_for()
    card = page.locator("#zoom-card")
    assert "ada@zoom.test" in card.inner_text()
    assert card.locator(".badge.ok").inner_text() == "Connected"

    # Zoom: Marketplace > Manage > Added Apps > Remove.
    page.goto(f"{zoom_sandbox.base_url}/marketplace/manage/added-apps")
    page.get_by_role("button", name="Remove").click()
    zoom_sandbox.wait_for_webhooks(event="app_deauthorized")
    off_the_browser_thread(run_queued_tasks)  # the webhook's handling
    off_the_browser_thread(run_queued_tasks)  # the email to the owner

    page.goto(f"{live_server.url}/360/integrations/zoom")
    page.get_by_text("Connection broken").first.wait_for()
    assert "removed from this Zoom account in Zoom" in page.content()
    page.goto(f"{live_server.url}/360/outbox")
    page.get_by_role("link", name=re.compile("Reconnect Zoom")).first.wait_for()

    # Reconnect: Zoom still has the browser signed in, so only consent remains.
    page.goto(f"{live_server.url}/360/integrations/zoom")
    page.get_by_role("button", name="Reconnect").click()
    page.get_by_role("button", name="Allow").click()
    page.get_by_text("Zoom connected successfully!").wait_for()
    assert page.locator("#zoom-card .badge.ok").inner_text() == "Connected"
