from datetime import UTC, datetime

import pytest

from slotlink.core.times import (
    DEFAULT_CLOCK,
    Clock,
    clock_for_accept_language,
    long_when,
    short_when,
    viewer_clock,
)

TWELVE, TWENTY_FOUR = Clock.TWELVE_HOUR, Clock.TWENTY_FOUR_HOUR


@pytest.mark.parametrize(
    ("header", "clock"),
    [
        ("en-US,en;q=0.9", TWELVE),
        ("en", TWELVE),
        ("en-GB,en;q=0.9", TWENTY_FOUR),
        ("en-IE", TWENTY_FOUR),
        ("en-AU", TWELVE),
        ("en-IN", TWELVE),
        ("de-DE,de;q=0.9,en;q=0.8", TWENTY_FOUR),
        ("fr-CA", TWENTY_FOUR),
        ("ja", TWENTY_FOUR),
        ("zh-CN", TWENTY_FOUR),
        ("zh-TW", TWELVE),
        ("zh-Hant-HK", TWELVE),
        ("ko-KR", TWELVE),
        ("ar-EG", TWELVE),
        ("hi", TWELVE),
        ("es-ES", TWENTY_FOUR),
        ("es-US", TWELVE),
        ("pt_BR", TWENTY_FOUR),
        # The language liked best decides, whatever the order it is listed in.
        ("de;q=0.5, en-US;q=0.9", TWELVE),
        ("en-US;q=0, de", TWENTY_FOUR),
        ("*, en-GB;q=0.5", TWENTY_FOUR),
    ],
)
def test_a_browsers_language_says_which_clock_it_reads(header, clock):
    """Each language reads its own clock (CLDR's short time): American English, Korean,
    Arabic, Hindi and Taiwanese Chinese a 12-hour one; British English, German, Japanese
    and mainland Chinese a 24-hour one; the best-liked language decides."""
    assert clock_for_accept_language(header) == clock


@pytest.mark.parametrize("header", ["", "*", ";q=1", "en;q=abc", "x" * 2000, "12-34"])
def test_a_header_naming_no_language_says_nothing(header):
    """An empty, wildcard, malformed or oversized header names no clock."""
    assert clock_for_accept_language(header) is None


def test_a_persons_choice_comes_before_their_language():
    """Their profile's choice first, then their language's clock, then the default."""
    assert viewer_clock(choice="12", locale_clock="24") == TWELVE
    assert viewer_clock(choice="", locale_clock="12") == TWELVE
    assert viewer_clock(choice="", locale_clock="") == DEFAULT_CLOCK == TWENTY_FOUR
    assert viewer_clock(choice="13", locale_clock="bogus") == DEFAULT_CLOCK


def test_times_read_on_the_readers_clock():
    """The same instant reads "6:05 PM" on a 12-hour clock and "18:05" on a 24-hour one,
    midnight and noon included; the zone is written the same way on both."""
    moment = datetime(2024, 12, 3, 17, 5, tzinfo=UTC)
    assert short_when(moment, time_zone="Europe/Berlin", clock=TWELVE) == (
        "Tue 3 Dec, 6:05 PM (Europe/Berlin)"
    )
    assert short_when(moment, time_zone="Europe/Berlin", clock=TWENTY_FOUR) == (
        "Tue 3 Dec, 18:05 (Europe/Berlin)"
    )
    midnight, noon = datetime(2024, 12, 3, 0, 0, tzinfo=UTC), datetime(2024, 12, 3, 12, tzinfo=UTC)
    assert long_when(midnight, noon, time_zone="UTC", clock=TWELVE) == (
        "Tuesday 3 December 2024, 12:00 AM - 12:00 PM (UTC)"
    )
    assert long_when(midnight, noon, time_zone="UTC", clock=TWENTY_FOUR) == (
        "Tuesday 3 December 2024, 00:00 - 12:00 (UTC)"
    )
