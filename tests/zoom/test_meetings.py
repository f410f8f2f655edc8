"""A Zoom meeting for every booking: created, moved and deleted through the sandbox over
real HTTP, exactly once, with the link where the booking shows it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from slotlink.accounts.models import User
from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.zoom import endpoints
from slotlink.zoom.meetings.sync import meeting_sync
from slotlink.zoom.models import SyncLogEntry, ZoomMeeting, ZoomRollout, ZoomUser
from tests.fixtures.task_queue import queued_tasks
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, next_free_starts
from tests.scheduling.mailbox import INVITEE_EMAIL, invite_facts, to
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import (
    ZoomHost,
    cancel,
    drain,
    meeting_of,
    reschedule,
    sandbox_meetings,
    utc,
    zoom_event_type,
    zoom_workshop,
)

pytestmark = pytest.mark.django_db(transaction=True)


State = ZoomMeeting.State


def meeting_writes(statements: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in statements.captured_queries
        if q["sql"].startswith('UPDATE "zoom_zoommeeting"')
    ]


def details(booking):
    return seam.conference_details("zoom", _ref(booking))


def _ref(booking):
    from slotlink.scheduling.locations import booking_ref

    booking.refresh_from_db()
    return booking_ref(booking)


def test_a_booking_gets_its_own_meeting_with_safe_defaults(zoom: ZoomSandbox, host: ZoomHost):
    """One booking, one Zoom meeting on the host's own account: its time and duration, a
    topic naming the invitee, waiting room on, a passcode, join before host off; the link
    and passcode show on the booking."""
    start = next_free_starts(host.event_type)[0]
    booking = book(host.event_type, start, name="Ivy Invitee")
    drain()
    (created,) = sandbox_meetings(zoom, host.zoom_user)
    assert created["start_time"] == utc(start)
    assert created["duration"] == 30
    assert created["topic"] == "Intro call with Ivy Invitee"
    assert created["settings"]["waiting_room"] is True
    assert created["settings"]["join_before_host"] is False
    assert created["password"]
    shown = details(booking)
    assert shown.status == LinkStatus.READY
    assert shown.join_url == created["join_url"]
    assert shown.passcode == created["password"]
    entry = SyncLogEntry.objects.get(action="meeting.create")
    assert (entry.booking_id, entry.outcome) == (booking.id, "ok")


def test_the_confirmation_email_and_invite_carry_the_link(
    zoom: ZoomSandbox, host: ZoomHost, settings
):
    """The invitee's first confirmation already has the join link and passcode (Zoom
    answered within the wait), and so does the calendar invite's LOCATION."""
    settings.LINK_WAIT_SECONDS = 20
    booking = book(host.event_type)
    drain(only_due=True)
    meeting = meeting_of(booking)
    first = to(INVITEE_EMAIL)[0]
    assert meeting.join_url in first.body
    assert meeting.passcode in first.body
    assert invite_facts(first)["location"] == meeting.join_url


def tasks_due() -> list[str]:
    return [task.name for task in queued_tasks(due_only=True)]


def test_the_stored_link_sends_the_confirmation_and_nothing_polls_for_it(
    zoom: ZoomSandbox, host: ZoomHost, settings
):
    """Booking a Zoom event costs the worker one task before the confirmation goes: the
    sync announces the link it stored, and once that commits the same worker sends the
    confirmation with it; the confirmation's own task waits for the bound
    (`LINK_WAIT_SECONDS`) and then finds nothing to send."""
    settings.LINK_WAIT_SECONDS = 20
    booking = book(host.event_type)
    assert tasks_due() == ["zoom_meeting_sync"]
    assert drain(only_due=True) == 1  # the sync, which sent the email too
    meeting = meeting_of(booking)
    assert [meeting.join_url in email.body for email in mail.outbox] == [True, True]
    (waiting,) = queued_tasks()
    assert waiting.name == "send_booking_email"
    assert waiting.run_after
    assert waiting.run_after > booking.created_at + timedelta(seconds=19)
    drain()
    assert len(mail.outbox) == 2


def test_a_meeting_that_fails_sends_the_confirmation_at_once_without_a_link(
    zoom: ZoomSandbox, host: ZoomHost, settings
):
    """When Zoom refuses for good, the invitee's confirmation doesn't wait out the bound:
    it goes with the failed sync, without a link and without the host's reason, and no
    update follows."""
    settings.LINK_WAIT_SECONDS = 20
    zoom.revoke_tokens(host.zoom_user["id"])
    ZoomUser.objects.update(access_expires_at="2000-01-01T00:00:00Z")
    booking = book(host.event_type)
    drain(only_due=True)
    assert meeting_of(booking).state == ZoomMeeting.State.FAILED
    (first,) = to(INVITEE_EMAIL)
    assert "reconnect" not in first.body.lower()
    drain()
    assert to(INVITEE_EMAIL) == [first]


