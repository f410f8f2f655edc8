"""Pacing: calls for one Zoom account share its per-second budget, across workers."""

import pytest

from slotlink.zoom.pacing import pace

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
