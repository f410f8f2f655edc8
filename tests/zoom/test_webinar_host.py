"""The host of a Zoom webinar session, through the sandbox over real HTTP: the host never
sees or is sent an invitee's personal join link (booking page, bookings list, emails and
their invites), the host's emails name the webinar, and "Start webinar as host" asks Zoom
for its start link on each click, for the booking's host only, keeps it nowhere, and says
plainly why when Zoom can't give one."""

from __future__ import annotations

import io
import logging
from html import unescape

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from slotlink.scheduling.models import Booking
from slotlink.zoom.models import ZoomRegistrant, ZoomWebinar
from tests.factories import make_member
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.ports import free_port
from tests.scheduling.builders import book, next_free_starts
from tests.zoom.meeting_helpers import ZoomHost, drain
from tests.zoom.test_webinars import host  # noqa: F401 - the webinar host fixture

pytestmark = pytest.mark.django_db(transaction=True)
START = "Start webinar as host"


def booked(host: ZoomHost) -> list[Booking]:  # noqa: F811
    """Two invitees in one session, registered in Zoom, their emails sent."""
    start = next_free_starts(host.event_type)[0]
    bookings = [
        book(host.event_type, start, name=f"{name} Invitee", email=f"{name.lower()}@example.test")
        for name in ("Ann", "Ben")
    ]
    drain()
    return bookings


def personal_links() -> list[str]:
    links = list(ZoomRegistrant.objects.values_list("join_url", flat=True))
    assert len(links) == 2
    assert all(links)
    return links


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return unescape(response.content.decode())


def wire(email) -> str:
    """An email as it goes to the mail server: its text, HTML and invite."""
    return email.message().as_string()


def start(client: Client, booking: Booking):
    return client.post(f"/360/bookings/{booking.id}/start")


def webinar_gets(zoom: ZoomSandbox) -> int:
    """How many times Zoom answered slotlink's GET of the session's webinar."""
    (webinar,) = ZoomWebinar.objects.all()
    asked = zoom.requests(method="GET", path=f"/v2/webinars/{webinar.zoom_webinar_id}")
    return len([r for r in asked if r["status"] == 200])


def test_the_hosts_pages_show_no_personal_link_and_offer_to_start_as_host(
    zoom: ZoomSandbox,
    host: ZoomHost,  # noqa: F811
    member_client: Client,
    admin_client: Client,
) -> None:
    """The booking's page and the bookings list show the host no invitee's join link (it
    would join as that invitee); the booking's page offers its host "Start webinar as
    host". An admin reading the page sees no link and no button: only the host starts it."""
    ann, ben = booked(host)
    links = personal_links()
    for booking in (ann, ben):
        detail = page(member_client, f"/360/bookings/{booking.id}")
        assert "Zoom webinar" in detail
        assert not [link for link in links if link in detail]
        assert "?tk=" not in detail
        assert START in detail
        assert "Each invitee has a join link of their own, sent to them only." in detail
    listing = page(member_client, "/360/bookings")
    assert "Ann Invitee" in listing
    assert "Ben Invitee" in listing
    assert not [link for link in links if link in listing]
    assert "Join link" not in listing

    as_admin = page(admin_client, f"/360/bookings/{ann.id}")
    assert "Ann Invitee" in as_admin
    assert not [link for link in links if link in as_admin]
    assert START not in as_admin


def test_the_hosts_emails_name_the_webinar_and_carry_no_personal_link(
    zoom: ZoomSandbox,
    host: ZoomHost,  # noqa: F811
    settings,
) -> None:
    """Each host email about a seat names the webinar and its session and who registered,
    and points to the booking's page to start it as host; no part of it (text, HTML,
    invite) carries an invitee's personal link, which each invitee's own email does."""
    ann, ben = booked(host)
    links = dict(ZoomRegistrant.objects.values_list("booking_id", "join_url"))
    for booking in (ann, ben):
        to_invitee = [e for e in mail.outbox if booking.invitee_email in e.to[0]]
        assert links[booking.id] in to_invitee[-1].body
    to_host = [e for e in mail.outbox if host.user.email in e.to[0]]
    # Booked, then (the link came after the confirmation's bound) registered in Zoom.
    assert len(to_host) == 4
    for email in to_host:
        assert not [link for link in links.values() if link in wire(email)]
        assert "/w/" not in wire(email)
        assert " with " not in email.subject
        assert "link will follow" not in email.body
    for booking in (ann, ben):
        name = booking.invitee_name
        booked_email, registered = [e for e in to_host if e.subject.endswith(f", {name}")]
        assert booked_email.subject.startswith(
            "New registration: Product webinar (Zoom webinar) on "
        )
        assert f"{name} registered for your Zoom webinar “Product webinar”." in booked_email.body
        assert (
            f"{START}: on the booking's page, {settings.BASE_URL}/360/bookings/{booking.id}"
            in booked_email.body
        )
        assert "Each invitee gets a join link of their own, sent to them only." in (
            booked_email.body
        )
        assert registered.subject.startswith("Registered: Product webinar (Zoom webinar) on ")
        assert (
            f"{name} has their personal link to your Zoom webinar “Product webinar”; it went "
            "to them only." in registered.body
        )