def test_a_reschedule_moves_the_same_meeting_and_keeps_its_link(zoom: ZoomSandbox, host: ZoomHost):
    """Rescheduling PATCHes the meeting's time: same meeting, same join link."""
    first, later = next_free_starts(host.event_type, 3)[0], next_free_starts(host.event_type, 3)[2]
    booking = book(host.event_type, first)
    drain()
    link = meeting_of(booking).join_url
    reschedule(booking, later)
    drain()
    (moved,) = sandbox_meetings(zoom, host.zoom_user)
    assert moved["start_time"] == utc(later)
    assert moved["join_url"] == link
    assert details(booking).join_url == link
    assert [(r["method"]) for r in zoom.requests(path_prefix="/v2/meetings/")] == ["PATCH"]


def test_a_host_reschedule_from_the_booking_page_moves_the_same_meeting(
    zoom: ZoomSandbox, host: ZoomHost, member_client
):
    """The host moving the booking on its page PATCHes its meeting as the invitee's move
    does: one update, no create or delete, the same join link, which the invitee's email
    of the new time carries."""
    first, later = next_free_starts(host.event_type, 3)[0], next_free_starts(host.event_type, 3)[2]
    booking = book(host.event_type, first)
    drain()
    link = meeting_of(booking).join_url
    zoom.control.delete("/requests")
    moved = member_client.post(
        f"/360/bookings/{booking.id}/reschedule",
        {"start": later.isoformat(), "time_zone": "UTC", "message": "Moved for a clash."},
    )
    assert moved.status_code == 302
    drain()
    (meeting,) = sandbox_meetings(zoom, host.zoom_user)
    assert meeting["start_time"] == utc(later)
    assert meeting["join_url"] == link
    assert [r["method"] for r in zoom.requests(path_prefix="/v2/meetings/")] == ["PATCH"]
    assert [r["method"] for r in zoom.requests(path_prefix="/v2/users/")] == []
    update = to(INVITEE_EMAIL)[-1]
    assert update.subject.startswith("Updated:")
    assert link in update.body
    assert "Moved for a clash." in update.body


def test_a_host_moving_one_seat_takes_it_to_the_new_sessions_meeting(
    zoom: ZoomSandbox, host: ZoomHost, member_client
):
    """One seat of a group session moved by the host joins a meeting of its new session;
    the old session's meeting stays, unchanged, for the seat left behind."""
    group = zoom_workshop(host.membership)
    first, later = next_free_starts(group, 3)[0], next_free_starts(group, 3)[2]
    staying = book(group, first, email="a@example.test")
    leaving = book(group, first, email="b@example.test")
    drain()
    (old,) = sandbox_meetings(zoom, host.zoom_user)
    moved = member_client.post(
        f"/360/bookings/{leaving.id}/reschedule",
        {"start": later.isoformat(), "time_zone": "UTC", "message": ""},
    )
    assert moved.status_code == 302
    drain()
    meetings = {m["start_time"]: m for m in sandbox_meetings(zoom, host.zoom_user)}
    assert set(meetings) == {utc(first), utc(later)}
    assert meetings[utc(first)]["join_url"] == old["join_url"]
    assert details(staying).join_url == old["join_url"]
    assert details(leaving).join_url == meetings[utc(later)]["join_url"]


def test_a_host_moving_a_whole_session_moves_its_meeting_once(
    zoom: ZoomSandbox, host: ZoomHost, member_client
):
    """The host moving a whole group session PATCHes the session's one meeting, once, to
    the new time: no create, no delete, the same join link for every seat, in each
    invitee's email of the new time and in the host's one email of the session moved."""
    group = zoom_workshop(host.membership)
    first, later = next_free_starts(group, 5)[0], next_free_starts(group, 5)[4]
    seats = [book(group, first, email=f"{name}@example.test") for name in ("a", "b", "c")]
    drain()
    (meeting,) = sandbox_meetings(zoom, host.zoom_user)
    zoom.control.delete("/requests")
    mail.outbox.clear()
    moved = member_client.post(
        f"/360/sessions/{seats[0].session_id}/reschedule",
        {"start": later.isoformat(), "time_zone": "UTC", "message": "The room changed."},
    )
    assert moved.status_code == 302
    drain()
    (after,) = sandbox_meetings(zoom, host.zoom_user)
    assert (after["id"], after["join_url"]) == (meeting["id"], meeting["join_url"])
    assert after["start_time"] == utc(later)
    calls = [(r["method"], r["path"]) for r in zoom.requests(path_prefix="/v2/")]
    assert calls == [("PATCH", f"/v2/meetings/{meeting['id']}")]
    for seat in seats:
        assert details(seat).join_url == meeting["join_url"]
        (email,) = to(seat.invitee_email)
        assert meeting["join_url"] in email.body
        assert "The room changed." in email.body
    (told,) = to(host.membership.user.email)
    assert told.subject.startswith("Session moved: ")
    assert meeting["join_url"] in told.body


