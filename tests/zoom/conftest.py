"""Fixtures of the Zoom tests: the product pointed at the sandbox, Zoom enabled for an
organization, and a person's trip through the sandbox's consent pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from slotlink.zoom.models import ZoomRollout
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import ZoomHost, zoom_event_type

CALLBACK_PATH = "/360/integrations/zoom/callback"
REDIRECT_URI = f"http://testserver{CALLBACK_PATH}"


@pytest.fixture
def zoom(zoom_sandbox: ZoomSandbox, settings: Any) -> ZoomSandbox:
    """The product talks to the sandbox, whose app redirects to the test client's callback."""
    zoom_sandbox.configure_app(redirect_uri=REDIRECT_URI)
    for name, value in zoom_sandbox.env().items():
        setattr(settings, name, value)
    settings.ZOOM_REDIRECT_URI = REDIRECT_URI
    return zoom_sandbox


@pytest.fixture
def zoom_on(organization: Any) -> ZoomRollout:
    """Zoom enabled for the organization (the master switch)."""
    return ZoomRollout.objects.create(organization=organization, enabled=True)


@pytest.fixture
def host(zoom: ZoomSandbox, organization, member_membership, settings) -> ZoomHost:
    """A member with their own Zoom connected, and a one-on-one Zoom event type."""
    settings.LINK_WAIT_SECONDS = 0
    zoom.configure_app(webhook_url="")  # webhooks are delivered by the tests that need them
    ZoomRollout.objects.create(organization=organization, enabled=True)
    connection, zoom_user = connected(zoom, member_membership, email="hana@zoom.test")
    return ZoomHost(member_membership, connection, zoom_user, zoom_event_type(member_membership))


@dataclass
class Trip:
    """A Connect button's trip: slotlink's answer at the end, and where Zoom sent us."""

    response: Any
    zoom_redirect: str


def zoom_consent(zoom: ZoomSandbox, client: Client, *, user: dict[str, Any], role: str) -> str:
    """Press a Connect button and allow slotlink on the sandbox's pages as `user`; returns
    the callback path (with code and state) Zoom sends the browser back to."""
    started = client.post("/360/integrations/zoom/connect", {"role": role})
    assert started.status_code == 302, started.content
    with zoom.browser() as browser:
        location = zoom.authorize(
            browser, started["Location"], email=user["email"], password=user["password"]
        )
    assert location.startswith(REDIRECT_URI), location
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def connect_zoom(
    zoom: ZoomSandbox, client: Client, *, user: dict[str, Any], role: str = "personal"
) -> Trip:
    callback = zoom_consent(zoom, client, user=user, role=role)
    return Trip(response=client.get(callback), zoom_redirect=callback)
