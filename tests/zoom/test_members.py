"""Zoom on the members page (connected, broken, none) and when a member is removed (their
own Zoom revoked at Zoom and deleted; org accounts they added pass to the admin)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from slotlink.accounts.models import Membership
from slotlink.zoom.connections import zoom_user_break
from slotlink.zoom.models import ZoomConnection, ZoomRollout, ZoomUser
from tests.factories import make_member
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import drain, meeting_of, sandbox_meetings, zoom_event_type

pytestmark = pytest.mark.django_db


def member_rows(admin_client) -> dict[str, str]:
    """Each member's row of the members page, by email."""
    page = admin_client.get("/360/members").content.decode()
    rows = page.split("<tr>")[2:]
    return {row.split("<td><bdi>")[2].split("</bdi></td>")[0]: row for row in rows}


def queries_for_members_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/360/members").status_code == 200
    return len(queries)


def test_admins_see_each_members_zoom_status(
    zoom: ZoomSandbox, organization, admin_client, admin_membership
):
    """Connected (with the Zoom email), Connection broken (with why), or none, each with
    what really happens to their Zoom bookings under the organization's settings: nothing
    while Zoom is off, no meeting while no org account is connected, else the org account
    the routing picks; a constant number of queries for every member's Zoom."""
    connected_member = make_member(organization, email="cora@acme.test")
    broken_member = make_member(organization, email="bo@acme.test")
    make_member(organization, email="nell@acme.test")
    connected(zoom, connected_member, email="cora@zoom.test")
    broken, _ = connected(zoom, broken_member, email="bo@zoom.test")
    zoom_user_break(zoom_user=broken.zoom_user, reason="The app was removed in Zoom.")
    assert not ZoomRollout.objects.exists()  # an admin never turned Zoom on
    rows = member_rows(admin_client)
    off = "Zoom is off for the organization: their bookings get no Zoom meeting."
    assert all(off in row for row in rows.values())
    assert "Connected" in rows["cora@acme.test"]
    assert "Connection broken" in rows["bo@acme.test"]

    ZoomRollout.objects.create(organization=organization, enabled=True)
    rows = member_rows(admin_client)
    assert "cora@zoom.test: their Zoom bookings are made on it." in rows["cora@acme.test"]
    nowhere = "get no Zoom meeting, since no shared org account is connected"
    assert "The app was removed in Zoom." in rows["bo@acme.test"]
    assert f"Until it is reconnected, their Zoom bookings {nowhere}." in rows["bo@acme.test"]
    assert "None" in rows["nell@acme.test"]
    assert f"No own Zoom: their Zoom bookings {nowhere}." in rows["nell@acme.test"]

    connected(zoom, admin_membership, role="org", email="shared@zoom.test")
    rows = member_rows(admin_client)
    shared = "their Zoom bookings use the org account shared@zoom.test"
    assert f"No own Zoom: {shared}." in rows["nell@acme.test"]
    assert f"Until it is reconnected, {shared}." in rows["bo@acme.test"]
    assert shared not in rows["cora@acme.test"]
    before = queries_for_members_page(admin_client)
    for n in range(5):
        extra = make_member(organization, email=f"extra{n}@acme.test")
        connected(zoom, extra, email=f"e{n}@zoom.test")
    assert queries_for_members_page(admin_client) == before  # not one per member


def test_removing_a_member_revokes_their_zoom_at_zoom_and_deletes_it(
    zoom: ZoomSandbox,
    organization,
    admin_client,
    admin_membership,
    django_capture_on_commit_callbacks,
):
    """Their own Zoom is revoked at Zoom and its tokens deleted after the removal (by the
    worker); a shared org account they added stays, now owned by the admin who removed
    them."""
    leaver = make_member(organization, role=Membership.Role.ADMIN, email="lea@acme.test")
    personal, zoom_user = connected(zoom, leaver, email="lea@zoom.test")
    shared, _ = connected(zoom, leaver, role="org", email="rooms@zoom.test")
    page = admin_client.get(f"/360/members/{leaver.id}/remove").content.decode()
    assert "Their own Zoom (lea@zoom.test) is disconnected" in page
    assert "The shared org Zoom account rooms@zoom.test they added stays" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(f"/360/members/{leaver.id}/remove").status_code == 302
    assert drain() >= 1
    assert not ZoomConnection.objects.filter(pk=personal.pk).exists()
    assert not ZoomUser.objects.filter(zoom_user_id=zoom_user["id"]).exists()
    assert len(zoom.requests(method="POST", path="/oauth/revoke")) == 1
    authorized = zoom.control.get(f"/users/{zoom_user['id']}").json()["authorized_apps"]
    assert zoom.app()["client_id"] not in authorized
    shared.refresh_from_db()
    assert shared.owner == admin_membership.user


