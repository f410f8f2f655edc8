"""Writing a booking's event to the host's calendar, exactly once, never over the host's
own change.

One worker at a time holds a `CalendarEvent` (core's lease, no transaction open while the
server answers). It reads the host's event as the booking is now (`host_event`, built by
scheduling as the host's invite is) and takes one step:

- Create, with `If-None-Match: *`: a marker is saved first and written into the event
  (X-SLOTLINK-EVENT). A create whose answer was lost after the server stored it comes back
  412 on retry; the event then at its URL carrying the marker is slotlink's own and is
  adopted (its ETag), then brought up to date with If-Match: never a second event.
- Change, with `If-Match` on the ETag slotlink last wrote; remove likewise.
- A 412 on a change or removal means the host changed or removed the event in their
  calendar: nothing is overwritten, `host_changed` records which, and the booking's page
  says so until the host asks to put it back (`restore`).

A server that is down, slow or refusing is tried again later, with the pause doubling
(core/leases.retry_at); the booking never waits on it and never fails for it.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from slotlink.calendars import client
from slotlink.calendars.busy import SLOTLINK_MARKER
from slotlink.calendars.client import CalDAVAccount, CalendarError, EventChanged
from slotlink.calendars.models import CalendarEvent
from slotlink.conferencing.calendars import HostEvent, host_event
from slotlink.core.leases import leased, leased_done, leased_save, retry_at

# Longer than a few requests at the client's timeout: a sync that stops writing steps for
# this long is taken over.
LEASE = timedelta(seconds=120)
FIRST_PAUSE = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(minutes=30)
MARKER = SLOTLINK_MARKER

# How long an event may stay out of line with its booking, with no sync running and its
# retry time past, before the sweep starts a sync: its task was lost (an RQ worker died
# between the commit and the enqueue, a queue was emptied).
SWEEP_AFTER = timedelta(minutes=2)

HostChange = CalendarEvent.HostChange


def events_due(*, now: datetime | None = None) -> list[int]:
    """Events whose sync should be running but is not: out of line with their booking (or
    asked back), no worker holding them, and their retry time (or, with none, their last
    change) `SWEEP_AFTER` past."""
    now = now or timezone.now()
    out_of_line = Q(version__gt=F("synced_version")) | Q(restore=True)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    waited = Q(next_attempt_at__lte=now - SWEEP_AFTER) | Q(
        next_attempt_at__isnull=True, updated_at__lte=now - SWEEP_AFTER
    )
    return list(
        CalendarEvent.objects.filter(out_of_line & free & waited).values_list("id", flat=True)
    )


def calendar_event_sync(*, row_id: int, owner: str | None = None) -> datetime | None:
    """Bring one event in line with its booking; when to try again, or None when done."""
    return leased(
        CalendarEvent,
        row_id,
        lambda holder: _sync(row_id, holder),
        # Another worker has it: look again when its lease ends, in case it missed a change.
        busy=lambda until: until or timezone.now(),
        length=LEASE,
        owner=owner,
    )


def _sync(row_id: int, owner: str) -> datetime | None:
    row = CalendarEvent.objects.select_related("calendar__connection").get(pk=row_id)
    version = row.version
    if row.in_sync and not row.restore:
        return None
    calendar = row.calendar
    event = host_event(booking_id=row.booking_id, session_id=row.session_id)
    if calendar is None or (row.host_changed and not row.restore):
        fields: dict[str, Any] = {}  # nowhere to write, or the host's change stands
    else:
        connection = calendar.connection
        account = CalDAVAccount(connection.server_url, connection.username, connection.password)
        try:
            fields = _step(row, owner, event, account, calendar.url)
        except CalendarError as error:
            again = retry_at(row.attempts, first=FIRST_PAUSE, longest=LONGEST_PAUSE)
            leased_save(
                row,
                owner,
                length=LEASE,
                attempts=row.attempts + 1,
                next_attempt_at=again,
                problem_detail=error.words,
            )
            return again
    done = {
        **fields,
        "synced_version": version,
        "restore": False,
        "attempts": 0,
        "next_attempt_at": None,
        "problem_detail": "",
    }
    if leased_done(row, owner, version=version, **done):
        return None
    # The booking changed again meanwhile: keep what was written, and go again now.
    leased_save(row, owner, length=LEASE, **fields, restore=False)
    return timezone.now()


def _step(
    row: CalendarEvent, owner: str, event: HostEvent | None, account: CalDAVAccount, url: str
) -> dict[str, Any]:
    """One write that leaves the calendar as the booking is; the row's fields it changed."""
    uid = event.uid if event is not None else row.uid
    if event is None or not event.present:
        if row.etag:
            try:
                client.event_delete(account, url, uid, row.etag)
            except EventChanged:
                return _host_change(account, url, uid)
        return {"uid": uid, "etag": ""}
    href = client.event_url(url, uid)
    etag = row.etag
    if row.restore:
        # The host asked for it back: over whatever the calendar holds now, if anything.
        found = client.event_get(account, url, uid)
        etag = found[1] if found else ""
    if not etag:
        marker = row.create_marker or uuid.uuid4().hex
        if marker != row.create_marker:
            leased_save(row, owner, length=LEASE, create_marker=marker, uid=uid, href=href)
        ics = _marked(event.ics, marker)
        try:
            return {"uid": uid, "href": href, "etag": client.event_put(account, url, uid, ics)}
        except EventChanged:
            found = client.event_get(account, url, uid)
            if found is None or not _carries(found[0], marker):
                # Not what slotlink wrote (or gone again): the host's, left as it is.
                return _host_change(account, url, uid)
            etag = found[1]  # slotlink's own create, whose answer was lost: adopted
            leased_save(row, owner, length=LEASE, etag=etag)
    ics = _marked(event.ics, row.create_marker)
    try:
        etag = client.event_put(account, url, uid, ics, etag=etag)
    except EventChanged:
        return _host_change(account, url, uid)
    return {"uid": uid, "href": href, "etag": etag}


def _host_change(account: CalDAVAccount, url: str, uid: str) -> dict[str, Any]:
    found = client.event_get(account, url, uid)
    if found is None:
        return {"uid": uid, "host_changed": HostChange.REMOVED, "etag": ""}
    return {"uid": uid, "host_changed": HostChange.EDITED, "etag": found[1]}


def _marked(ics: bytes, marker: str) -> str:
    """The event with slotlink's marker in it, by which a lost create is known again."""
    text = ics.decode("utf-8")
    if not marker:
        return text
    return text.replace("END:VEVENT", f"{MARKER}:{marker}\r\nEND:VEVENT", 1)


def _carries(text: str, marker: str) -> bool:
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    return f"{MARKER}:{marker}" in unfolded