def test_each_start_asks_zoom_afresh_and_the_link_is_kept_nowhere(
    zoom: ZoomSandbox,
    host: ZoomHost,  # noqa: F811
    member_client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every click on "Start webinar as host" asks Zoom (GET /webinars/{id}) for the start
    link and sends the browser there (303, not cached), so a click after the link Zoom gave
    out expired (two hours, by the sandbox's clock) still starts the webinar; the link,
    which signs its bearer in as the host, is in no database row, log line or email."""
    (ann, _) = booked(host)
    caplog.set_level(logging.DEBUG)
    asked = webinar_gets(zoom)
    first = start(member_client, ann)
    second = start(member_client, ann)
    assert webinar_gets(zoom) == asked + 2
    (webinar,) = zoom.webinars(host.zoom_user["id"])
    for response in (first, second):
        assert response.status_code == 303
        assert response["Location"] == webinar["start_url"]
        assert "no-store" in response["Cache-Control"]
    token = webinar["start_url"].partition("zak=")[2]
    assert len(token) >= 20

    # Two hours on, the link given out has expired in Zoom (and slotlink's access token
    # too: it is refreshed); the next click gets a new link.
    zoom.advance_clock(2 * 60 * 60)
    later = start(member_client, ann)
    assert later.status_code == 303
    assert later["Location"] != webinar["start_url"]
    assert webinar_gets(zoom) == asked + 3

    tokens = [token, later["Location"].partition("zak=")[2]]
    stored = io.StringIO()
    call_command("dumpdata", stdout=stored)
    assert ann.invitee_email in stored.getvalue()  # the dump holds the bookings
    assert "webinar.get" in stored.getvalue()  # the sync log has the call, not its answer
    assert mail.outbox
    for secret in tokens:
        assert secret not in stored.getvalue()
        assert secret not in caplog.text
        assert not [e for e in mail.outbox if secret in wire(e)]

    # (Last: the test's own visits to Zoom are logged with their links.)
    with zoom.browser() as browser:
        old = browser.get(webinar["start_url"])  # Zoom gave out a new one: this one is dead
        assert old.status_code == 404
        assert "This start link is not valid." in old.text
        assert "<h1>Start webinar</h1>" in browser.get(later["Location"]).text


def test_only_the_bookings_host_may_start_it(
    zoom: ZoomSandbox,
    host: ZoomHost,  # noqa: F811
    organization,
    admin_client: Client,
) -> None:
    """A co-worker gets 404 (the booking isn't theirs to see), an admin who isn't its host
    403, someone signed out the sign-in page; none of them makes slotlink ask Zoom."""
    (ann, _) = booked(host)
    coworker = Client()
    coworker.force_login(make_member(organization, full_name="Cole Coworker").user)
    asked = webinar_gets(zoom)
    assert start(coworker, ann).status_code == 404
    assert start(admin_client, ann).status_code == 403
    signed_out = start(Client(), ann)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith("/signin")
    assert webinar_gets(zoom) == asked


def test_zoom_down_unreachable_or_disconnected_is_said_on_the_page(
    zoom: ZoomSandbox,
    host: ZoomHost,  # noqa: F811
    member_client: Client,
    settings,
) -> None:
    """When Zoom answers 503, can't be reached, or refuses the host's connection, the host
    is back on the booking's page with what happened and what to do, not an error page."""
    (ann, _) = booked(host)

    def started_with_message() -> str:
        response = member_client.post(f"/360/bookings/{ann.id}/start", follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [(f"/360/bookings/{ann.id}", 302)]
        return unescape(response.content.decode())

    zoom.set_faults(outage=True, paths=["/v2/"])
    shown = started_with_message()
    assert "Zoom could not be asked for the start link just now (Service Unavailable)." in shown
    assert "Try again in a moment." in shown
    zoom.clear_faults()

    api = settings.ZOOM_API_BASE_URL
    settings.ZOOM_API_BASE_URL = f"http://127.0.0.1:{free_port()}/v2"
    shown = started_with_message()
    assert "Zoom could not be asked for the start link just now (Zoom could not be reached" in (
        shown
    )
    settings.ZOOM_API_BASE_URL = api

    zoom.revoke_tokens(host.zoom_user["id"])
    shown = started_with_message()
    assert (
        "Zoom refused slotlink's access to hana@zoom.test: reconnect it on the Zoom page, "
        "then start the webinar again." in shown
    )
