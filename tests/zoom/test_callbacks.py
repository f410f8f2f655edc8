"""Zoom's answer at the callback stays with the browser that brought it (zoom/callbacks.py):
a signed-out browser signs in without the code in any URL or log line, and a leaked code
(a Marketplace install's, which no state binds) connects nothing anywhere else."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.zoom.models import ZoomCodeArrival, ZoomConnection, ZoomRollout, ZoomUser
from tests.factories import PASSWORD, make_member, make_organization
from tests.fixtures.zoom_sandbox import ZoomSandbox

pytestmark = pytest.mark.django_db

RESUME = re.compile(r"^/signin\?next=/360/integrations/zoom/callback/resume/[\w-]+$")
ANOTHER_BROWSER = "first opened in another browser"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def code_and_state(url: str) -> list[str]:
    query = dict(pair.split("=", 1) for pair in urlsplit(url).query.split("&"))
    return [query[name] for name in ("code", "state") if name in query]


def fully_decoded(text: str) -> str:
    while unquote(text) != text:
        text = unquote(text)
    return text


def sign_in(browser: Client, sign_in_path: str, email: str) -> str:
    """Sign in on the page `sign_in_path` as a person does (their session kept, as a
    browser's is); returns where the sign-in sends them."""
    page = browser.get(sign_in_path)
    assert page.status_code == 200
    done = browser.post(sign_in_path, {"username": email, "password": PASSWORD})
    assert done.status_code == 302, done.content
    return str(done["Location"])


@pytest.fixture
def other_admin(zoom: ZoomSandbox) -> Client:
    """An admin of another organization with Zoom on, signed in."""
    organization = make_organization("Initech")
    ZoomRollout.objects.create(organization=organization, enabled=True)
    admin = make_member(organization, role=Membership.Role.ADMIN)
    browser = Client()
    browser.force_login(admin.user)
    return browser


def test_a_leaked_marketplace_code_connects_nothing_and_its_owner_still_connects(
    zoom: ZoomSandbox, zoom_on, admin_membership, other_admin, caplog
):
    """A signed-out admin adds slotlink from the Zoom Marketplace: they are sent to sign in
    with neither the code nor anything of it in the URL, the page or any log line. Another
    organization's admin who opens the callback URL gets a page saying it belongs to
    another browser, and Zoom is never asked to exchange the code. The admin, signed in,
    confirms and connects the account as their organization's."""
    caplog.set_level(logging.DEBUG)
    zoom_user = zoom.create_user(email="acme-meetings@zoom.test")
    callback = path_of(zoom.marketplace_install(zoom_user["id"]))
    (code,) = code_and_state(callback)

    victim = Client()
    held = victim.get(callback)
    assert held.status_code == 302
    assert RESUME.match(held["Location"]), held["Location"]
    assert code not in fully_decoded(held["Location"])
    sign_in_page = victim.get(held["Location"]).content.decode()
    assert code not in fully_decoded(sign_in_page)

    for replay in (callback, f"{callback}&state=x", held["Location"].split("next=")[1]):
        refused = other_admin.get(replay)
        assert refused.status_code == 400, replay
    assert ANOTHER_BROWSER in other_admin.get(callback).content.decode()
    assert zoom.requests(method="POST", path="/oauth/token") == []
    assert not ZoomUser.objects.exists()

    resume = sign_in(victim, held["Location"], admin_membership.user.email)
    confirm = victim.get(resume)
    assert confirm.status_code == 302, confirm.content
    page = victim.get(confirm["Location"]).content.decode()
    assert "acme-meetings@zoom.test" in page
    assert victim.post(confirm["Location"], {"role": "org"})["Location"] == "/360/integrations"
    connection = ZoomConnection.objects.get()
    assert connection.organization_id == admin_membership.organization_id
    assert (connection.role, connection.zoom_user.email) == ("org", "acme-meetings@zoom.test")
    assert victim.get(resume).status_code == 400  # the held answer is taken once

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert code not in fully_decoded(logged)


def test_a_code_a_signed_in_browser_brought_is_refused_in_any_other(
    zoom: ZoomSandbox, zoom_on, member_client, other_admin
):
    """The first browser to bring a code owns it, signed in or not: the same URL in
    another organization's admin's browser is refused before Zoom is asked."""
    callback = path_of(zoom.marketplace_install(zoom.create_user()["id"]))
    assert member_client.get(callback).status_code == 302
    exchanges = len(zoom.requests(method="POST", path="/oauth/token"))
    refused = other_admin.get(callback)
    assert refused.status_code == 400
    assert ANOTHER_BROWSER in refused.content.decode()
    assert len(zoom.requests(method="POST", path="/oauth/token")) == exchanges
    assert ZoomCodeArrival.objects.count() == 1


def test_a_held_answer_expires_and_belongs_to_its_session(
    zoom: ZoomSandbox, zoom_on, member_membership
):
    """A signed-out browser's answer waits 10 minutes at most, for that browser only."""
    callback = path_of(zoom.marketplace_install(zoom.create_user()["id"]))
    victim = Client()
    sign_in_path = victim.get(callback)["Location"]
    resume = sign_in(victim, sign_in_path, member_membership.user.email)
    session = victim.session
    (held,) = session["zoom.callbacks"].values()
    held["held_at"] -= 11 * 60
    session.save()
    expired = victim.get(resume)
    assert expired.status_code == 400
    assert "longer than 10 minutes" in expired.content.decode()
    assert not ZoomUser.objects.exists()
