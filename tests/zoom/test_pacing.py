"""Pacing: calls for one Zoom account share its per-second budget, across workers."""

from datetime import UTC, datetime, timedelta

import pytest

from slotlink.zoom import pacing
from slotlink.zoom.models import ZoomPace
from slotlink.zoom.pacing import HEADROOM, pace

pytestmark = pytest.mark.django_db


def test_calls_for_one_account_and_label_take_successive_slots(settings):
    """At 10 requests a second, three calls at once are handed slots 0.1 s apart; another
    account or label has its own budget."""
    settings.ZOOM_RATE_LIMITS = {"medium": 10, "light": 30}
    waits = [pace(account="acct-1", label="medium") for _ in range(3)]
    assert waits[0] == pytest.approx(0, abs=0.02)
    assert waits[1] == pytest.approx(0.1, abs=0.05)
    assert waits[2] == pytest.approx(0.1, abs=0.05)  # measured after waiting its own turn
    assert pace(account="acct-2", label="medium") == pytest.approx(0, abs=0.02)
    assert pace(account="", label="medium") == 0.0  # no account known: not paced


def test_a_label_without_a_rate_is_not_paced(settings):
    settings.ZOOM_RATE_LIMITS = {}
    assert pace(account="acct-1", label="medium") == 0.0


class FakeClock:
    """pacing's clock and sleep, so a test says when a caller wakes up."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2030, 1, 1, tzinfo=UTC)
        self.late: list[timedelta] = []  # how late the next wake-ups are
        monkeypatch.setattr(pacing.timezone, "now", lambda: self.now)
        monkeypatch.setattr(pacing.time, "sleep", self.sleep)

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds) + (self.late.pop(0) if self.late else timedelta())


def test_slots_leave_headroom_under_the_limit(settings, monkeypatch):
    """At Zoom's 20 a second, slots are spaced for 19: a call sent a little late for its
    slot still fits in the next second."""
    settings.ZOOM_RATE_LIMITS = {"medium": 20}
    clock = FakeClock(monkeypatch)
    start = clock.now
    for _ in range(3):
        pace(account="acct-1", label="medium")
    assert clock.now == start + 2 * timedelta(seconds=1 / 19)


def test_a_caller_woken_too_late_for_its_slot_takes_another(settings, monkeypatch):
    """A call woken up more than half a slot after its slot doesn't go then (it would land
    among the next second's calls): it takes a new slot, the next free one from then."""
    settings.ZOOM_RATE_LIMITS = {"medium": 10}
    interval = timedelta(seconds=1 / (10 * HEADROOM))
    clock = FakeClock(monkeypatch)
    start = clock.now
    clock.late = [timedelta(seconds=0.3)]
    assert pace(account="acct-1", label="medium") == 0.0  # the first slot is now
    pace(account="acct-1", label="medium")  # the second slot, woken 0.3 s after it
    woke = start + interval + timedelta(seconds=0.3)
    assert clock.now == woke  # it went at once on a new slot, without sleeping again
    assert ZoomPace.objects.get(key="acct-1:medium").next_at == woke + interval
