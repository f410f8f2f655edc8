"""Connecting Zoom: the Connect buttons, Zoom's return, the confirmation pages, disconnect."""

from __future__ import annotations

import pytest
from django.db import connection as db
from django.test import Client

from slotlink.zoom.models import SyncLogEntry, ZoomAuthorization, ZoomConnection, ZoomUser
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.zoom.conftest import connect_zoom, zoom_consent

pytestmark = pytest.mark.django_db


def follow(client: Client, response) -> str:
    assert response.status_code == 302, response.content
    return client.get(response["Location"]).content.decode()


def test_a_member_connects_their_zoom_and_sees_it_connected(
    zoom: ZoomSandbox, zoom_on, member_client, member_membership
):
    """Connect Zoom, allow in Zoom, and back on Integrations: "Zoom connected successfully!"
    and the account listed with a Connected badge and its Zoom email."""
    zoom_user = zoom.create_user(email="max@zoom.test", first_name="Max", last_name="Member")
    trip = connect_zoom(zoom, member_client, user=zoom_user)
    assert trip.response["Location"] == "/360/integrations"
    html = follow(member_client, trip.response)
    assert "Zoom connected successfully!" in html
    assert "max@zoom.test" in html
    assert "Connected" in html
    connection = ZoomConnection.objects.get()
    assert (connection.role, connection.owner, connection.organization) == (
        "personal",
        member_membership.user,
        member_membership.organization,
    )
    stored = connection.zoom_user
    assert (stored.zoom_user_id, stored.email, stored.display_name) == (
        zoom_user["id"],
        "max@zoom.test",
        "Max Member",
    )
    assert stored.zoom_account_id == zoom_user["account_id"]
    assert stored.access_token
    assert stored.refresh_token
    assert stored.scopes
    assert stored.access_expires_at is not None
    logged = SyncLogEntry.objects.order_by("id").values_list("action", "outcome", "zoom_email")
    assert list(logged) == [
        ("token.exchange", "ok", "max@zoom.test"),
        ("user.get", "ok", "max@zoom.test"),
        ("user.settings", "ok", "max@zoom.test"),  # the passcode rules, read once
        ("webinar.list", "rejected", "max@zoom.test"),  # no webinar licence (code 200)
    ]
    assert stored.webinar_licence is False


def test_tokens_are_encrypted_in_the_database(zoom: ZoomSandbox, zoom_on, member_client):
    """The raw database holds no token in plaintext: what Zoom issued appears nowhere."""
    zoom_user = zoom.create_user()
    connect_zoom(zoom, member_client, user=zoom_user)
    stored = ZoomUser.objects.get()
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM zoom_zoomuser")
        raw_access, raw_refresh = cursor.fetchone()
    assert stored.access_token not in raw_access
    assert stored.refresh_token not in raw_refresh
    assert raw_access.startswith("gAAAA")  # a Fernet token


def test_the_authorize_request_carries_a_single_use_state_and_pkce_s256(
    zoom: ZoomSandbox, zoom_on, member_client
):
    """The Connect button sends the browser to Zoom with response_type=code, the app's
    client id and redirect, a state, and a PKCE S256 challenge; no scope parameter (Zoom
    apps set their scopes on the Marketplace, REFERENCE §1.2)."""
    started = member_client.post("/360/integrations/zoom/connect", {"role": "personal"})
    location = started["Location"]
    assert location.startswith(zoom.authorize_url + "?")
    for part in (
        "response_type=code",
        f"client_id={zoom.client_id}",
        "state=",
        "code_challenge=",
        "code_challenge_method=S256",
    ):
        assert part in location
    assert "scope=" not in location
    assert ZoomAuthorization.objects.count() == 1


def test_an_admin_adds_a_shared_org_account(zoom: ZoomSandbox, zoom_on, admin_client):
    """Add shared org account connects the Zoom account as the organization's."""
    zoom_user = zoom.create_user(email="meetings@zoom.test")
    trip = connect_zoom(zoom, admin_client, user=zoom_user, role="org")
    assert "Zoom connected successfully!" in follow(admin_client, trip.response)
    assert ZoomConnection.objects.get().role == "org"


def test_a_member_cannot_add_a_shared_org_account(zoom: ZoomSandbox, zoom_on, member_client):
    """Only admins have Add shared org account; a forged request changes nothing."""
    response = member_client.post("/360/integrations/zoom/connect", {"role": "org"})
    assert response.status_code == 400
    assert "Only admins can add shared org accounts." in response.content.decode()
    assert not ZoomAuthorization.objects.exists()