def test_a_failed_removal_keeps_their_zoom(
    zoom: ZoomSandbox,
    organization,
    admin_client,
    admin_membership,
    django_capture_on_commit_callbacks,
):
    """When the removal is refused (the last admin), their Zoom stays connected and Zoom
    is not called."""
    personal, _ = connected(zoom, admin_membership, email="ada@zoom.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/360/members/{admin_membership.id}/remove")
    assert response.status_code == 200
    assert ZoomConnection.objects.filter(pk=personal.pk).exists()
    assert not zoom.requests(method="POST", path="/oauth/revoke")


def test_their_cancelled_bookings_meetings_are_deleted_before_their_zoom_is_revoked(
    host, zoom: ZoomSandbox, organization, admin_client, django_capture_on_commit_callbacks
):
    """A cancelled booking's meeting needs their Zoom to be removed from it: it is deleted
    in Zoom first, and only then is their Zoom revoked and deleted."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(host.event_type)
    drain()
    assert len(sandbox_meetings(zoom, host.zoom_user)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/360/members/{host.membership.id}/remove", {f"booking_{booking.id}": "cancel"}
        )
    assert response.status_code == 302
    drain()
    assert sandbox_meetings(zoom, host.zoom_user) == []
    assert meeting_of(booking).zoom_meeting_id is None
    assert not ZoomConnection.objects.filter(pk=host.connection.pk).exists()
    calls = [(r["method"], r["path"]) for r in zoom.requests()]
    deleted = next(
        n for n, (method, path) in enumerate(calls) if method == "DELETE" and "/meetings/" in path
    )
    assert deleted < calls.index(("POST", "/oauth/revoke"))


def test_a_booking_given_to_another_host_moves_to_their_zoom(
    host, zoom: ZoomSandbox, admin_membership, admin_client, django_capture_on_commit_callbacks
):
    """A booking of the departing member that goes to the admin leaves the member's Zoom
    (deleted there, before their Zoom is revoked) and gets a meeting on the account the
    admin's bookings use, here the shared org account."""
    connected(zoom, admin_membership, role="org", email="rooms@zoom.test")
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(host.event_type)
    drain()
    old_link = meeting_of(booking).join_url
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/360/members/{host.membership.id}/remove",
            {f"booking_{booking.id}": str(admin_membership.user_id)},
        )
    assert response.status_code == 302
    drain()
    assert sandbox_meetings(zoom, host.zoom_user) == []
    moved = meeting_of(booking)
    assert moved.connection.zoom_user.email == "rooms@zoom.test"
    assert moved.join_url
    assert moved.join_url != old_link
    assert moved.host_id == admin_membership.user_id
    assert not ZoomConnection.objects.filter(pk=host.connection.pk).exists()


def test_a_booking_given_to_a_host_on_the_same_zoom_account_keeps_its_link(
    zoom: ZoomSandbox,
    organization,
    admin_membership,
    member_membership,
    admin_client,
    django_capture_on_commit_callbacks,
):
    """When both hosts' bookings use the shared org account, the meeting and its link stay."""
    ZoomRollout.objects.create(organization=organization, enabled=True)
    connected(zoom, admin_membership, role="org", email="rooms@zoom.test")
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(zoom_event_type(member_membership))
    drain()
    before = meeting_of(booking)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/360/members/{member_membership.id}/remove",
            {f"booking_{booking.id}": str(admin_membership.user_id)},
        )
    drain()
    after = meeting_of(booking)
    assert (after.id, after.join_url) == (before.id, before.join_url)
    assert after.host_id == admin_membership.user_id
    assert not [r for r in zoom.requests() if r["method"] == "DELETE"]
