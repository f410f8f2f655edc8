"""What changes in Zoom: echoes of slotlink's own changes cost nothing; meetings removed or
moved in Zoom show on the booking, with the way back; the hourly reconcile finds what
webhooks missed and deletes slotlink's orphans."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core import mail

from slotlink.accounts.models import User
from slotlink.core.periodic import periodic_run_due
from slotlink.scheduling.models import Booking
from slotlink.zoom.meetings.reconcile import zoom_user_reconcile
from slotlink.zoom.models import SyncLogEntry, WebhookEvent, ZoomMeeting, ZoomUser
from tests.fixtures.task_queue import queued_tasks
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, next_free_starts
from tests.zoom.meeting_helpers import (
    ZoomHost,
    cancel,
    deliver,
    drain,
    meeting_of,
    reschedule,
    sandbox_meetings,
    utc,
)
from tests.zoom.test_meetings import details

pytestmark = pytest.mark.django_db(transaction=True)


def deliver_all(zoom: ZoomSandbox, event: str) -> None:
    """Hand slotlink every `event` the sandbox has sent so far, as Zoom would post them."""
    for delivery in zoom.webhooks(event):
        assert deliver(delivery["payload"]) == 204


def meeting_moved_in_zoom(zoom: ZoomSandbox, booking: Booking) -> datetime:
    """The host moves the booking's meeting an hour later in Zoom, and Zoom tells slotlink;
    returns where it moved to."""
    meeting = meeting_of(booking)
    moved_to = meeting.start.replace(hour=(meeting.start.hour + 1) % 24)
    zoom.move_meeting_in_zoom(meeting.zoom_meeting_id, start_time=utc(moved_to))
    deliver_all(zoom, "meeting.updated")
    return moved_to


def test_echoes_of_slotlinks_own_changes_cost_nothing(zoom: ZoomSandbox, host: ZoomHost):
    """Zoom's meeting.created, meeting.updated and meeting.deleted for slotlink's own book,
    reschedule and cancel are recognised as they arrive: no Zoom call, no email, no state
    change, and no task; each is recorded as handled."""
    first, later = next_free_starts(host.event_type, 3)[0], next_free_starts(host.event_type, 3)[2]
    booking = book(host.event_type, first)
    drain()
    reschedule(booking, later)
    drain()

    def echo_costs_nothing(event: str) -> None:
        before = ZoomMeeting.objects.values().get()
        calls, emails = len(zoom.requests(path_prefix="/v2/")), len(mail.outbox)
        deliver_all(zoom, event)
        assert queued_tasks() == [], event
        assert drain() == 0, event
        assert ZoomMeeting.objects.values().get() == before, event
        assert (len(zoom.requests(path_prefix="/v2/")), len(mail.outbox)) == (calls, emails), event

    echo_costs_nothing("meeting.created")
    echo_costs_nothing("meeting.updated")
    cancel(booking)
    drain()
    echo_costs_nothing("meeting.deleted")
    results = list(WebhookEvent.objects.order_by("id").values_list("event", "result"))
    assert [event for event, _ in results] == [
        "meeting.created",
        "meeting.updated",
        "meeting.deleted",
    ]
    assert all("echo" in result for _, result in results), results
    assert not WebhookEvent.objects.filter(handled_at__isnull=True).exists()


def test_a_meeting_moved_in_zoom_shows_on_the_booking_and_can_be_moved_back(
    zoom: ZoomSandbox, host: ZoomHost, member_client
):
    """The host moves the meeting in Zoom: the booking says "moved in Zoom to ..." (in the
    host's zone, on the clock they chose, as is the email telling them), the host is told
    once, nothing moves back on its own; Move it back PATCHes it to the booking's time,
    keeping the link."""
    User.objects.filter(pk=host.user.pk).update(time_zone="America/Chicago", time_format="12")
    booking = book(host.event_type)
    drain()
    meeting = meeting_of(booking)
    moved_to = meeting_moved_in_zoom(zoom, booking)
    drain()
    shown = details(booking)
    chicago = moved_to.astimezone(ZoneInfo("America/Chicago"))
    said = f"moved in Zoom to {chicago:%a} {chicago.day} {chicago:%b %Y}, {chicago:%-I:%M %p}"
    assert f"{said} (America/Chicago)." in shown.reason, shown.reason
    (told,) = [m for m in mail.outbox if "attention" in m.subject]
    assert f"{said} (America/Chicago)." in told.body
    assert shown.action is not None
    assert shown.action.label == "Move it back"
    assert [m.to for m in mail.outbox if "attention" in m.subject] == [[host.user.email]]
    (in_zoom,) = sandbox_meetings(zoom, host.zoom_user)
    assert in_zoom["start_time"] == utc(moved_to)
    response = member_client.post(shown.action.url, {"next": f"/360/bookings/{booking.id}"})
    assert response.status_code == 302
    drain()
    (back,) = sandbox_meetings(zoom, host.zoom_user)
    assert back["start_time"] == utc(booking.start)
    assert back["join_url"] == meeting.join_url
    assert details(booking).reason == ""


def test_a_meeting_removed_in_zoom_can_be_recreated(
    zoom: ZoomSandbox, host: ZoomHost, member_client
):
    """Deleted in Zoom: the booking says so, no meeting is silently recreated; Recreate
    meeting makes a new one and its link reaches the booking."""
    booking = book(host.event_type)
    drain()
    old = meeting_of(booking)
    zoom.delete_meeting_in_zoom(old.zoom_meeting_id)
    deliver_all(zoom, "meeting.deleted")
    drain()
    shown = details(booking)
    assert "removed in Zoom" in shown.reason
    assert sandbox_meetings(zoom, host.zoom_user) == []
    assert shown.action is not None
    member_client.post(shown.action.url)
    drain()
    (new,) = sandbox_meetings(zoom, host.zoom_user)
    assert new["id"] != old.zoom_meeting_id
    assert details(booking).join_url == new["join_url"]


def test_another_member_cannot_act_on_someone_elses_meeting(
    zoom: ZoomSandbox, host: ZoomHost, organization
):
    from django.test import Client

    from tests.factories import make_member

    booking = book(host.event_type)
    drain()
    other = Client()
    other.force_login(make_member(organization).user)
    meeting = meeting_of(booking)
    response = other.post(f"/360/integrations/zoom/meetings/{meeting.id}/fix")
    assert response.status_code == 404
    assert meeting_of(booking).version == meeting.version


def test_the_hourly_reconcile_finds_what_webhooks_missed_and_deletes_orphans(
    zoom: ZoomSandbox, host: ZoomHost
):
    """With the webhook lost, one list call per account finds the meeting removed in Zoom;
    a meeting slotlink made that no booking wants (its marker in the agenda) is deleted."""
    kept, removed = (
        book(host.event_type),
        book(host.event_type, next_free_starts(host.event_type, 3)[2]),
    )
    drain()
    zoom.delete_meeting_in_zoom(meeting_of(removed).zoom_meeting_id)  # its event never arrives
    # A meeting slotlink made whose booking row is gone (say, a create adopted nowhere).
    token = ZoomUser.objects.get().access_token
    httpx.post(
        f"{zoom.api_base_url}/users/me/meetings",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "topic": "lost",
            "type": 2,
            "start_time": "2030-01-01T10:00:00Z",
            "agenda": "slotlink-ref:0123456789abcdef",
        },
    )
    zoom.control.delete("/requests")
    assert zoom_user_reconcile(zoom_user_id=host.connection.zoom_user_id) == 1
    assert "removed in Zoom" in details(removed).reason
    assert details(kept).reason == ""
    remaining = {m["id"] for m in sandbox_meetings(zoom, host.zoom_user)}
    assert remaining == {meeting_of(kept).zoom_meeting_id}
    lists = zoom.requests(method="GET", path="/v2/users/me/meetings")
    assert len(lists) == 1
    assert SyncLogEntry.objects.filter(action="meeting.list").count() == 1


def test_periodic_jobs_are_enqueued_once_however_many_schedulers_ask(zoom, host):
    """Two schedulers at the same moment: each due job is enqueued once."""
    first = periodic_run_due()
    second = periodic_run_due()
    jobs = [
        "calendars.refresh",
        "calendars.sweep",
        "core.lost-tasks",
        "scheduling.email-sweep",
        "scheduling.public-bookings-expire",
        "scheduling.reminders-send",
        "scheduling.tokens-purge",
        "zoom.attendance",
        "zoom.reconcile",
        "zoom.sweep",
    ]
    assert sorted(first) == jobs
    assert second == []
    enqueued = [task.args[0] for task in queued_tasks() if task.name == "periodic_run"]
    assert sorted(enqueued) == jobs


@pytest.mark.parametrize(
    "foreign",
    [{"account_id": "another-account"}, {"object": {"host_id": "another-zoom-user"}}],
)
def test_an_event_naming_another_account_or_host_leaves_the_meeting_alone(
    zoom: ZoomSandbox, host: ZoomHost, foreign
):
    """Issue 19 (8): events were matched by the meeting id alone, so a signed event carrying
    another account's account_id or host_id marked our meeting as moved. The event must be
    about the meeting's own Zoom account and user; the real one still is."""
    booking = book(host.event_type)
    drain()
    meeting = meeting_of(booking)
    moved_to = meeting.start.replace(hour=(meeting.start.hour + 1) % 24)
    zoom.move_meeting_in_zoom(meeting.zoom_meeting_id, start_time=utc(moved_to))
    (real,) = [d["payload"] for d in zoom.webhooks("meeting.updated")][-1:]
    forged = {
        **real,
        "event_ts": real["event_ts"] + 1,
        "payload": {
            **real["payload"],
            **{k: v for k, v in foreign.items() if k != "object"},
            "object": {**real["payload"]["object"], **foreign.get("object", {})},
        },
    }
    assert deliver(forged) == 204
    drain()
    assert details(booking).reason == ""
    assert meeting_of(booking).drift == ""
    assert deliver(real) == 204
    drain()
    assert "moved in Zoom to" in details(booking).reason
