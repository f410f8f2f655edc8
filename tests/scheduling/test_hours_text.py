"""Hours as people write them, read the way they mean them, and errors that say what was
understood."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slotlink.scheduling.hours_text import (
    DAY,
    HoursTextError,
    clock_text,
    format_hours,
    parse_hours,
    parse_minutes,
)
from slotlink.scheduling.slots import END_OF_DAY


def read(text: str) -> str:
    return ", ".join(f"{clock_text(start)}-{clock_text(end)}" for start, end in parse_minutes(text))


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("9-5", "09:00-17:00"),
        ("9am-5pm", "09:00-17:00"),
        ("9 AM - 5 PM", "09:00-17:00"),
        ("9 a.m. to 5 p.m.", "09:00-17:00"),
        ("9a-5p", "09:00-17:00"),
        ("0900-1700", "09:00-17:00"),
        ("900-1730", "09:00-17:30"),
        ("9:30\u201317:15", "09:30-17:15"),  # en dash
        ("9:30\u201417:15", "09:30-17:15"),  # em dash
        ("9:30 to 17:15", "09:30-17:15"),
        ("9.30-17.15", "09:30-17:15"),
        ("9h30-17h", "09:30-17:00"),
        ("from 9 until 5", "09:00-17:00"),
        ("9-5pm", "09:00-17:00"),
        ("1-5pm", "13:00-17:00"),
        ("11-1pm", "11:00-13:00"),
        ("9am-5", "09:00-17:00"),
        ("2pm-5", "14:00-17:00"),
        ("9-9", "09:00-21:00"),
        ("12-3", "12:00-15:00"),
        ("6-12", "06:00-12:00"),
        ("12pm-1pm", "12:00-13:00"),
        ("12am-6am", "00:00-06:00"),
        ("10am-noon", "10:00-12:00"),
        ("6pm until midnight", "18:00-24:00"),
        ("6pm-12am", "18:00-24:00"),
        ("18:00-24:00", "18:00-24:00"),
        ("18:00-00:00", "18:00-24:00"),
        ("1800-2400", "18:00-24:00"),
        ("midnight-noon", "00:00-12:00"),
        ("0-24", "00:00-24:00"),
        ("9-12, 13-17", "09:00-12:00, 13:00-17:00"),
        ("13-17; 9-12", "09:00-12:00, 13:00-17:00"),
        ("9-12 and 1-5pm", "09:00-12:00, 13:00-17:00"),
        ("9-12 13-17", "09:00-12:00, 13:00-17:00"),
        ("9-12, 12-17", "09:00-12:00, 12:00-17:00"),
        ("", ""),
        ("   ", ""),
        ("Unavailable", ""),
        ("off", ""),
    ],
)
def test_hours_read_as_a_person_means_them(text, meant):
    """Bare hours, am/pm, compact 24-hour times, any dash or "to", noon and midnight, and
    several ranges each read as the 24-hour ranges a person means."""
    assert read(text) == meant


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("9-25", "Read “9-25” as 09:00 until 25:00, but a day ends at 24:00."),
        ("18:00-24:30", "Read “18:00-24:30” as 18:00 until 24:30, but a day ends at 24:00."),
        ("17-9", "Read “17-9” as 17:00 until 09:00, but the end must come after the start."),
        ("9pm-5", "Read “9pm-5” as 21:00 until 05:00, but the end must come after the start."),
        ("24-5", "Read “24-5” as 24:00 until 05:00, but 24:00 is where a day ends"),
        ("9", "Read “9” as 09:00 with no end."),
        ("9-12, 1pm", "Read “1pm” as 13:00 with no end."),
        ("until 5", "“until 5” has no start."),
        ("9:75-10", "Read “9:75” as 9 hours and 75 minutes, but an hour has 60."),
        ("13pm-2pm", "Read “13pm” as 13 o'clock pm, but with am or pm the hours go from 1 to 12."),
        ("9-12 lunch 13-17", "Couldn't read “lunch” as a time."),
        ("12345-2", "Couldn't read “12345” as a time."),
        ("9-12, 11-13", "Read “9-12” and “11-13” as ranges that overlap. Merge them into one."),
    ],
)
def test_errors_say_what_was_understood(text, error):
    """A range that can't be hours quotes the part at fault and what it was read as."""
    with pytest.raises(HoursTextError) as raised:
        parse_minutes(text)
    assert error in str(raised.value)


def test_an_end_at_midnight_is_stored_as_the_end_of_the_day():
    """24:00 is no time of day: it is kept as 00:00 in the end, and written back as 24:00."""
    assert parse_hours("18-24") == [(time(18), END_OF_DAY)]
    assert format_hours([(time(0), END_OF_DAY), (time(9, 5), time(9, 6))]) == (
        "00:00-24:00, 09:05-09:06"
    )


@st.composite
def day_ranges(draw: st.DrawFn) -> list[tuple[int, int]]:
    """Sorted ranges of whole minutes that don't overlap (they may touch), ending by 24:00."""
    edges = sorted(draw(st.sets(st.integers(0, DAY), max_size=10)))
    pairs = list(zip(edges[::2], edges[1::2], strict=False))
    return [(start, end) for start, end in pairs if start < end]


def as_times(ranges: list[tuple[int, int]]) -> list[tuple[time, time]]:
    return [
        (time(start // 60, start % 60), END_OF_DAY if end == DAY else time(end // 60, end % 60))
        for start, end in ranges
    ]


@given(day_ranges())
def test_formatted_hours_read_back_the_same(ranges):
    """format_hours then parse_hours gives back the very ranges, 24:00 included."""
    assert parse_hours(format_hours(as_times(ranges))) == as_times(ranges)


def twelve_hour(minutes: int, *, end: bool) -> str:
    if minutes == DAY or (minutes == 0 and not end):
        return "12am"
    hour, minute = divmod(minutes, 60)
    written = f"{hour % 12 or 12}" + (f":{minute:02d}" if minute else "")
    return written + ("pm" if hour >= 12 else "am")


WRITERS = {
    "24-hour": lambda minutes, end: clock_text(minutes),
    "compact": lambda minutes, end: clock_text(minutes).replace(":", ""),
    "dotted": lambda minutes, end: clock_text(minutes).replace(":", "."),
    "12-hour": lambda minutes, end: twelve_hour(minutes, end=end),
}


@given(
    day_ranges(),
    st.sampled_from(sorted(WRITERS)),
    st.sampled_from(["-", " - ", "\u2013", " \u2014 ", " to ", " until "]),
    st.sampled_from([", ", "; ", " and ", " "]),
)
def test_hours_written_in_any_unambiguous_style_read_back_the_same(ranges, style, dash, separator):
    """Ranges written with am/pm, compact or dotted 24-hour times, any dash and any list
    separator read back as the same ranges."""
    write = WRITERS[style]
    text = separator.join(f"{write(start, False)}{dash}{write(end, True)}" for start, end in ranges)
    assert parse_minutes(text) == ranges
