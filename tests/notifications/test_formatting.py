from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from slotlink.core.times import long_when, short_when, zone_for
from slotlink.notifications.formatting import (
    clip,
    header_text,
    one_line,
    require_email,
    web_url,
)


def test_every_kind_of_line_break_becomes_one_space():
    """CR, LF, NEL, line and paragraph separators, tabs and other controls become one space."""
    assert one_line("a\r\nb\nc\rd\x85e\u2028f\u2029g\th\x00i\x0bj  k") == "a b c d e f g h i j k"
    assert one_line("  padded  ") == "padded"


def test_clipping_marks_what_was_cut():
    """Text over the limit ends in an ellipsis and fits the limit; shorter text is kept."""
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…"
    assert len(header_text("x\n" * 100, 64)) <= 64


def test_subject_times_are_in_the_recipients_zone_with_the_zone_named():
    """The same instant reads in each person's own zone, with the zone named."""
    moment = datetime(2024, 12, 3, 9, 0, tzinfo=UTC)
    assert short_when(moment, time_zone="Europe/Berlin") == "Tue 3 Dec, 10:00 (Europe/Berlin)"
    assert short_when(moment, time_zone="America/New_York") == (
        "Tue 3 Dec, 04:00 (America/New_York)"
    )
    assert short_when(moment, time_zone="Asia/Tokyo") == "Tue 3 Dec, 18:00 (Asia/Tokyo)"


def test_long_times_name_both_days_when_a_meeting_crosses_midnight():
    """A meeting ending on the next local day shows both days; else a time range."""
    start = datetime(2024, 12, 3, 22, 30, tzinfo=UTC)
    end = datetime(2024, 12, 3, 23, 30, tzinfo=UTC)
    assert long_when(start, end, time_zone="UTC") == "Tuesday 3 December 2024, 22:30 - 23:30 (UTC)"
    assert long_when(start, end, time_zone="Europe/Berlin") == (
        "Tuesday 3 December 2024, 23:30 - Wednesday 4 December 2024, 00:30 (Europe/Berlin)"
    )
    assert long_when(start, None, time_zone="UTC", show_zone=False) == (
        "Tuesday 3 December 2024, 22:30"
    )


def test_local_times_across_a_dst_change_are_exact():
    """Across Berlin's spring-forward, 00:30Z to 01:30Z reads 01:30 - 03:30 local."""
    start = datetime(2024, 3, 31, 0, 30, tzinfo=UTC)
    end = datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert long_when(start, end, time_zone="Europe/Berlin") == (
        "Sunday 31 March 2024, 01:30 - 03:30 (Europe/Berlin)"
    )


def test_an_unknown_zone_falls_back_to_utc_and_says_so():
    """A zone name that is not one shows times in UTC, named UTC, instead of failing."""
    assert zone_for("Mars/Olympus") == (ZoneInfo("UTC"), "UTC")
    assert zone_for("../../etc/passwd")[1] == "UTC"
    moment = datetime(2024, 12, 3, 9, 0, tzinfo=UTC)
    assert short_when(moment, time_zone="Mars/Olympus") == "Tue 3 Dec, 09:00 (UTC)"


def test_naive_times_are_refused():
    """A time without a zone is ambiguous: it raises rather than guess."""
    with pytest.raises(ValueError, match="aware datetime"):
        short_when(datetime(2024, 12, 3, 9, 0), time_zone="UTC")  # noqa: DTZ001


def test_only_single_addresses_pass():
    """A line break, a second address or a display name is not an address."""
    assert require_email("bob@example.test") == "bob@example.test"
    for bad in ["bob@example.test\nBcc: x@evil.test", "a@b.test, c@d.test", "Bob <b@x.test>", ""]:
        with pytest.raises(ValueError, match="is not an email address"):
            require_email(bad)


def test_only_web_links_are_links():
    """http(s) URLs pass; other schemes and URLs with line breaks become empty."""
    assert web_url("https://zoom.us/j/1") == "https://zoom.us/j/1"
    assert web_url("http://127.0.0.1:8000/r/x") == "http://127.0.0.1:8000/r/x"
    assert web_url("javascript:alert(1)") == ""
    assert web_url("https://x.test/\nBcc: y") == ""
    assert web_url("") == ""


def test_bidi_controls_and_hidden_formatting_are_dropped_from_header_text():
    """Right-to-left overrides, isolates, marks and other invisible formatting characters
    never reach a subject or an invite; the joiners that names and emoji need stay."""
    spoofed = "Ann\u202eexe.fdp\u202c \u2066x\u2069\u200e\u200f\ufeff\u200b\u061c"
    assert one_line(spoofed) == "Annexe.fdp x"
    assert one_line("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )
    assert one_line("\U0001f469\u200d\U0001f4bb") == "\U0001f469\u200d\U0001f4bb"
