"""Installs started from the Zoom Marketplace: Zoom redirects with `?code=` only (no state,
no PKCE; REFERENCE §1.2), and slotlink connects nothing until the person confirms."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from slotlink.zoom.models import ZoomConnection, ZoomUser
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.zoom.test_callbacks import sign_in

pytestmark = pytest.mark.django_db


def callback_path(redirect: str) -> str:
    parts = urlsplit(redirect)
    assert "state=" not in parts.query
    return f"{parts.path}?{parts.query}"


def test_a_signed_in_admin_confirms_a_marketplace_install_and_chooses_shared(
    zoom: ZoomSandbox, zoom_on, admin_client
):
    """The confirmation names the Zoom account and offers personal or shared; only the
    admin's POST connects it."""
    zoom_user = zoom.create_user(email="meetings@zoom.test", first_name="Acme")
    redirect = zoom.marketplace_install(zoom_user["id"])
    response = admin_client.get(callback_path(redirect))
    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    html = page.content.decode()
    assert "Connect this Zoom account?" in html
    assert "meetings@zoom.test" in html
    assert "A shared org account" in html
    assert not ZoomConnection.objects.exists()
    done = admin_client.post(response["Location"], {"role": "org"})
    assert done["Location"] == "/360/integrations"
    connection = ZoomConnection.objects.get()
    assert (connection.role, connection.zoom_user.email) == ("org", "meetings@zoom.test")
    again = admin_client.post(response["Location"], {"role": "org"})
    assert again.status_code == 400  # one confirmation, one connection


def test_a_signed_out_person_signs_in_first_and_then_continues(
    zoom: ZoomSandbox, zoom_on, member_membership
):
    """Arriving signed out, the person is sent to sign in; Zoom's answer waits in their
    session (the sign-in URL names only where), and signing in continues with it."""
    redirect = zoom.marketplace_install(zoom.create_user()["id"])
    browser = Client()
    response = browser.get(callback_path(redirect))
    assert response.status_code == 302
    assert response["Location"].startswith("/signin?next=/360/integrations/zoom/callback/resume/")
    assert "code" not in response["Location"]
    confirm = browser.get(sign_in(browser, response["Location"], member_membership.user.email))
    page = browser.get(confirm["Location"]).content.decode()
    assert "your own Zoom" in page
    assert "A shared org account" not in page
    browser.post(confirm["Location"], {"role": "personal"})
    assert ZoomConnection.objects.get().owner == member_membership.user


def test_a_planted_code_connects_nothing_without_the_victims_yes(
    zoom: ZoomSandbox, zoom_on, member_client
):
    """Someone else's Marketplace code opened in your browser only shows whose Zoom it is;
    walking away leaves nothing connected."""
    attacker = zoom.create_user(email="mallory@zoom.test")
    response = member_client.get(callback_path(zoom.marketplace_install(attacker["id"])))
    page = member_client.get(response["Location"]).content.decode()
    assert "mallory@zoom.test" in page
    assert not ZoomConnection.objects.exists()
    assert not ZoomUser.objects.exists()


def test_another_person_cannot_confirm_your_pending_install(
    zoom: ZoomSandbox, zoom_on, member_client, admin_client
):
    """The confirmation belongs to the session that received the code."""
    response = member_client.get(callback_path(zoom.marketplace_install(zoom.create_user()["id"])))
    stolen = admin_client.post(response["Location"], {"role": "org"})
    assert stolen.status_code == 400
    assert not ZoomConnection.objects.exists()


def test_a_replayed_marketplace_code_is_refused(zoom: ZoomSandbox, zoom_on, member_client):
    """Zoom's codes work once: the second use says so and changes nothing."""
    path = callback_path(zoom.marketplace_install(zoom.create_user()["id"]))
    assert member_client.get(path).status_code == 302
    again = member_client.get(path)
    assert again.status_code == 400
    assert "already used or has expired" in again.content.decode()