def test_the_moment_the_link_was_stored_is_kept_through_later_changes(
    zoom: ZoomSandbox, host: ZoomHost
):
    """The meeting remembers when its join link was stored (the end of a booking's time to
    link); a booking's meeting has none before Zoom answered, and a reschedule keeps it."""
    first, later = next_free_starts(host.event_type, 3)[0], next_free_starts(host.event_type, 3)[2]
    booking = book(host.event_type, first)
    assert meeting_of(booking).link_ready_at is None
    drain()
    stored = meeting_of(booking)
    assert stored.join_url
    assert stored.link_ready_at is not None
    assert booking.created_at <= stored.link_ready_at <= stored.updated_at
    reschedule(booking, later)
    drain()
    assert meeting_of(booking).link_ready_at == stored.link_ready_at


def test_a_cancel_deletes_the_meeting(zoom: ZoomSandbox, host: ZoomHost):
    booking = book(host.event_type)
    drain()
    cancel(booking)
    drain()
    assert sandbox_meetings(zoom, host.zoom_user) == []
    assert meeting_of(booking).zoom_meeting_id is None


def test_a_lifecycle_costs_exactly_three_zoom_calls(zoom: ZoomSandbox, host: ZoomHost):
    """Book, reschedule, cancel: one create, one update, one delete, nothing else (P5)."""
    first, later = next_free_starts(host.event_type, 3)[0], next_free_starts(host.event_type, 3)[2]
    zoom.control.delete("/requests")
    booking = book(host.event_type, first)
    drain()
    reschedule(booking, later)
    drain()
    cancel(booking)
    drain()
    calls = [(r["method"], r["path"].split("/")[2]) for r in zoom.requests(path_prefix="/v2/")]
    assert calls == [("POST", "users"), ("PATCH", "meetings"), ("DELETE", "meetings")]


def test_a_finished_sync_marks_the_meeting_synced_and_gives_it_back_in_its_last_write(
    zoom: ZoomSandbox, host: ZoomHost
):
    """A create that leaves the meeting as the booking wants it writes its result, marks
    it synced and gives the lease back in one UPDATE: the sync writes the meeting three
    times (take it, the create's marker, the result), and a reschedule's sync twice. Every
    write is a turn at SQLite's one write lock that a booking request may be waiting for."""
    booking = book(host.event_type)
    meeting = meeting_of(booking)
    with CaptureQueriesContext(connection) as statements:
        assert meeting_sync(meeting_id=meeting.id).in_sync
    assert len(meeting_writes(statements)) == 3
    meeting.refresh_from_db()
    assert (meeting.state, meeting.lease_owner, meeting.lease_until) == (State.SYNCED, "", None)
    assert meeting.join_url
    assert meeting.synced_version == meeting.version
    reschedule(booking, next_free_starts(host.event_type, 3)[2])
    with CaptureQueriesContext(connection) as statements:
        assert meeting_sync(meeting_id=meeting.id).in_sync
    assert len(meeting_writes(statements)) == 2
    (moved,) = sandbox_meetings(zoom, host.zoom_user)
    assert moved["start_time"] == utc(meeting_of(booking).start)


def test_a_change_asked_while_zoom_creates_the_meeting_is_made_next(
    zoom: ZoomSandbox, host: ZoomHost, monkeypatch
):
    """The booking is rescheduled while Zoom is answering the create: the created meeting
    is kept but not marked synced, and the same sync moves it to the new time."""
    booking = book(host.event_type)
    later = next_free_starts(host.event_type, 3)[2]
    create = endpoints.meeting_create

    def create_then_reschedule(**call: Any) -> dict[str, Any]:
        made = create(**call)
        reschedule(booking, later)  # lands while this sync holds the meeting
        return made

    monkeypatch.setattr(endpoints, "meeting_create", create_then_reschedule)
    zoom.control.delete("/requests")
    assert meeting_sync(meeting_id=meeting_of(booking).id).in_sync
    calls = [(r["method"], r["path"].split("/")[2]) for r in zoom.requests(path_prefix="/v2/")]
    assert calls == [("POST", "users"), ("PATCH", "meetings")]
    (only,) = sandbox_meetings(zoom, host.zoom_user)
    assert only["start_time"] == utc(later)
    meeting = meeting_of(booking)
    assert (meeting.state, meeting.lease_owner) == (State.SYNCED, "")
    assert meeting.synced_version == meeting.version


