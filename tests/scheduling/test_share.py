"""Sharing an event type: its Share tab (link to copy, inline and pop-up embed snippets, a
QR code), copy buttons on the event type list, and the embed variant of the public pages,
the only one any site may frame, whose booking form works without the CSRF cookie a
third-party iframe doesn't get."""

import re
from html import unescape

import pytest
from django.http import HttpResponse
from django.test import Client

from slotlink.scheduling.embed import embed_token
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.qr import qr_svg
from tests.csp import policy_of
from tests.factories import make_member, make_organization
from tests.scheduling.builders import make_event_type, next_free_starts

pytestmark = pytest.mark.django_db

BASE = "http://slotlink.test"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.BASE_URL = BASE


@pytest.fixture
def member_event_type(organization, member_membership) -> EventType:
    return make_event_type(organization, member_membership.user, slug="intro", title="Intro")


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def page_url(event_type: EventType) -> str:
    return f"/book/{event_type.organization.slug}/{event_type.slug}"


def booking_data(event_type: EventType, **more: str) -> dict[str, str]:
    return {
        "start": next_free_starts(event_type)[0].isoformat(),
        "time_zone": "Europe/Berlin",
        "name": "Ivy Invitee",
        "email": "ivy@example.test",
        "phone": "+49 30 1234567",
        **more,
    }


def test_the_share_tab_gives_the_link_the_snippets_and_the_qr_code(
    member_client, member_event_type
):
    """The link to copy, an inline snippet (an iframe of the embed variant in a div) and a
    pop-up one (a link that slotlink's embed.js opens over the page, the plain link
    without script), each with its copy button; and the QR code's image."""
    response = member_client.get(f"/360/events/{member_event_type.id}/share")
    html = text(response)
    link = f"{BASE}{page_url(member_event_type)}"
    assert response.status_code == 200
    assert f'id="share-link" type="text" readonly value="{link}" aria-label' in html
    assert (
        '<div class="slotlink-inline" style="min-width:320px;height:760px">'
        f'<iframe src="{link}?embed=1" title="Intro" '
        'style="width:100%;height:100%;border:0" loading="lazy"></iframe></div>'
    ) in html
    assert (
        f'<a href="{link}" data-slotlink-popup="{link}?embed=1" data-slotlink-title="Intro">'
        f'Book a time</a>\n<script src="{BASE}/static/scheduling/embed.js" async></script>'
    ) in html
    assert re.findall(r'data-copy="([^"]+)"', html) == ["share-link", "share-inline", "share-popup"]
    assert f'src="/360/events/{member_event_type.id}/qr.svg"' in html


