"""Helpers for meeting sync tests: a host with a connected Zoom, bookings made through the
product's own services, and the worker's queue run in this process."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.test import Client

from slotlink.accounts.models import Membership, User
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.zoom.locations import ZOOM
from slotlink.zoom.meetings.drift import MARKER_PREFIX
from slotlink.zoom.models import ZoomConnection, ZoomMeeting
from tests.fixtures.task_queue import run_ready_tasks
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import make_event_type


def drain(*, rounds: int = 50, only_due: bool = False, only: str = "") -> int:
    """Run queued tasks as a worker would, here; unless `only_due`, tasks asked to run
    later (retries, emails waiting for a link) are run now too; `only` runs just the tasks
    of that name (e.g. "zoom_meeting_sync"). Returns how many ran."""
    return run_ready_tasks(rounds=rounds, only_due=only_due, only=only)


@dataclass
class ZoomHost:
    membership: Membership
    connection: ZoomConnection
    zoom_user: dict[str, Any]
    event_type: EventType

    @property
    def user(self) -> User:
        return self.membership.user


def zoom_event_type(membership: Membership, **fields: Any) -> EventType:
    return make_event_type(
        membership.organization,
        membership.user,
        location_kind=ZOOM,
        title=fields.pop("title", "Intro call"),
        **fields,
    )


def zoom_workshop(membership: Membership) -> EventType:
    """A group Zoom event type: its sessions' bookings share one meeting."""
    return zoom_event_type(
        membership,
        title="Workshop",
        slug="workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=5,
    )


def meeting_of(booking: Booking) -> ZoomMeeting:
    return ZoomMeeting.objects.get(bookings__booking_id=booking.id)


def sandbox_meetings(zoom: ZoomSandbox, zoom_user: dict[str, Any]) -> list[dict[str, Any]]:
    return zoom.meetings(host_id=zoom_user["id"])


def zoom_calls(zoom: ZoomSandbox, prefix: str = "/v2/") -> list[tuple[str, str]]:
    """The REST calls the sandbox received, as (method, path)."""
    return [
        (r["method"], r["path"])
        for r in zoom.requests(path_prefix=prefix)
        if r["method"] != "GET" or "/users/me/meetings" in r["path"]
    ]


def reschedule(booking: Booking, start: datetime) -> Booking:
    return booking_reschedule(booking=booking, start=start)


def cancel(booking: Booking) -> Booking:
    return booking_cancel(booking=booking)


def deliver(notification: dict[str, Any] | bytes) -> int:
    """Post a Zoom event to /zoom/webhook, signed as Zoom signs it; returns the status."""
    body = (
        notification
        if isinstance(notification, bytes)
        else json.dumps(notification, separators=(",", ":")).encode()
    )
    stamp = str(int(time.time()))
    digest = hmac.new(
        settings.ZOOM_WEBHOOK_SECRET_TOKEN.encode(),
        b"v0:" + stamp.encode() + b":" + body,
        hashlib.sha256,
    ).hexdigest()
    response = Client().post(
        "/zoom/webhook",
        data=body,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=stamp,
        HTTP_X_ZM_SIGNATURE=f"v0={digest}",
    )
    return response.status_code


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def an_invitee(index: int) -> dict[str, str]:
    """The `index`th invitee of a soak, with their own name: it is in the topic of their
    meeting, by which the count finds each booking's meeting in Zoom."""
    return {"email": f"i{index}@example.test", "name": f"Invitee {index}"}


def marker_of(item: dict[str, Any]) -> str:
    """The create marker slotlink wrote into a Zoom meeting's agenda ("" if none)."""
    found = re.search(re.escape(MARKER_PREFIX) + r"(\w+)", str(item.get("agenda") or ""))
    return found.group(1) if found else ""


def assert_zoom_has_exactly_the_booked_meetings(zoom: ZoomSandbox) -> None:
    """Zoom's meetings are exactly those the live bookings want, each once and at its time:
    no duplicate, no orphan, none missing; a cancelled one-on-one booking has none.

    Counted in Zoom's own state, not only by the ids slotlink stored: every meeting in Zoom
    carries the marker of the one create that made it, no marker twice; and each booking's
    meeting is found in Zoom by its topic (the invitee's name; a group session's title and
    start), once for a live booking, never for a cancelled one-on-one booking."""
    in_zoom = zoom.meetings()
    by_id = {m["id"]: m for m in in_zoom}
    markers = Counter(marker_of(m) for m in in_zoom)
    assert markers[""] == 0, "a meeting in Zoom that slotlink's create did not make"
    assert [marker for marker, n in markers.items() if n > 1] == [], "one create, two meetings"
    wanted: dict[int, set[str]] = {}
    for booking in Booking.objects.filter(status=Booking.Status.CONFIRMED):
        meeting = ZoomMeeting.objects.get(bookings__booking_id=booking.id)
        assert meeting.zoom_meeting_id in by_id, f"missing meeting for booking {booking.id}"
        assert by_id[meeting.zoom_meeting_id]["start_time"] == utc(booking.start), booking.id
        wanted.setdefault(meeting.zoom_meeting_id, set()).add(str(booking.id))
    orphans = set(by_id) - set(wanted)
    assert orphans == set(), [by_id[i]["agenda"] for i in orphans]
    _assert_each_booking_once_in_zoom(in_zoom)


def _assert_each_booking_once_in_zoom(in_zoom: list[dict[str, Any]]) -> None:
    """Each booking's meeting, looked for in Zoom by what the booking put in it: a live
    booking's exactly once, a cancelled one-on-one booking's never, a group session's once
    while any of its seats is live and never after."""
    group = set(
        ZoomMeeting.objects.filter(group_session_id__isnull=False).values_list("topic", flat=True)
    )
    copies = Counter((m["topic"], m["start_time"] if m["topic"] in group else "") for m in in_zoom)
    one_on_one = dict(
        ZoomMeeting.objects.filter(booking_id__isnull=False).values_list("booking_id", "topic")
    )
    assert len(set(one_on_one.values())) == len(one_on_one), "give each invitee their own name"
    live_sessions: dict[int, bool] = {}
    for booking in Booking.objects.all():
        live = booking.status == Booking.Status.CONFIRMED
        if booking.session_id is None:
            topic = one_on_one[booking.id]
            assert copies[(topic, "")] == (1 if live else 0), (booking.id, topic, live)
        else:
            live_sessions[booking.session_id] = live_sessions.get(booking.session_id) or live
    for session_id, live in live_sessions.items():
        meeting = ZoomMeeting.objects.get(group_session_id=session_id)
        found = copies[(meeting.topic, utc(meeting.start))]
        assert found == (1 if live else 0), (session_id, meeting.topic, live)