def test_a_create_whose_answer_was_lost_is_adopted_not_repeated(zoom: ZoomSandbox, host: ZoomHost):
    """Zoom commits the create but the answer never arrives: the next attempt finds the
    meeting by its marker and keeps it; there is exactly one meeting."""
    zoom.set_faults(drop_after_commit_rate=1.0, paths=["/v2/users/me/meetings"])
    booking = book(host.event_type)
    drain(rounds=1, only="zoom_meeting_sync")
    assert meeting_of(booking).state == ZoomMeeting.State.WAITING
    assert len(sandbox_meetings(zoom, host.zoom_user)) == 1
    zoom.clear_faults()
    drain()
    (only,) = sandbox_meetings(zoom, host.zoom_user)
    meeting = meeting_of(booking)
    assert (meeting.zoom_meeting_id, meeting.state) == (only["id"], ZoomMeeting.State.SYNCED)
    assert details(booking).join_url == only["join_url"]


def test_a_timed_out_create_is_not_repeated(zoom: ZoomSandbox, host: ZoomHost, settings):
    """A create that times out (Zoom may or may not have made it) is looked for first."""
    settings.ZOOM_HTTP_TIMEOUT_SECONDS = 0.5
    zoom.set_faults(timeout_rate=1.0, paths=["/v2/users/me/meetings"])
    booking = book(host.event_type)
    drain(rounds=1, only="zoom_meeting_sync")
    zoom.clear_faults()
    drain()
    assert len(sandbox_meetings(zoom, host.zoom_user)) == 1
    assert meeting_of(booking).state == ZoomMeeting.State.SYNCED


def test_an_outage_waits_and_recovers(zoom: ZoomSandbox, host: ZoomHost):
    """5xx answers make the meeting wait (the booking says the link follows) and retry."""
    zoom.set_faults(outage=True)
    booking = book(host.event_type)
    drain(rounds=1, only="zoom_meeting_sync")
    meeting = meeting_of(booking)
    assert meeting.state == ZoomMeeting.State.WAITING
    assert meeting.next_attempt_at is not None
    assert details(booking).status == LinkStatus.PENDING
    assert details(booking).invitee_note() == "Your Zoom link will follow in a separate email."
    zoom.clear_faults()
    drain()
    assert details(booking).status == LinkStatus.READY


def test_the_daily_cap_waits_for_midnight_without_asking_zoom_again(
    zoom: ZoomSandbox, host: ZoomHost
):
    """Zoom's per-host cap (a 429 with only the message) is remembered: the booking says
    when the meeting will be made, and no further request goes to Zoom before then."""
    zoom.set_limits(host_create_update_per_day=0)
    User.objects.filter(pk=host.user.pk).update(time_zone="Asia/Tokyo", time_format="12")
    booking = book(host.event_type)
    drain(rounds=1, only="zoom_meeting_sync")
    meeting = meeting_of(booking)
    assert meeting.state == ZoomMeeting.State.WAITING
    assert "daily limit" in meeting.problem
    # When, as the host reads times: their zone, their clock.
    assert meeting.next_attempt_at is not None
    tokyo = meeting.next_attempt_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"after {tokyo:%a} {tokyo.day} {tokyo:%b %Y}, {tokyo:%-I:%M %p} (Asia/Tokyo)." in (
        meeting.problem
    )
    assert ZoomUser.objects.get().daily_cap_until == meeting.next_attempt_at
    asked = len(zoom.requests(method="POST", path="/v2/users/me/meetings"))
    second = book(host.event_type, next_free_starts(host.event_type, 3)[2])
    drain(only_due=True)
    assert meeting_of(second).state == ZoomMeeting.State.WAITING
    assert len(zoom.requests(method="POST", path="/v2/users/me/meetings")) == asked
    assert "daily limit" in details(second).reason