def test_zoom_urls_say_zoom_is_not_enabled_until_an_admin_enables_it(
    zoom: ZoomSandbox, member_client
):
    """Without the master switch, the Zoom page, Connect and the callback say so and
    nothing is started."""
    for response in (
        member_client.get("/360/integrations/zoom"),
        member_client.post("/360/integrations/zoom/connect", {"role": "personal"}),
        member_client.get("/360/integrations/zoom/callback?code=x&state=y"),
    ):
        assert response.status_code == 404
        assert "Zoom isn&#x27;t enabled for this organization." in response.content.decode()
    assert not ZoomAuthorization.objects.exists()


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        (lambda path: path.replace("state=", "state=x"), "doesn&#x27;t match a connection"),
        (lambda path: path.split("&state=")[0] + "&state=", "doesn&#x27;t match a connection"),
    ],
)
def test_a_callback_with_a_wrong_state_changes_nothing_and_says_why(
    zoom: ZoomSandbox, zoom_on, member_client, tamper, words
):
    """A mismatched or empty state connects nothing, and the page says why."""
    callback = zoom_consent(zoom, member_client, user=zoom.create_user(), role="personal")
    response = member_client.get(tamper(callback))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ZoomUser.objects.exists()


def test_a_replayed_callback_changes_nothing(zoom: ZoomSandbox, zoom_on, member_client):
    """The state (and Zoom's code) work once: the same answer again connects nothing more."""
    callback = zoom_consent(zoom, member_client, user=zoom.create_user(), role="personal")
    assert member_client.get(callback).status_code == 302
    again = member_client.get(callback)
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    assert ZoomConnection.objects.count() == 1


def test_another_sessions_state_changes_nothing(
    zoom: ZoomSandbox, zoom_on, member_client, member_membership
):
    """A callback carrying a state started in another browser session is refused: a link
    sent to someone else cannot connect the wrong Zoom account."""
    callback = zoom_consent(zoom, member_client, user=zoom.create_user(), role="personal")
    other_browser = Client()
    other_browser.force_login(member_membership.user)
    response = other_browser.get(callback)
    assert response.status_code == 400
    assert "another browser session" in response.content.decode()
    assert not ZoomConnection.objects.exists()


def test_an_expired_state_changes_nothing(zoom: ZoomSandbox, zoom_on, member_client):
    """States last 10 minutes: a later return connects nothing."""
    callback = zoom_consent(zoom, member_client, user=zoom.create_user(), role="personal")
    ZoomAuthorization.objects.update(expires_at="2000-01-01T00:00:00Z")
    response = member_client.get(callback)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not ZoomConnection.objects.exists()


def test_a_callback_without_a_code_explains_pre_approval(zoom: ZoomSandbox, zoom_on, member_client):
    """Zoom sending the browser back with an error other than a decline (or without a
    code) shows "You cannot authorize the app" and the pre-approval steps, in our words
    (a decline has its own page: test_connect_refusals.py)."""
    response = member_client.get("/360/integrations/zoom/callback?error=server_error")
    html = response.content.decode()
    assert response.status_code == 400
    assert "You cannot authorize the app" in html
    assert "Request pre-approve" in html
    assert "App Requests" in html
    assert "Pre-approve" in html
    assert "server_error" not in html  # Zoom's words go to the log
    without_code = member_client.get("/360/integrations/zoom/callback")
    assert "You cannot authorize the app" in without_code.content.decode()


def test_a_zoom_account_needing_pre_approval_cannot_connect_until_approved(
    zoom: ZoomSandbox, zoom_on, member_client
):
    """The sandbox's admin requires pre-approval: Zoom shows "You cannot authorize", the
    user requests it, the Zoom admin pre-approves it under App Requests, and then the
    connection goes through."""
    zoom_admin = zoom.create_user(account_admin=True, requires_preapproval=True)
    user = zoom.create_user(account_id=zoom_admin["account_id"])
    started = member_client.post("/360/integrations/zoom/connect", {"role": "personal"})
    with zoom.browser() as browser:
        page = browser.get(started["Location"])
        if page.status_code == 302:
            zoom.sign_in(browser, email=user["email"], password=user["password"])
            page = browser.get(started["Location"])
        assert "You cannot authorize" in page.text
    zoom.update_account(zoom_admin["account_id"], preapproved=True)
    trip = connect_zoom(zoom, member_client, user=user)
    assert trip.response["Location"] == "/360/integrations"


def test_reauthorizing_with_the_other_button_asks_before_changing_the_role(
    zoom: ZoomSandbox, zoom_on, admin_client
):
    """An admin's own Zoom, authorized again with Add shared org account, becomes a shared
    org account only after a confirmation that says so."""
    zoom_user = zoom.create_user(email="ada@zoom.test")
    connect_zoom(zoom, admin_client, user=zoom_user, role="personal")
    trip = connect_zoom(zoom, admin_client, user=zoom_user, role="org")
    assert trip.response.status_code == 302
    page = admin_client.get(trip.response["Location"])
    html = page.content.decode()
    assert "Change this Zoom account's role?" in html
    assert "ada@zoom.test" in html
    assert ZoomConnection.objects.get().role == "personal"
    done = admin_client.post(trip.response["Location"])
    assert done["Location"] == "/360/integrations"
    assert ZoomConnection.objects.get().role == "org"