def test_the_qr_code_is_of_the_event_types_link(member_client, member_event_type):
    """The QR code is an SVG drawn from the event type's public link and nothing else (no
    QR decoder is installed here: the generator's input is what is checked)."""
    response = member_client.get(f"/360/events/{member_event_type.id}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == qr_svg(f"{BASE}{page_url(member_event_type)}")
    assert response.content != qr_svg(f"{BASE}{page_url(member_event_type)}-other")
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    download = member_client.get(f"/360/events/{member_event_type.id}/qr.svg?download=1")
    assert download["Content-Disposition"] == 'attachment; filename="intro-qr.svg"'


def test_another_hosts_or_organizations_event_type_has_no_share_tab(
    organization, member_event_type
):
    """A co-worker who isn't an admin, and a host of another organization, get a 404 for
    the tab and the QR code."""
    coworker = make_member(organization, full_name="Carl Coworker").user
    stranger = make_member(make_organization("Other"), full_name="Stan Stranger").user
    for user in (coworker, stranger):
        client = Client()
        client.force_login(user)
        for path in ("share", "qr.svg"):
            assert client.get(f"/360/events/{member_event_type.id}/{path}").status_code == 404


def test_the_event_type_list_has_copy_buttons_for_each_link_and_the_organization_page(
    member_client, member_event_type
):
    """Each active event type's link and the organization's page have a copy button."""
    html = text(member_client.get("/360/events"))
    slug = member_event_type.organization.slug
    assert f'data-copy-text="{BASE}/book/{slug}/intro"' in html
    assert (
        f'id="organization-link" type="text" readonly value="{BASE}/book/{slug}" aria-label' in html
    )
    assert 'data-copy="organization-link"' in html


def test_only_the_embed_variant_of_the_public_pages_may_be_framed_by_any_site(
    client, member_client, member_event_type
):
    """?embed=1 on a public page (organization, booking, confirmation) lets any site frame
    it, without X-Frame-Options; the same pages without it keep 'self'; a signed-in page
    stays framed by no one, with or without ?embed=1."""
    slug = member_event_type.organization.slug
    for path in (f"/book/{slug}", page_url(member_event_type), "/booked/nonsense"):
        embedded = client.get(path, {"embed": "1"})
        assert policy_of(embedded)["frame-ancestors"] == ["*"], path
        assert "X-Frame-Options" not in embedded, path
        plain = client.get(path)
        assert policy_of(plain)["frame-ancestors"] == ["'self'"], path
        assert plain["X-Frame-Options"] == "SAMEORIGIN", path
    for path in ("/360/events", f"/360/events/{member_event_type.id}/share"):
        signed_in = member_client.get(path, {"embed": "1"})
        assert policy_of(signed_in)["frame-ancestors"] == ["'none'"], path
        assert signed_in["X-Frame-Options"] == "DENY", path


def test_the_embedded_booking_page_keeps_the_embed_in_every_link(client, member_event_type):
    """The picker's days and months, and the time zone form, keep ?embed=1, so an invitee
    stays on the frameable variant; the form carries the embed token, not the CSRF one."""
    html = text(client.get(page_url(member_event_type), {"embed": "1", "tz": "Europe/Berlin"}))
    day_links = re.findall(r'class="day[^"]*" href="([^"]+)"', html)
    assert day_links
    assert all("embed=1" in link for link in day_links)
    assert '<input type="hidden" name="embed" value="1">' in html
    assert 'name="embed_token"' in html
    assert "csrfmiddlewaretoken" not in html


def test_an_embedded_booking_needs_no_csrf_cookie_but_its_token(member_event_type):
    """In a third-party iframe the browser sends no SameSite=Lax CSRF cookie: the embed's
    booking POST books with the form's token alone and goes on to the embed's confirmation.
    Without the token, or with one for another event type, nothing is booked (403)."""
    browser = Client(enforce_csrf_checks=True)
    url = f"{page_url(member_event_type)}?embed=1"
    other = make_event_type(
        member_event_type.organization, member_event_type.host, slug="other", title="Other"
    )
    for token in ("", embed_token(other.id), "garbage"):
        refused = browser.post(url, booking_data(member_event_type, embed_token=token))
        assert refused.status_code == 403
        assert "This form is out of date" in text(refused)
        assert not Booking.objects.exists()
    response = browser.post(
        url, booking_data(member_event_type, embed_token=embed_token(member_event_type.id))
    )
    assert response.status_code == 302, text(response)
    assert re.fullmatch(r"/booked/[^?]+\?embed=1", response["Location"])
    assert Booking.objects.get().invitee_email == "ivy@example.test"


def test_the_plain_booking_page_still_needs_the_csrf_cookie(member_event_type):
    """Outside the embed, a booking POST without Django's CSRF cookie and token is refused
    and books nothing, even with an embed token."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        page_url(member_event_type),
        booking_data(member_event_type, embed_token=embed_token(member_event_type.id)),
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_an_operator_can_name_the_sites_that_may_embed(client, member_event_type, settings):
    """SLOTLINK_EMBED_FRAME_ANCESTORS narrows who may frame the embed variant (any site by
    default) to the sites it names; the plain public page keeps its own rule."""
    settings.EMBED_FRAME_ANCESTORS = ["https://shop.example.com", "https://*.example.org"]
    embedded = client.get(page_url(member_event_type), {"embed": "1"})
    assert policy_of(embedded)["frame-ancestors"] == [
        "https://shop.example.com",
        "https://*.example.org",
    ]
    assert "X-Frame-Options" not in embedded
    assert policy_of(client.get(page_url(member_event_type)))["frame-ancestors"] == ["'self'"]
