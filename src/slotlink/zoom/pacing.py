"""Pacing requests to stay under Zoom's per-second limits instead of running into them.

Zoom limits each account per second and per rate-limit label (Pro: Light 30/s, Medium
20/s; REFERENCE §5), shared by every worker and machine that calls for that account. A
429 storm costs every caller its retries, so each call first takes the next free slot of
its account and label from one shared row (a short transaction, never held across the
call) and waits for it, a little under the limit (see HEADROOM). The rates are settings
(`ZOOM_RATE_LIMITS`): the default is Pro's, which is safe for Business accounts too.
"""

import time
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from slotlink.zoom.models.pacing import ZoomPace

# How far ahead slots may be handed out before a caller is told to come back later
# instead of sleeping in a worker.
MAX_WAIT = timedelta(seconds=30)
# Zoom counts a second's requests as they arrive. A call sent late for its slot (a busy
# CPU, a thread woken late) lands among the next second's calls, which then has one too
# many and is answered 429. So slots are spaced for a little under the limit, and a caller
# that wakes up more than half a slot late takes a new slot rather than bunch up.
HEADROOM = 0.95
LATE = 0.5  # of a slot's length
RETAKES = 3


class Clock(Protocol):
    """What pacing needs of time: the moment now, and waiting until later."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return timezone.now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


def pace(*, account: str, label: str, clock: Clock = SYSTEM_CLOCK) -> float:
    """Wait for this account's next free slot for `label`; returns the seconds waited."""
    per_second = float(settings.ZOOM_RATE_LIMITS.get(label, 0) or 0)
    if per_second <= 0 or not account:
        return 0.0
    interval = timedelta(seconds=1 / (per_second * HEADROOM))
    waited = 0.0
    for _ in range(1 + RETAKES):
        slot, now = _slot_take(f"{account}:{label}", interval, clock)
        wait = (slot - now).total_seconds()
        if wait > 0:
            clock.sleep(wait)
            waited += wait
        if clock.now() - slot <= interval * LATE:
            break
    return waited


def _slot_take(key: str, interval: timedelta, clock: Clock) -> tuple[datetime, datetime]:
    """The next free slot of `key` (and the time it was taken), handed out under the
    row's lock and never held across the call."""
    with transaction.atomic():
        row = ZoomPace.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = ZoomPace.objects.create(key=key, next_at=clock.now())
            except IntegrityError:
                row = ZoomPace.objects.select_for_update().get(key=key)
        now = clock.now()  # once the lock is ours: waiting for it doesn't make us late
        slot = max(row.next_at, now)
        if slot - now > MAX_WAIT:
            slot = now  # a stale far-future slot (a clock jump): start again from now
        row.next_at = slot + interval
        row.save(update_fields=["next_at"])
    return slot, now
