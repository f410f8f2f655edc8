"""The code-leak chain against a real web process (gunicorn, as deployed): a signed-out
browser brings a Marketplace code, signs in and connects, while another organization's
admin tries the same callback; nothing the process writes holds the code."""

from __future__ import annotations

import re

import httpx
import pytest

from slotlink.accounts.models import Membership
from slotlink.zoom.models import ZoomConnection, ZoomRollout
from tests.factories import PASSWORD, make_member, make_organization
from tests.fixtures.workers import database_url
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.test_processes import sign_in
from tests.web_process import WebProcess
from tests.zoom.test_callbacks import ANOTHER_BROWSER, code_and_state, fully_decoded, path_of

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def post_form(browser: httpx.Client, path: str, page: str, **fields: str) -> httpx.Response:
    """Submit the form of `page` (served at `path`) as a browser does: its CSRF token, and
    the page as the Referer."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    return browser.post(
        path,
        data={"csrfmiddlewaretoken": token.group(1), **fields},
        headers={"Referer": f"{browser.base_url}{path}"},
    )


def test_no_line_of_the_web_process_holds_the_code_and_only_its_browser_connects(
    zoom: ZoomSandbox, zoom_on, admin_membership
):
    """Every line gunicorn's access log and Django's log wrote (request lines, sign-in POST,
    Referers) is free of the code, even fully URL-decoded; the other admin's try is
    refused; the admin who brought the code connects it as their organization's."""
    other = make_organization("Initech")
    ZoomRollout.objects.create(organization=other, enabled=True)
    intruder = make_member(other, role=Membership.Role.ADMIN)
    callback = path_of(zoom.marketplace_install(zoom.create_user(email="acme@zoom.test")["id"]))
    (code,) = code_and_state(callback)

    with WebProcess({"DATABASE_URL": database_url(), **zoom.env()}) as web:
        browser = httpx.Client(base_url=web.url, timeout=10)
        sign_in_path = browser.get(callback).headers["location"]
        sign_in_page = browser.get(sign_in_path).text
        stranger = sign_in(web.url, intruder.user.email, PASSWORD)
        refused = stranger.get(callback, headers={"Referer": f"{web.url}{sign_in_path}"})
        assert refused.status_code == 400
        assert ANOTHER_BROWSER in refused.text
        signed_in = post_form(
            browser,
            sign_in_path,
            sign_in_page,
            username=admin_membership.user.email,
            password=PASSWORD,
        )
        confirm_path = browser.get(signed_in.headers["location"]).headers["location"]
        confirm_page = browser.get(confirm_path).text
        assert "acme@zoom.test" in confirm_page
        done = post_form(browser, confirm_path, confirm_page, role="org")
        assert done.headers["location"] == "/360/integrations"

    connection = ZoomConnection.objects.get()
    assert connection.organization_id == admin_membership.organization_id
    assert connection.role == "org"
    lines = "".join(web.output).splitlines()
    assert any(f'"POST {sign_in_path} HTTP/1.1" 302' in line for line in lines)
    assert any('"GET /360/integrations/zoom/callback?code=[redacted] ' in line for line in lines)
    for line in lines:
        assert code not in fully_decoded(line), line