def test_without_the_switch_or_an_account_the_booking_stands_and_says_why(
    zoom: ZoomSandbox, organization, member_membership
):
    """No link, and why, for the host only: Zoom off for the organization, or no account."""
    event_type = zoom_event_type(member_membership)
    off = book(event_type)
    assert "Zoom isn't enabled for this organization" in details(off).reason
    assert details(off).invitee_note() == "Your host will send you the meeting details."
    ZoomRollout.objects.create(organization=organization, enabled=True)
    none = book(event_type, next_free_starts(event_type, 3)[2])
    shown = details(none)
    assert shown.status == LinkStatus.UNAVAILABLE
    assert "No Zoom account was connected" in shown.reason
    assert shown.action is not None
    assert shown.action.label == "Connect Zoom →"
    assert zoom.requests(path_prefix="/v2/") == []


def test_a_host_without_zoom_falls_back_to_the_shared_org_account(
    zoom: ZoomSandbox, organization, admin_membership, member_membership
):
    """The article's routing: no Zoom of the host's own, so the org account hosts it."""
    ZoomRollout.objects.create(organization=organization, enabled=True)
    _, shared = connected(zoom, admin_membership, role="org", email="meetings@zoom.test")
    booking = book(zoom_event_type(member_membership))
    drain()
    assert len(sandbox_meetings(zoom, shared)) == 1
    assert meeting_of(booking).zoom_user_id == shared["id"]


def test_a_group_session_shares_one_meeting_until_its_last_booking_is_cancelled(
    zoom: ZoomSandbox, host: ZoomHost
):
    """Bookings of one group session share one meeting, made with the first booking and
    deleted with the last cancellation."""
    group = zoom_workshop(host.membership)
    start = next_free_starts(group)[0]
    first = book(group, start, email="a@example.test")
    second = book(group, start, email="b@example.test")
    drain()
    (shared,) = sandbox_meetings(zoom, host.zoom_user)
    assert shared["topic"] == "Workshop"
    assert details(first).join_url == details(second).join_url == shared["join_url"]
    cancel(first)
    drain()
    assert len(sandbox_meetings(zoom, host.zoom_user)) == 1
    cancel(second)
    drain()
    assert sandbox_meetings(zoom, host.zoom_user) == []


def test_a_broken_connection_fails_the_meeting_visibly_and_tells_the_host_once(
    zoom: ZoomSandbox, host: ZoomHost
):
    """Zoom refusing the grant: the booking says to reconnect, the host gets one email,
    whose plain text names the meeting as written (no HTML entity for the apostrophe)."""
    zoom.revoke_tokens(host.zoom_user["id"])
    ZoomUser.objects.update(access_expires_at="2000-01-01T00:00:00Z")
    booking = book(host.event_type, name="Ivy O'Brien")
    drain()
    meeting = meeting_of(booking)
    assert meeting.state == ZoomMeeting.State.FAILED
    shown = details(booking)
    assert "reconnect" in shown.reason.lower()
    assert shown.action is not None
    assert shown.action.label == "Reconnect"
    told = [m for m in mail.outbox if "needs your attention" in m.subject]
    assert [m.to for m in told] == [[host.user.email]]
    assert "Intro call with Ivy O'Brien (" in told[0].body


def test_disconnecting_keeps_existing_links(zoom: ZoomSandbox, host: ZoomHost, member_client):
    """Disconnect stops new meetings on that account; bookings made before keep links."""
    booking = book(host.event_type)
    drain()
    link = details(booking).join_url
    member_client.post(f"/360/integrations/zoom/connections/{host.connection.id}/disconnect")
    assert details(booking).join_url == link
    later = book(host.event_type, next_free_starts(host.event_type, 3)[2])
    assert "No Zoom account was connected" in details(later).reason


def test_reconnecting_retries_the_meetings_that_failed_for_want_of_it(
    zoom: ZoomSandbox, host: ZoomHost
):
    """The booking that failed because the connection broke gets its meeting once the host
    reconnects, without anyone pressing Try again."""
    from slotlink.zoom.client import TokenSet
    from slotlink.zoom.connections import ZoomProfile, zoom_user_upsert

    zoom.revoke_tokens(host.zoom_user["id"])
    ZoomUser.objects.update(access_expires_at="2000-01-01T00:00:00Z")
    booking = book(host.event_type)
    drain()
    assert meeting_of(booking).state == ZoomMeeting.State.FAILED
    issued = zoom.tokens_for(host.zoom_user["id"])
    stored = ZoomUser.objects.get()
    zoom_user_upsert(
        profile=ZoomProfile(
            zoom_user_id=stored.zoom_user_id,
            zoom_account_id=stored.zoom_account_id,
            email=stored.email,
            display_name=stored.display_name,
            user_type=2,
            time_zone="UTC",
        ),
        tokens=TokenSet(issued["access_token"], issued["refresh_token"], 3600, issued["scope"]),
    )
    drain()
    assert details(booking).status == LinkStatus.READY
