"""P5 of the Zoom meeting benchmark: the Zoom calls one booking's whole life costs.

With the sandbox's event notifications on (sent to the product's /zoom/webhook on the
benchmark's gunicorn, echoes of slotlink's own changes included), each invitee books over
HTTP, then reschedules and cancels through the links in the emails they got, one step
after the worker finished the last. Then as many invitees race the create: Zoom answers
creates slower than the bound on waiting for a link (the lowered bound of zoom_slow.py), so
the confirmation says the link follows, and the invitee reschedules through its link while
Zoom is still answering the create. When every event was delivered and handled, the
sandbox's request log is split by meeting: each lifecycle must cost one create, one
update and one delete, plus at most one token refresh, the racing ones too.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from benchmarks.zoom_common import Line
from benchmarks.zoom_load import CANCEL_LINK, RESCHEDULE_LINK, book_once, cancel_via, reschedule_via
from benchmarks.zoom_mailbox import by_recipient
from benchmarks.zoom_slow import CREATES
from benchmarks.zoom_stack import mail_dir

if TYPE_CHECKING:
    from benchmarks.zoom_seed import Host
    from benchmarks.zoom_stack import SandboxControl, Stack

STEP_TIMEOUT = 60
PARALLEL = 5
MEETING_PATH = re.compile(r"^/v2/meetings/(\d+)")


def _until(what: str, check: Any) -> Any:
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def _newest_link(
    mail: Path, email: str, pattern: re.Pattern[str], after: float
) -> tuple[float, str] | None:
    """The link in the newest email to `email` sent after `after` (a time), with its time."""
    for note in reversed(by_recipient(mail).get(email, [])):
        if note["at"] > after and (match := pattern.search(note["text"])):
            return note["at"], match.group(0)
    return None


def _meeting(booking_id: int) -> Any:
    from slotlink.zoom.models import ZoomMeeting

    return ZoomMeeting.objects.filter(booking_id=booking_id).first()


def lifecycle(
    page: str, mail: Path, email: str, first: Any, later: Any, *, race: bool = False
) -> tuple[int, bool]:
    """Book, reschedule, cancel as the invitee; returns the booking's id and whether the
    reschedule was answered while Zoom had not yet answered the create. With `race` the
    invitee reschedules through the first email (the one saying the link follows) without
    waiting for the link."""
    from slotlink.scheduling.models import Booking

    with httpx.Client(timeout=60) as http:
        book_once(http, page, first, email=email)
        booking_id = _until(
            "the booking",
            lambda: (
                Booking.objects.filter(invitee_email=email).values_list("id", flat=True).first()
            ),
        )
        if not race:
            _until(
                "the first link", lambda: (m := _meeting(booking_id)) and m.in_sync and m.join_url
            )
        seen, link = _until(
            "the confirmation", lambda: _newest_link(mail, email, RESCHEDULE_LINK, 0)
        )
        reschedule_via(http, link, later)
        raced = _meeting(booking_id).zoom_meeting_id is None  # the create not answered yet
        _until(
            "the move",
            lambda: (m := _meeting(booking_id)) and m.in_sync and m.synced_start == later,
        )
        _, link = _until("the new email", lambda: _newest_link(mail, email, CANCEL_LINK, seen))
        cancel_via(http, link)
        _until("the delete", lambda: (m := _meeting(booking_id)) and not m.present and m.in_sync)
    return booking_id, raced


def _settled(control: SandboxControl) -> bool:
    """Every event delivered (or given up) and handled, and no work left in the queue."""
    from django_tasks_db.models import DBTaskResult

    from slotlink.zoom.models import WebhookEvent

    deliveries = control.webhooks()
    if any(d["state"] == "pending" for d in deliveries):
        return False
    if WebhookEvent.objects.filter(handled_at__isnull=True).exists():
        return False
    return (
        not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        .filter(task_path__contains="zoom")
        .exists()
    )


def _validated(control: SandboxControl) -> dict[str, Any] | None:
    subscription = control.subscription()
    return subscription if subscription.get("validated") else None


def lifecycles_run(
    stack: Stack,
    control: SandboxControl,
    host: Host,
    count: int,
    *,
    races: int = 0,
    create_latency_ms: int = 0,
) -> Line:
    """`count` lifecycles one step after another, then `races` whose reschedule races the
    create (Zoom answering creates in `create_latency_ms`, more than the bound)."""
    from slotlink.zoom.models import WebhookEvent, ZoomMeeting

    print(f"P5: {count} lifecycles, then {races} racing the create, with echo webhooks ...")
    control.faults()
    control.configure_app(webhook_url=f"{stack.web_url}/zoom/webhook")
    subscription = _until("the endpoint's validation", lambda: _validated(control))
    control.clear_requests()
    events_before = WebhookEvent.objects.count()
    total = count + races
    starts = host.starts[: 2 * total]
    page = host.page(stack.web_url)
    booking_ids: list[int] = []
    raced: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def one(number: int) -> None:
        race = number >= count
        try:
            booking, overtook = lifecycle(
                page,
                mail_dir(stack.data_dir),
                f"life-{number}@invitee.test",
                starts[number],
                starts[total + number],
                race=race,
            )
        except Exception as error:
            with lock:
                failures.append(f"{type(error).__name__}: {error}")
            return
        with lock:
            booking_ids.append(booking)
            if race and overtook:
                raced.append(booking)

    batches = [(b, min(count, b + PARALLEL)) for b in range(0, count, PARALLEL)]
    batches += [(b, min(total, b + PARALLEL)) for b in range(count, total, PARALLEL)]
    for first, end in batches:
        if first == count:  # the racing ones: Zoom answers creates after the bound
            control.faults(latency_ms=create_latency_ms, paths=[CREATES])
        threads = [threading.Thread(target=one, args=(n,)) for n in range(first, end)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    control.faults()
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline and not _settled(control):
        time.sleep(0.5)
    time.sleep(2.0)  # anything an echo would set off has had time to happen
    entries = [e for e in control.requests() if e["path"].startswith(("/v2/", "/oauth/"))]
    ours = ZoomMeeting.objects.filter(booking_id__in=booking_ids).count()
    per_booking: dict[Any, list[str]] = {}
    other: list[str] = []
    refreshed = 0
    for entry in entries:
        call = f"{entry['method']} {entry['path']} {entry['status']}"
        if entry["path"] == "/oauth/token":
            refreshed += 1
            continue
        body = entry["response_body"]
        if entry["method"] == "POST" and isinstance(body, dict) and "id" in body:
            per_booking.setdefault(int(body["id"]), []).append(call)
        elif match := MEETING_PATH.match(entry["path"]):
            per_booking.setdefault(int(match.group(1)), []).append(call)
        else:
            other.append(call)
    events = WebhookEvent.objects.count() - events_before
    counts = sorted(len(calls) for calls in per_booking.values())
    exact = len(per_booking) == len(booking_ids) and all(n == 3 for n in counts)
    print(
        f"  endpoint validated: {subscription['validated']}; {len(raced)} of {races} "
        f"reschedules answered before Zoom answered the create; "
        f"{len(booking_ids)} lifecycles done, failures {failures[:3]}; webhook events stored "
        f"{events}; Zoom calls per lifecycle {counts}; refreshes {refreshed}; other calls "
        f"{other[:5]} ({ours} meetings)",
        flush=True,
    )
    calls = sum(counts)
    return Line(
        f"P5 Zoom calls per lifecycle ({len(booking_ids)} lifecycles, {len(raced)} of them "
        f"rescheduled while Zoom was answering the create; {events} echoes handled)",
        f"{calls / max(1, len(booking_ids)):.2f} (each: {sorted(set(counts))}), "
        f"+ {refreshed} refreshes, {len(other)} other",
        "3, + <= 1 refresh",
        exact
        and not failures
        and len(raced) == races
        and not other
        and refreshed <= len(booking_ids)
        and bool(booking_ids),
    )