def test_connecting_again_renews_the_tokens(zoom: ZoomSandbox, zoom_on, member_client):
    """Signing in again as the same Zoom account keeps one connection with new tokens."""
    zoom_user = zoom.create_user()
    connect_zoom(zoom, member_client, user=zoom_user)
    first = ZoomUser.objects.get().access_token
    zoom.configure_app(redirect_uri="http://testserver/360/integrations/zoom/callback")
    trip = connect_zoom(zoom, member_client, user=zoom_user)
    assert trip.response["Location"] == "/360/integrations"
    assert ZoomConnection.objects.count() == 1
    assert ZoomUser.objects.get().access_token != first


def test_a_second_personal_zoom_is_refused_with_the_way_out(
    zoom: ZoomSandbox, zoom_on, member_client
):
    """A member's own Zoom is one account: connecting another says to disconnect first,
    keeps nothing of it, and revokes the grant it gave just now, so slotlink is not left
    among its Added Apps in Zoom."""
    connect_zoom(zoom, member_client, user=zoom.create_user(email="one@zoom.test"))
    second = zoom.create_user(email="two@zoom.test")
    trip = connect_zoom(zoom, member_client, user=second)
    html = trip.response.content.decode()
    assert trip.response.status_code == 400
    assert "already connected as one@zoom.test" in html
    assert "disconnect that one first" in html
    assert list(ZoomUser.objects.values_list("email", flat=True)) == ["one@zoom.test"]
    assert zoom.authorized_apps(second["id"]) == []


def test_disconnect_revokes_at_zoom_and_deletes_the_tokens(
    zoom: ZoomSandbox, zoom_on, member_client
):
    """Disconnect asks first, then calls Zoom's /oauth/revoke and deletes the connection and
    its stored tokens at once."""
    zoom_user = zoom.create_user(email="max@zoom.test")
    connect_zoom(zoom, member_client, user=zoom_user)
    connection = ZoomConnection.objects.get()
    url = f"/360/integrations/zoom/connections/{connection.id}/disconnect"
    assert "Disconnect <bdi>max@zoom.test</bdi>?" in member_client.get(url).content.decode()
    html = follow(member_client, member_client.post(url))
    assert "<bdi>max@zoom.test</bdi> is disconnected" in html
    assert not ZoomConnection.objects.exists()
    assert not ZoomUser.objects.exists()
    assert len(zoom.requests(method="POST", path="/oauth/revoke")) == 1
    assert (
        zoom.app()["client_id"]
        not in zoom.control.get(f"/users/{zoom_user['id']}").json()["authorized_apps"]
    )


def test_a_revoke_zoom_does_not_answer_still_disconnects_and_says_what_to_do(
    zoom: ZoomSandbox, zoom_on, member_client
):
    """Zoom down at the revoke: the tokens are deleted here anyway, and the member is told
    to remove slotlink in the Zoom App Marketplace to be sure."""
    connect_zoom(zoom, member_client, user=zoom.create_user(email="max@zoom.test"))
    connection = ZoomConnection.objects.get()
    zoom.set_faults(outage=True, paths=["/oauth/revoke"])
    url = f"/360/integrations/zoom/connections/{connection.id}/disconnect"
    html = follow(member_client, member_client.post(url))
    assert "<bdi>max@zoom.test</bdi> is disconnected and its tokens are deleted here" in html
    assert "Manage &gt; Added Apps" in html
    assert not ZoomUser.objects.exists()
    assert zoom.requests(method="POST", path="/oauth/revoke")


def test_no_token_reaches_a_log_line(zoom: ZoomSandbox, zoom_on, member_client, caplog):
    """Connecting, refreshing and disconnecting log what happened, never a token: not the
    access or refresh tokens, not the code, not the PKCE verifier."""
    from slotlink.zoom.synclog import CallContext
    from slotlink.zoom.tokens import access_token_refresh

    caplog.set_level("DEBUG")
    callback = zoom_consent(zoom, member_client, user=zoom.create_user(), role="personal")
    verifier = ZoomAuthorization.objects.get().code_verifier
    member_client.get(callback)
    stored = ZoomUser.objects.get()
    secrets = [stored.access_token, stored.refresh_token, verifier]
    access_token_refresh(zoom_user_id=stored.id, context=CallContext(), stale=stored.access_token)
    stored.refresh_from_db()
    secrets += [stored.access_token, stored.refresh_token]
    connection = ZoomConnection.objects.get()
    member_client.post(f"/360/integrations/zoom/connections/{connection.id}/disconnect")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "zoom.connection.created" in logged
    for secret in secrets:
        assert secret not in logged
