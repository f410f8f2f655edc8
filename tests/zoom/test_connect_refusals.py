"""Trips to Zoom that connect nothing: the person declined on Zoom's page, Zoom refused, or
a Reconnect came back signed in as another Zoom account. Each says so in our words, offers
the way on, and leaves every connection as it was."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.zoom.models import ZoomAuthorization, ZoomConnection, ZoomUser
from tests.factories import make_member, make_organization
from tests.fixtures.zoom_sandbox import ZoomSandbox, form_token
from tests.zoom.conftest import REDIRECT_URI
from tests.zoom.factories import connected

pytestmark = pytest.mark.django_db

ZOOM_DECLINE_WORDS = "The user declined to authorize the app."  # the sandbox's description


def signed_in(zoom: ZoomSandbox, browser: httpx.Client, user: dict[str, Any]) -> None:
    """Sign the browser in to Zoom as `user`, as a person does before using any app."""
    done = zoom.sign_in(browser, email=user["email"], password=user["password"])
    assert done.status_code == 303, done.text


def callback_path(location: str) -> str:
    assert location.startswith(REDIRECT_URI), location
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def declined_in_zoom(zoom: ZoomSandbox, started: str, user: dict[str, Any]) -> str:
    """Open Zoom's consent page from a Connect button's redirect and choose Decline;
    returns the callback path Zoom sends the browser back to."""
    with zoom.browser() as browser:
        signed_in(zoom, browser, user)
        consent = browser.get(started)
        assert 'value="decline"' in consent.text
        answer = browser.post(
            "/oauth/authorize/consent",
            data={
                "authorize": urlsplit(started).query,
                "decision": "decline",
                "csrf_token": form_token(consent),
            },
        )
    assert answer.status_code == 302
    return callback_path(answer.headers["location"])


def test_declining_on_zooms_page_says_so_and_offers_to_connect_again(
    zoom: ZoomSandbox, zoom_on, member_client, caplog
):
    """Decline on Zoom's consent page comes back with error=access_denied (RFC 6749
    §4.1.2.1, as the sandbox sends it): the page says it was declined, not that Zoom
    blocked the app, offers Connect Zoom again, and logs Zoom's own words instead of
    showing them. The trip is spent and nothing is stored."""
    started = member_client.post("/360/integrations/zoom/connect", {"role": "personal"})
    callback = declined_in_zoom(zoom, started["Location"], zoom.create_user())
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    with caplog.at_level(logging.INFO, logger="slotlink.zoom"):
        response = member_client.get(callback)
    html = response.content.decode()
    assert response.status_code == 400
    assert "You declined in Zoom" in html
    assert "so no Zoom account was connected" in html
    assert 'action="/360/integrations/zoom/connect"' in html
    assert 'name="role" value="personal"' in html
    assert ">Connect Zoom</button>" in html
    assert "You cannot authorize" not in html
    assert ZOOM_DECLINE_WORDS not in html
    assert ZOOM_DECLINE_WORDS in caplog.text
    assert ZoomAuthorization.objects.get().used_at is not None
    assert not ZoomUser.objects.exists()
    assert not ZoomConnection.objects.exists()


def test_declining_a_reconnect_offers_to_reconnect_the_same_account(
    zoom: ZoomSandbox, zoom_on, member_client, member_membership
):
    """Declining on the way to reconnect an account (removed from Zoom's Added Apps, so
    Zoom asks again) offers Reconnect for that account."""
    connection, zoom_user = connected(zoom, member_membership, email="max@zoom.test")
    zoom.remove_app(zoom_user["id"])
    started = member_client.post(f"/360/integrations/zoom/connections/{connection.id}/reconnect")
    response = member_client.get(declined_in_zoom(zoom, started["Location"], zoom_user))
    html = response.content.decode()
    assert "max@zoom.test</bdi></strong> was not reconnected: nothing changed" in html
    assert f'action="/360/integrations/zoom/connections/{connection.id}/reconnect"' in html
    assert ">Reconnect <bdi>max@zoom.test</bdi></button>" in html


def test_an_error_other_than_a_decline_shows_the_pre_approval_steps_in_our_words(
    zoom: ZoomSandbox, zoom_on, member_client, caplog
):
    """Zoom blocks an app that needs pre-approval on its own pages (REFERENCE §1.3); if it
    ever sends the browser back with another error, the page gives the pre-approval steps
    in our words, each sentence ending once, and Zoom's text goes to the log only."""
    zoom_words = "You cannot authorize slotlink."
    with caplog.at_level(logging.INFO, logger="slotlink.zoom"):
        response = member_client.get(
            "/360/integrations/zoom/callback",
            {"error": "unauthorized_client", "error_description": zoom_words},
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "You cannot authorize the app" in html
    assert "Zoom did not let you authorize slotlink, so nothing was connected.</p>" in html
    assert "Request pre-approve" in html
    assert zoom_words not in html
    assert "unauthorized_client" not in html
    assert ".." not in html.replace("...", "")
    assert zoom_words in caplog.text


def _broken(connection: ZoomConnection) -> None:
    ZoomUser.objects.filter(pk=connection.zoom_user_id).update(
        status=ZoomUser.Status.BROKEN,
        access_token="",
        refresh_token="",
        last_error="Zoom no longer accepts slotlink's authorization for this account.",
    )


def _reconnect_signed_in_as(
    zoom: ZoomSandbox, client: Client, connection: ZoomConnection, user: dict[str, Any]
) -> tuple[Any, httpx.Client]:
    """Press Reconnect in a browser whose Zoom session is `user`'s; returns slotlink's
    answer and that Zoom browser (still signed in)."""
    started = client.post(f"/360/integrations/zoom/connections/{connection.id}/reconnect")
    browser = zoom.browser()
    signed_in(zoom, browser, user)
    location = zoom.authorize(
        browser, started["Location"], email=user["email"], password=user["password"]
    )
    return client.get(callback_path(location)), browser


@pytest.mark.parametrize("role", ["personal", "org"])
def test_reconnecting_while_zoom_is_signed_in_as_another_account_names_both_and_keeps_nothing(
    zoom: ZoomSandbox, zoom_on, admin_client, admin_membership, role
):
    """A broken connection's Reconnect, in a browser whose Zoom session is another
    account's: the page names the account Zoom returned and the one expected, and gives
    the help's way out (sign out of Zoom in this browser, then Reconnect). The connection
    stays as it was, no token of the other account is kept, and the grant it gave just now
    is revoked at Zoom. Then signing out of Zoom and reconnecting as the right account
    works."""
    connection, expected = connected(zoom, admin_membership, role=role, email="admin@acme.test")
    _broken(connection)
    other = zoom.create_user(email="other@x.test")
    response, browser = _reconnect_signed_in_as(zoom, admin_client, connection, other)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Zoom signed you in as other@x.test, but this connection is admin@acme.test." in html
    assert f'href="{zoom.oauth_base_url}/signout"' in html
    assert f'action="/360/integrations/zoom/connections/{connection.id}/reconnect"' in html
    assert "already connected as" not in html
    assert list(ZoomConnection.objects.values_list("id", "zoom_user__email", "role")) == [
        (connection.id, "admin@acme.test", role)
    ]
    stored = ZoomUser.objects.get()
    assert (stored.status, stored.access_token, stored.refresh_token) == ("broken", "", "")
    assert zoom.authorized_apps(other["id"]) == []
    assert len(zoom.requests(method="POST", path="/oauth/revoke")) == 1

    try:
        signed_out = browser.get(f"{zoom.oauth_base_url}/signout")
        assert "You are signed out" in signed_out.text
        started = admin_client.post(f"/360/integrations/zoom/connections/{connection.id}/reconnect")
        location = zoom.authorize(
            browser, started["Location"], email=expected["email"], password=expected["password"]
        )
    finally:
        browser.close()
    assert admin_client.get(callback_path(location))["Location"] == "/360/integrations"
    assert ZoomUser.objects.get().status == "connected"
    assert ZoomConnection.objects.count() == 1


def test_a_wrong_account_that_another_organization_uses_keeps_its_grant(
    zoom: ZoomSandbox, zoom_on, member_client, member_membership
):
    """The wrong account is connected in another organization: its grant stays (revoking
    it would break that organization), and it keeps working with the tokens Zoom issued
    now (they ended its earlier ones). This organization's connection is still refused."""
    connection, _ = connected(zoom, member_membership, email="max@zoom.test")
    _broken(connection)
    elsewhere = make_member(make_organization("Globex"), role=Membership.Role.ADMIN)
    _, other = connected(zoom, elsewhere, role="org", email="shared@globex.test")
    before = ZoomUser.objects.get(email="shared@globex.test").access_token
    response, browser = _reconnect_signed_in_as(zoom, member_client, connection, other)
    browser.close()
    assert "Zoom signed you in as shared@globex.test, but this connection is max@zoom.test." in (
        response.content.decode()
    )
    assert zoom.client_id in zoom.authorized_apps(other["id"])
    assert zoom.requests(method="POST", path="/oauth/revoke") == []
    theirs = ZoomUser.objects.get(email="shared@globex.test")
    assert theirs.is_connected
    assert theirs.access_token != before
    ours = ZoomUser.objects.get(email="max@zoom.test")
    assert (ours.status, ours.access_token) == ("broken", "")
    assert ZoomConnection.objects.filter(organization=member_membership.organization).count() == 1
