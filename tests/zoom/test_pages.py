"""The Integrations card, the Zoom page, its Rollout card, the sync log, and who may see
and do what on every Zoom URL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from slotlink.accounts.models import Membership
from slotlink.zoom.models import SyncLogEntry, ZoomConnection, ZoomRollout, ZoomUser
from slotlink.zoom.synclog import CallContext, sync_log_record
from tests.factories import make_member, make_organization
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.zoom.factories import connected

pytestmark = pytest.mark.django_db


Z = "/360/integrations/zoom"
# 8:30:15 PM on Mon 7 Dec in New York.
LATE_EVENING_IN_NEW_YORK = datetime(2026, 12, 8, 1, 30, 15, tzinfo=UTC)


def html_of(response) -> str:
    return response.content.decode()


def test_members_see_no_zoom_until_an_admin_enables_it(member_client, admin_client):
    """Zoom is hidden from members until enabled; the admin's Integrations page offers the
    switch itself, so no admin is sent to "ask your admin"."""
    member_html = html_of(member_client.get("/360/integrations"))
    assert "Zoom appears here once an organization admin has enabled it." in member_html
    assert "Connect Zoom" not in member_html
    admin_html = html_of(admin_client.get("/360/integrations"))
    assert "Enable Zoom for this organization" in admin_html
    enabled = admin_client.post(f"{Z}/enable")
    assert enabled["Location"] == "/360/integrations"
    assert ZoomRollout.objects.get().enabled
    member_html = html_of(member_client.get("/360/integrations"))
    assert "Connect Zoom" in member_html
    assert "Settings" in member_html


def test_zoom_cannot_be_turned_on_before_the_operator_sets_the_zoom_app(admin_client, settings):
    """An install started without its Zoom app's settings (production allows it while Zoom
    is off everywhere) tells the admin what the operator must set, on the Zoom page and when
    either switch is tried; Zoom stays off."""
    settings.ZOOM_CLIENT_ID = ""
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = ""
    page = html_of(admin_client.get(Z))
    assert "must first set ZOOM_CLIENT_ID, ZOOM_WEBHOOK_SECRET_TOKEN" in page
    for url, data in [(f"{Z}/enable", {}), (f"{Z}/rollout", {"enabled": "on"})]:
        shown = html_of(admin_client.post(url, data, follow=True))
        assert "Zoom can&#x27;t be turned on yet" in shown
        assert "ZOOM_CLIENT_ID, ZOOM_WEBHOOK_SECRET_TOKEN" in shown
    assert not ZoomRollout.objects.filter(enabled=True).exists()
    settings.ZOOM_CLIENT_ID = "client-id"
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = "secret"
    assert "must first set" not in html_of(admin_client.get(Z))
    admin_client.post(f"{Z}/enable")
    assert ZoomRollout.objects.get().enabled


def test_admins_have_two_connect_buttons_and_members_one(zoom_on, member_client, admin_client):
    """Members see Connect Zoom; admins see Connect my Zoom and Add shared org account."""
    member_html = html_of(member_client.get("/360/integrations"))
    assert "Connect Zoom</button>" in member_html
    assert "Add shared org account" not in member_html
    admin_html = html_of(admin_client.get("/360/integrations"))
    assert "Connect my Zoom</button>" in admin_html
    assert "Add shared org account</button>" in admin_html


def test_a_coworker_never_sees_another_members_zoom(
    zoom: ZoomSandbox, zoom_on, organization, member_membership, member_client, admin_client
):
    """A member's Zoom page shows their own connection only; admins see members' too."""
    other = make_member(organization, full_name="Olga Other")
    connected(zoom, other, email="olga@zoom.test")
    connected(zoom, member_membership, email="max@zoom.test")
    member_html = html_of(member_client.get(f"{Z}"))
    assert "max@zoom.test" in member_html
    assert "olga@zoom.test" not in member_html
    admin_html = html_of(admin_client.get(f"{Z}"))
    assert "max@zoom.test" in admin_html
    assert "olga@zoom.test" in admin_html


def test_a_broken_connection_shows_its_badge_reason_and_reconnect(
    zoom: ZoomSandbox, zoom_on, member_membership, member_client
):
    """Connection broken, the last error in words, and a Reconnect button."""
    connected(zoom, member_membership, email="max@zoom.test")
    ZoomUser.objects.update(
        status="broken", last_error="Zoom no longer accepts slotlink's authorization."
    )
    html = html_of(member_client.get(f"{Z}"))
    assert "Connection broken" in html
    assert "Zoom no longer accepts slotlink&#x27;s authorization." in html
    assert "Reconnect</button>" in html


def test_missing_scopes_are_named_with_what_they_stop(
    zoom: ZoomSandbox, zoom_on, member_membership, member_client
):
    """When Zoom granted fewer scopes than slotlink asks for, the card says which and what
    each one stops working."""
    connected(zoom, member_membership)
    ZoomUser.objects.update(scopes="user:read:user meeting:write:meeting")
    html = html_of(member_client.get("/360/integrations"))
    assert "meeting:delete:meeting" in html
    assert "remove a booking&#x27;s Zoom meeting when it is cancelled" in html


def test_the_rollout_card_saves_the_three_switches_and_the_default_account(
    zoom: ZoomSandbox, zoom_on, admin_membership, admin_client, member_client
):
    """Admins switch routing and webinars and pick a Default Zoom account among the org
    accounts; members never see the Rollout card."""
    _first, _ = connected(zoom, admin_membership, role="org", email="first@zoom.test")
    second, _ = connected(zoom, admin_membership, role="org", email="second@zoom.test")
    assert "Rollout" not in html_of(member_client.get(f"{Z}"))
    response = admin_client.post(
        f"{Z}/rollout",
        {
            "enabled": "on",
            "multi_account_routing": "on",
            "webinars_enabled": "on",
            "default_connection": second.id,
        },
    )
    assert response["Location"] == f"{Z}"
    rollout = ZoomRollout.objects.get()
    assert (rollout.enabled, rollout.multi_account_routing, rollout.webinars_enabled) == (
        True,
        True,
        True,
    )
    assert rollout.default_connection == second
    html = html_of(admin_client.get(f"{Z}"))
    assert "Default Zoom account" in html
    assert "second@zoom.test" in html


def test_another_organizations_account_cannot_be_the_default(
    zoom: ZoomSandbox, zoom_on, admin_client
):
    """A forged default from another organization is refused and changes nothing."""
    other_admin = make_member(make_organization(), role=Membership.Role.ADMIN)
    foreign, _ = connected(zoom, other_admin, role="org")
    response = admin_client.post(
        f"{Z}/rollout",
        {"enabled": "on", "multi_account_routing": "on", "default_connection": foreign.id},
    )
    assert response.status_code == 302
    assert "not saved" in html_of(admin_client.get(response["Location"]))
    assert ZoomRollout.objects.get(organization=zoom_on.organization).default_connection is None


def test_the_sync_log_filters_and_pages_newest_first(zoom_on, admin_client, organization):
    """View sync log: newest first, filtered by action, outcome and booking, 50 a page."""
    context = CallContext(organization_id=organization.id, zoom_user_id="z1", zoom_email="z@x")
    for n in range(60):
        sync_log_record(
            context=CallContext(**{**context.__dict__, "booking_id": n % 3 or None}),
            action="meeting.create" if n % 2 else "token.refresh",
            outcome="ok" if n % 5 else "rate_limited",
            message=f"entry {n}",
        )
    html = html_of(admin_client.get(f"{Z}/sync-log"))
    assert html.index("entry 59") < html.index("entry 58")
    assert "entry 9<" not in html
    assert "Older →" in html
    older = html_of(
        admin_client.get(f"{Z}/sync-log?before={SyncLogEntry.objects.order_by('-id')[49].id}")
    )
    assert "entry 9<" in older
    filtered = html_of(admin_client.get(f"{Z}/sync-log?outcome=rate_limited&action=token.refresh"))
    assert "entry 50<" in filtered
    assert "entry 55<" not in filtered  # odd: meeting.create
    by_booking = html_of(admin_client.get(f"{Z}/sync-log?booking=2"))
    assert "entry 59<" in by_booking
    assert "entry 58<" not in by_booking


def test_a_bad_sync_log_filter_gets_a_clear_error(zoom_on, admin_client):
    response = admin_client.get(f"{Z}/sync-log?booking=abc")
    assert response.status_code == 400
    assert "Booking" in html_of(response)


def test_the_sync_log_reads_in_the_viewers_zone_on_their_clock(
    zoom_on, admin_client, admin_membership, organization
):
    """An admin in New York on a 12-hour clock reads each entry's time there (01:30:15 UTC
    is 8:30:15 PM the evening before), under a header naming the zone; the page's
    `before=` cursor stays an entry id."""
    admin_membership.user.time_zone = "America/New_York"
    admin_membership.user.time_format = "12"
    admin_membership.user.save()
    entry = sync_log_record(
        context=CallContext(organization_id=organization.id, zoom_email="z@x"),
        action="meeting.create",
        outcome="ok",
    )
    SyncLogEntry.objects.filter(id=entry.id).update(at=LATE_EVENING_IN_NEW_YORK)
    html = html_of(admin_client.get(f"{Z}/sync-log"))
    assert "When (America/New_York)" in html
    assert "2026-12-07, 8:30:15 PM" in html
    assert "1:30:15" not in html
    assert "(UTC)" not in html


@pytest.fixture
def walk(zoom: ZoomSandbox, zoom_on, organization, admin_membership, member_membership):
    """Org A with a member's own Zoom and an org account, and an admin of org B."""
    personal, _ = connected(zoom, member_membership, email="max@zoom.test")
    shared, _ = connected(zoom, admin_membership, role="org", email="shared@zoom.test")
    sync_log_record(
        context=CallContext(organization_id=organization.id, zoom_email="shared@zoom.test"),
        action="token.refresh",
        outcome="ok",
        message="org A's secret doings",
    )
    other_admin = make_member(make_organization(), role=Membership.Role.ADMIN)
    ZoomRollout.objects.create(organization=other_admin.organization, enabled=True)
    people = {"anonymous": Client()}
    for name, membership in [
        ("member", member_membership),
        ("admin", admin_membership),
        ("other", other_admin),
    ]:
        people[name] = Client()
        people[name].force_login(membership.user)
    return people, personal, shared


