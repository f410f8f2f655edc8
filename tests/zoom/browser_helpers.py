"""Helpers for the Zoom browser tests: the product in demo mode against the sandbox, who
the browser is signed in as, and an email opened from the demo outbox."""

from __future__ import annotations

import re
from typing import Any

from tests.fixtures.zoom_sandbox import ZoomSandbox


def demo_against_sandbox(
    settings: Any,
    live_server: Any,
    zoom_sandbox: ZoomSandbox,
    *,
    link_wait_seconds: int,
    webhooks: bool = False,
) -> None:
    """The product serves at `live_server`, keeps its mail in the demo outbox and talks to
    the sandbox, which sends its webhooks to the product only if `webhooks`."""
    settings.BASE_URL = live_server.url
    settings.DEMO = True
    settings.EMAIL_BACKEND = "slotlink.notifications.outbox.OutboxBackend"
    settings.LINK_WAIT_SECONDS = link_wait_seconds
    zoom_sandbox.configure_app(webhook_url=f"{live_server.url}/zoom/webhook" if webhooks else "")
    for name, value in zoom_sandbox.env().items():
        setattr(settings, name, value)


def signed_in(page: Any, base_url: str, session: str) -> None:
    """The browser is signed in with this session (cookie) from now on."""
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])


def outbox_email(page: Any, base_url: str, subject: str) -> Any:
    """Open the first email whose subject starts with `subject` from the demo outbox (the
    browser signed in as an admin); returns the frame its HTML shows in."""
    page.goto(f"{base_url}/360/outbox")
    page.get_by_role("link", name=re.compile(f"^{re.escape(subject)}")).first.click()
    return page.frame_locator("iframe.outbox-html")
