"""A session's webinar changed in Zoom, as its meetings are treated (test_drift.py): echoes of
slotlink's own changes cost nothing; a webinar removed or moved in Zoom shows on every
booking of the session for the host, with the way back, and the host is told once; the
invitee sees nothing of it; the hourly reconcile covers webinars too."""

from __future__ import annotations

from datetime import timedelta
from html import escape

import httpx
import pytest
from django.core import mail
from django.test import Client

from slotlink.conferencing.seam import LinkStatus
from slotlink.scheduling.views.public import confirmation_url
from slotlink.zoom.meetings.reconcile import zoom_user_reconcile, zoom_users_due
from slotlink.zoom.models import WebhookEvent, ZoomUser, ZoomWebinar
from tests.fixtures.task_queue import queued_tasks
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, next_free_starts
from tests.zoom.meeting_helpers import ZoomHost, cancel, deliver, drain, utc
from tests.zoom.test_webinars import details, webinar_host, webinars

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def host(zoom: ZoomSandbox, organization, member_membership, settings) -> ZoomHost:
    return webinar_host(zoom, organization, member_membership, settings)


def deliver_all(zoom: ZoomSandbox, event: str) -> int:
    """Hand slotlink every `event` the sandbox has sent so far, as Zoom would post them."""
    sent = zoom.webhooks(event)
    for delivery in sent:
        assert deliver(delivery["payload"]) == 204
    return len(sent)


def host_notices() -> list[list[str]]:
    return [m.to for m in mail.outbox if "needs your attention" in m.subject]


def session_of_two(zoom: ZoomSandbox, host: ZoomHost):
    start = next_free_starts(host.event_type)[0]
    first = book(host.event_type, start, name="Ivy One", email="ivy1@example.test")
    second = book(host.event_type, start, name="Ivy Two", email="ivy2@example.test")
    drain()
    (webinar,) = webinars(zoom, host.zoom_user)
    return first, second, webinar


def test_echoes_of_slotlinks_own_webinar_changes_cost_nothing(zoom: ZoomSandbox, host):
    """Zoom's webinar.created, webinar.updated and webinar.deleted for slotlink's own create,
    move (a session wanted again) and delete are recognised as they arrive: no task, no
    Zoom call, no email, no change; each is stored as handled."""
    booking = book(host.event_type)
    drain()
    cancel(booking)
    again = book(host.event_type, booking.start, email="again@example.test")  # wanted again
    drain()
    calls, emails = len(zoom.requests(path_prefix="/v2/")), len(mail.outbox)
    row = ZoomWebinar.objects.values().get()
    assert [deliver_all(zoom, "webinar.created"), deliver_all(zoom, "webinar.updated")] == [1, 1]
    assert queued_tasks() == []
    assert drain() == 0
    assert ZoomWebinar.objects.values().get() == row
    assert (len(zoom.requests(path_prefix="/v2/")), len(mail.outbox)) == (calls, emails)
    cancel(again)
    drain()
    calls, emails = len(zoom.requests(path_prefix="/v2/")), len(mail.outbox)
    row = ZoomWebinar.objects.values().get()
    assert deliver_all(zoom, "webinar.deleted") == 1
    assert queued_tasks() == []
    assert drain() == 0
    assert ZoomWebinar.objects.values().get() == row
    assert (len(zoom.requests(path_prefix="/v2/")), len(mail.outbox)) == (calls, emails)
    results = list(WebhookEvent.objects.order_by("id").values_list("event", "result"))
    assert [event for event, _ in results] == [
        "webinar.created",
        "webinar.updated",
        "webinar.deleted",
    ]
    assert all("echo" in result for _, result in results), results
    assert not WebhookEvent.objects.filter(handled_at__isnull=True).exists()


def test_a_webinar_removed_in_zoom_shows_on_every_booking_and_can_be_recreated(
    zoom: ZoomSandbox, host, member_client
):
    """Deleted in Zoom: every booking of the session says so to the host, with Recreate
    webinar; the host is told once; nothing is recreated on its own and the invitee reads
    no reason. Recreate makes a new webinar, registers each invitee again and emails each
    their new link."""
    first, second, old = session_of_two(zoom, host)
    zoom.delete_webinar_in_zoom(old["id"])
    assert deliver_all(zoom, "webinar.deleted") == 1
    drain()
    for booking in (first, second):
        shown = details(booking)
        assert shown.status == LinkStatus.UNAVAILABLE
        assert shown.reason == (
            "The Zoom webinar was removed in Zoom, so this booking has no working link."
        )
        assert shown.action is not None
        assert shown.action.label == "Recreate webinar"
    assert host_notices() == [[host.user.email]]
    assert webinars(zoom, host.zoom_user) == []
    page = Client().get(confirmation_url(first)).content.decode()
    assert "removed in Zoom" not in page
    assert "Recreate" not in page
    assert zoom_user_reconcile(zoom_user_id=host.connection.zoom_user_id) == 0
    drain()
    assert host_notices() == [[host.user.email]]  # the reconcile finds it again: no 2nd email
    mail.outbox.clear()
    response = member_client.post(shown.action.url, {"next": f"/360/bookings/{first.id}"})
    assert response.status_code == 302
    drain()
    (new,) = webinars(zoom, host.zoom_user)
    assert new["id"] != old["id"]
    assert new["start_time"] == utc(first.start)
    registered = {r["email"]: r["join_url"] for r in zoom.registrants(new["id"])}
    assert set(registered) == {"ivy1@example.test", "ivy2@example.test"}
    for booking in (first, second):
        shown = details(booking)
        assert (shown.status, shown.reason) == (LinkStatus.READY, "")
        assert shown.join_url == registered[booking.invitee_email]
        told = [m.body for m in mail.outbox if booking.invitee_email in m.to[0]]
        assert [registered[booking.invitee_email] in body for body in told] == [True], told