def test_every_zoom_url_answers_each_kind_of_visitor_as_it_should(walk):
    """Anonymous visitors sign in first; members can't touch org accounts, the rollout or
    the sync log; an admin of another organization sees and changes nothing of this one."""
    people, personal, shared = walk
    signin = "signin"
    shared_url, personal_url = f"{Z}/connections/{shared.id}", f"{Z}/connections/{personal.id}"
    cases = [
        ("get", f"{Z}", {"member": 200, "admin": 200, "other": 200}),
        ("post", f"{Z}/enable", {"member": 403, "admin": 302, "other": 302}),
        ("post", f"{Z}/rollout?keep=on", {"member": 403, "admin": 302, "other": 302}),
        ("get", f"{Z}/sync-log", {"member": 403, "admin": 200, "other": 200}),
        ("get", f"{Z}/cannot-authorize", {"member": 200, "admin": 200, "other": 200}),
        ("get", f"{Z}/callback?code=c&state=s", {"member": 400, "admin": 400, "other": 400}),
        ("get", f"{Z}/confirm/999", {"member": 400, "admin": 400, "other": 400}),
        ("post", f"{shared_url}/reconnect", {"member": 404, "other": 404}),
        ("get", f"{shared_url}/disconnect", {"member": 404, "admin": 200, "other": 404}),
        ("post", f"{shared_url}/disconnect", {"member": 404, "other": 404}),
        ("post", f"{personal_url}/disconnect", {"other": 404}),
        ("post", f"{personal_url}/reconnect", {"admin": 400, "other": 404}),
    ]  # fmt: skip
    for method, url, expected in cases:
        data = {"enabled": "on"} if "keep=on" in url else {}
        anonymous = getattr(people["anonymous"], method)(url, data)
        assert anonymous.status_code == 302, url
        assert signin in anonymous["Location"], url
        for who, status in expected.items():
            response = getattr(people[who], method)(url, data)
            assert response.status_code == status, (who, method, url, response.status_code)
            if who == "other":
                body = response.content.decode()
                assert "max@zoom.test" not in body, url
                assert "shared@zoom.test" not in body, url
                assert "secret doings" not in body, url
    assert ZoomConnection.objects.filter(organization=personal.organization).count() == 2
    assert ZoomRollout.objects.get(organization=personal.organization).enabled
    assert (
        Client().post("/zoom/webhook", data=b"{}", content_type="application/json").status_code
        == 401
    )
