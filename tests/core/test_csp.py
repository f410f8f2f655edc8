"""Every page carries slotlink's Content-Security-Policy: only slotlink's own script and
style files run, forms go only to slotlink and Zoom's pages, and no one frames a page but
the invitee's pages, which the operator may open to an embedding site."""

import re

import pytest
from django.test import Client
from django.urls import include, path

from tests.csp import policy_of
from tests.factories import make_organization
from tests.fixtures.browser import a_whole_day, csp_violation
from tests.scheduling.builders import make_event_type, make_host

APP_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "form-action": ["'self'", "https://zoom.us", "https://*.zoom.us"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


def broken_view(request):
    raise RuntimeError("a bug")


# This module is also a URL map: slotlink's, and a page with a bug.
urlpatterns = [path("broken", broken_view), path("", include("slotlink.config.urls"))]


@pytest.fixture
def event_type(db):
    organization = make_organization("Acme")
    return make_event_type(organization, make_host(organization), slug="intro")


@pytest.fixture
def production_zoom(settings):
    settings.ZOOM_OAUTH_BASE_URL = "https://zoom.us"


def public_page(event_type) -> str:
    return f"/book/{event_type.organization.slug}/{event_type.slug}"


def test_every_kind_of_page_carries_the_policy(client, admin_client, event_type, production_zoom):
    """The sign-in page, an app page and an error page may be framed by no one; the public
    booking page by slotlink itself. Each runs only slotlink's files, and its forms may lead
    only to slotlink and Zoom (Connect goes to zoom.us, a start link to us02web.zoom.us)."""
    pages = {
        "sign-in": client.get("/signin"),
        "app": admin_client.get("/360/events"),
        "error": admin_client.get("/360/no-such-page"),
        "public": client.get(public_page(event_type)),
    }
    assert [response.status_code for response in pages.values()] == [200, 200, 404, 200]
    for name in ("sign-in", "app", "error"):
        assert policy_of(pages[name]) == APP_POLICY, name
        assert pages[name]["X-Frame-Options"] == "DENY"
    assert policy_of(pages["public"]) == APP_POLICY | {"frame-ancestors": ["'self'"]}
    assert pages["public"]["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.urls(__name__)
def test_the_server_error_page_carries_the_policy_and_its_style_from_a_file(db, production_zoom):
    """A page that fails answers slotlink's 500 page under the same policy, styled by
    slotlink's stylesheet rather than inline."""
    response = Client(raise_request_exception=False).get("/broken")
    assert response.status_code == 500
    assert policy_of(response) == APP_POLICY
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert '<link rel="stylesheet" href="/static/slotlink/app.css">' in html
    assert "style=" not in html


def test_an_operator_can_let_one_site_embed_the_booking_pages(
    client, admin_client, event_type, settings
):
    """SLOTLINK_PUBLIC_FRAME_ANCESTORS names who may frame the invitee's pages (booking,
    confirmation, reschedule, cancel); X-Frame-Options, which can't name another site, is
    left out there. The app's own pages stay unframeable."""
    settings.PUBLIC_FRAME_ANCESTORS = ["'self'", "https://www.example.com"]
    public = client.get(public_page(event_type))
    assert policy_of(public)["frame-ancestors"] == ["'self'", "https://www.example.com"]
    assert "X-Frame-Options" not in public
    app = admin_client.get("/360/events")
    assert policy_of(app)["frame-ancestors"] == ["'none'"]
    assert app["X-Frame-Options"] == "DENY"


def test_forms_may_lead_to_the_zoom_that_settings_name(admin_client, db, settings):
    """The Zoom a test or demo talks to (the sandbox at one address) is where Connect goes;
    an IP address gets no subdomains."""
    settings.ZOOM_OAUTH_BASE_URL = "http://127.0.0.1:8766"
    response = admin_client.get("/360/events")
    assert policy_of(response)["form-action"] == ["'self'", "http://127.0.0.1:8766"]


@pytest.mark.django_db(transaction=True)
def test_an_inline_script_or_handler_put_onto_a_page_does_not_run(
    live_server, event_type, page, csp_violations
):
    """Markup an attacker gets onto a page can't run script: an injected inline script and
    an inline event handler are refused, and the browser says so."""
    page.goto(f"{live_server.url}/signin")
    with page.expect_console_message(lambda message: csp_violation(message.text)):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = 'script ran'";
                document.body.append(script);
                const image = document.createElement("img");
                image.setAttribute("onerror", "window.injected = 'handler ran'");
                image.src = "/no-such-image";
                document.body.append(image);
            }"""
        )
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.injected") is None
    refused = "\n".join(csp_violations)
    assert "Refused by the Content Security Policy: script-src-elem inline" in refused
    assert "Refused by the Content Security Policy: script-src-attr inline" in refused
    csp_violations.clear()  # seen: what the page fixture would fail any other test for


@pytest.mark.django_db(transaction=True)
def test_picking_a_time_zone_shows_the_times_in_it_under_the_policy(live_server, event_type, page):
    """The booking page's time zone menu reloads the times as soon as a zone is picked,
    through slotlink's script file (the page fixture fails on any refusal)."""
    page.goto(f"{live_server.url}{public_page(event_type)}{a_whole_day()}")
    page.wait_for_url(re.compile(r"tz=America%2FNew_York"))
    search = page.get_by_role("combobox", name="Time zone")  # the searchable picker
    search.fill("tokyo")
    search.press("Enter")
    page.wait_for_url(re.compile(r"tz=Asia%2FTokyo"))
    assert page.locator("#tz").input_value() == "Asia/Tokyo"