def test_a_webinar_moved_in_zoom_shows_and_can_be_moved_back(
    zoom: ZoomSandbox, host, member_client
):
    """The host moves the webinar in Zoom: each booking of the session says "moved in Zoom
    to ..." with Move it back, the host is told once, the invitee keeps their link and reads
    no reason; Move it back PATCHes it to the session's time, keeping every link."""
    first, second, webinar = session_of_two(zoom, host)
    links = {b.id: details(b).join_url for b in (first, second)}
    moved_to = first.start + timedelta(hours=1)
    zoom.move_webinar_in_zoom(webinar["id"], start_time=utc(moved_to))
    deliver_all(zoom, "webinar.updated")
    drain()
    for booking in (first, second):
        shown = details(booking)
        assert shown.reason.startswith("The Zoom webinar was moved in Zoom to ")
        # In the host's zone (UTC here), on their clock, written as every time names it.
        assert f"{moved_to:%H:%M} (UTC)" in shown.reason
        assert shown.action is not None
        assert shown.action.label == "Move it back"
        assert shown.join_url == links[booking.id]
    assert host_notices() == [[host.user.email]]
    page = Client().get(confirmation_url(second)).content.decode()
    assert escape(links[second.id]) in page
    assert "moved in Zoom" not in page
    response = member_client.post(shown.action.url)
    assert response.status_code == 302
    drain()
    (back,) = webinars(zoom, host.zoom_user)
    assert back["id"] == webinar["id"]
    assert back["start_time"] == utc(first.start)
    assert {b.id: details(b).join_url for b in (first, second)} == links
    assert details(first).reason == ""
    deliver_all(zoom, "webinar.updated")  # the move back's echo, and the first move again
    drain()
    assert host_notices() == [[host.user.email]]


def test_the_hourly_reconcile_covers_webinars(zoom: ZoomSandbox, host):
    """With the webhook lost, one list call of the account's webinars finds the one removed
    in Zoom; a webinar slotlink made that no session wants (its marker in the agenda) is
    deleted; a webinar slotlink did not make is left alone."""
    starts = next_free_starts(host.event_type, 3)
    kept, removed = book(host.event_type, starts[0]), book(host.event_type, starts[2])
    drain()
    by_start = {w["start_time"]: w for w in webinars(zoom, host.zoom_user)}
    zoom.delete_webinar_in_zoom(by_start[utc(removed.start)]["id"])  # its event never arrives
    token = ZoomUser.objects.get().access_token
    for topic, agenda in (("lost", "slotlink-ref:0123456789abcdef"), ("the host's", "")):
        httpx.post(
            f"{zoom.api_base_url}/users/me/webinars",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "topic": topic,
                "type": 5,
                "start_time": "2030-01-01T10:00:00Z",
                "agenda": agenda,
            },
        ).raise_for_status()
    zoom.control.delete("/requests")
    assert zoom_users_due() == [host.connection.zoom_user_id]
    assert zoom_user_reconcile(zoom_user_id=host.connection.zoom_user_id) == 1
    assert "removed in Zoom" in details(removed).reason
    assert details(kept).reason == ""
    remaining = {w["topic"] for w in webinars(zoom, host.zoom_user)}
    assert remaining == {host.event_type.title, "the host's"}
    assert len(zoom.requests(method="GET", path="/v2/users/me/webinars")) == 1
    drain()
    assert host_notices() == [[host.user.email]]


def test_a_booking_on_a_webinar_gone_from_zoom_gets_no_dead_link(zoom: ZoomSandbox, host):
    """Zoom's event lost, the webinar deleted in Zoom: the next booking's registration finds
    it gone (404). The session is recorded as removed in Zoom on every booking, with
    Recreate webinar, the host is told once, and the new invitee's confirmation goes
    without a link rather than waiting for one that cannot come."""
    start = next_free_starts(host.event_type)[0]
    first = book(host.event_type, start, email="ivy1@example.test")
    drain()
    (webinar,) = webinars(zoom, host.zoom_user)
    zoom.delete_webinar_in_zoom(webinar["id"])  # its event never arrives
    second = book(host.event_type, start, email="ivy2@example.test")
    drain()
    for booking in (first, second):
        shown = details(booking)
        assert shown.status == LinkStatus.UNAVAILABLE
        assert shown.action is not None
        assert shown.action.label == "Recreate webinar"
    assert host_notices() == [[host.user.email]]
    confirmations = [m for m in mail.outbox if m.to[0].endswith("ivy2@example.test>")]
    assert len(confirmations) == 1, [m.to for m in mail.outbox]
    third = book(host.event_type, start, email="ivy3@example.test")
    drain()
    assert details(third).action == details(first).action
    assert host_notices() == [[host.user.email]]


def test_a_session_wanted_again_moves_its_webinar_back_and_stops_saying_it_moved(
    zoom: ZoomSandbox, host
):
    """Moved in Zoom, then every booking cancelled and a new one made before the webinar
    was deleted: the session wants its webinar at its own time again, so the sync moves it
    back, and the bookings no longer say it was moved."""
    first = book(host.event_type, email="ivy1@example.test")
    drain()
    (webinar,) = webinars(zoom, host.zoom_user)
    zoom.move_webinar_in_zoom(webinar["id"], start_time=utc(first.start + timedelta(hours=1)))
    deliver_all(zoom, "webinar.updated")
    drain(only="webhook_event_handle")
    cancel(first)
    again = book(host.event_type, first.start, email="ivy2@example.test")
    drain()
    (back,) = webinars(zoom, host.zoom_user)
    assert (back["id"], back["start_time"]) == (webinar["id"], utc(first.start))
    assert details(again).reason == ""
