"""Pacing: calls for one Zoom account share its per-second budget, across workers."""

from datetime import UTC, datetime, timedelta

import pytest

from slotlink.zoom.models import ZoomPace
from slotlink.zoom.pacing import HEADROOM, pace

pytestmark = pytest.mark.django_db


class FakeClock:
    """pacing's clock, so a test says when a caller wakes up: sleeping moves it on by the
    time asked for (plus, for the next wake-ups, how late each is to be)."""

    def __init__(self) -> None:
        self.now_at = datetime(2030, 1, 1, tzinfo=UTC)
        self.late: list[timedelta] = []  # how late the next wake-ups are
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.now_at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now_at += timedelta(seconds=seconds) + (self.late.pop(0) if self.late else timedelta())


def test_calls_for_one_account_and_label_take_successive_slots(settings):
    """At 10 requests a second (spaced for 9.5), three calls at once are handed successive
    slots, each waiting one slot after the one before; another account or label has its
    own budget."""
    settings.ZOOM_RATE_LIMITS = {"medium": 10, "light": 30}
    interval = timedelta(seconds=1 / (10 * HEADROOM))  # to the microsecond, as slots are
    clock = FakeClock()
    start = clock.now()
    waits = [pace(account="acct-1", label="medium", clock=clock) for _ in range(3)]
    assert waits == [0.0, interval.total_seconds(), interval.total_seconds()]
    assert clock.now() == start + 2 * interval
    assert pace(account="acct-2", label="medium", clock=clock) == 0.0
    assert pace(account="acct-1", label="light", clock=clock) == 0.0
    assert pace(account="", label="medium", clock=clock) == 0.0  # no account known: not paced
    assert clock.now() == start + 2 * interval


def test_a_label_without_a_rate_is_not_paced(settings):
    settings.ZOOM_RATE_LIMITS = {}
    clock = FakeClock()
    assert pace(account="acct-1", label="medium", clock=clock) == 0.0
    assert clock.slept == []


def test_slots_leave_headroom_under_the_limit(settings):
    """At Zoom's 20 a second, slots are spaced for 19: a call sent a little late for its
    slot still fits in the next second."""
    settings.ZOOM_RATE_LIMITS = {"medium": 20}
    clock = FakeClock()
    start = clock.now()
    for _ in range(3):
        pace(account="acct-1", label="medium", clock=clock)
    assert clock.now() == start + 2 * timedelta(seconds=1 / 19)


def test_a_caller_woken_too_late_for_its_slot_takes_another(settings):
    """A call woken up more than half a slot after its slot doesn't go then (it would land
    among the next second's calls): it takes a new slot, the next free one from then."""
    settings.ZOOM_RATE_LIMITS = {"medium": 10}
    interval = timedelta(seconds=1 / (10 * HEADROOM))
    clock = FakeClock()
    start = clock.now()
    clock.late = [timedelta(seconds=0.3)]
    assert pace(account="acct-1", label="medium", clock=clock) == 0.0  # the first slot is now
    pace(account="acct-1", label="medium", clock=clock)  # the second slot, woken 0.3 s after it
    woke = start + interval + timedelta(seconds=0.3)
    assert clock.now() == woke  # it went at once on a new slot, without sleeping again
    assert ZoomPace.objects.get(key="acct-1:medium").next_at == woke + interval
