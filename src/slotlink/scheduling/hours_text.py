"""A day's hours as people write them: "9-5", "9am-5pm", "0900-1700", "9:30-17:15" (with
any dash: hyphen, en dash, em dash), "9.30 to 17.15", "6pm until midnight", and several
ranges with commas ("9-12, 13-17").

Reading follows what a person means, not what a strict format allows:
- "12pm" is noon, "12am" midnight; "noon" and "midnight" are words for them.
- A range's end may be "24:00", "midnight", "12am" or "00:00": the midnight that ends the
  day. It is stored as 00:00 (`END_OF_DAY`), since no range can end at the day's start.
- An hour written without am/pm and without a leading zero ("9", "5", "9:30") is the
  person's hour: an end before its start in the same half-day reads as pm ("9-5" is 09:00
  until 17:00), and a bare start takes the am/pm of its end when that keeps it first ("9-5pm"
  is 09:00 until 17:00, "1-5pm" 13:00 until 17:00). "09:00" and "0900" are a 24-hour clock.
Errors quote the part they are about and say what was understood, so a person sees where
the reading went wrong ("Read “9-25” as 09:00 until 25:00, but a day ends at 24:00.").

`format_hours` writes the canonical text ("09:00-17:00, 18:00-24:00"), which reads back to
the same ranges.
"""

import re
from dataclasses import dataclass
from datetime import time
from itertools import pairwise

from slotlink.scheduling.slots import END_OF_DAY

DAY = 24 * 60
NOON = 12 * 60
HALF_DAY = 12 * 60
EXAMPLES = "Write ranges like 9-5, 9am-5pm or 09:00-17:00, separated by commas."
# Words that mean no hours at all, as the empty field does.
NONE_WORDS = {"unavailable", "off", "closed", "none"}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<clock>(?P<digits>\d+)(?:(?P<separator>[:.h])(?P<minutes>\d{2})|h)?
        (?:\s*(?P<meridiem>[ap])\.?(?:m\.?)?(?![a-z]))?)
    | (?P<word>noon|midday|midnight)(?![a-z])
    | (?P<dash>[-\u2010-\u2015\u2212~]|(?:to|until|till|til|through|thru)(?![a-z]))
    | (?P<comma>[,;&+/]|and(?![a-z]))
    | (?P<filler>from(?![a-z]))
    """,
    re.VERBOSE,
)


class HoursTextError(ValueError):
    """Text that can't be read as hours; the message says what was understood."""


@dataclass(frozen=True)
class _Clock:
    """One written time, as far as it can be read on its own."""

    text: str
    hour: int
    minute: int
    meridiem: str | None  # "a" or "p"
    word: str | None  # "noon" or "midnight"
    bare: bool  # a person's hour: no am/pm, no leading zero, no 24-hour form


@dataclass(frozen=True)
class _Token:
    kind: str  # clock, word, dash, comma
    start: int
    end: int
    clock: _Clock | None = None


def clock_text(minutes: int) -> str:
    """Minutes since midnight as a 24-hour clock, up to 24:00."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _tokens(text: str) -> list[_Token]:
    tokens = []
    position = 0
    lowered = text.lower()
    while position < len(lowered):
        match = _TOKEN.match(lowered, position)
        if match is None:
            unread = re.match(r"\S+", text[position:])
            found = unread.group(0) if unread else text[position]
            raise HoursTextError(f"Couldn't read “{found}” as a time. {EXAMPLES}")
        if match.group("clock"):
            tokens.append(_Token("clock", match.start(), match.end(), _clock(match, text)))
        elif match.group("word"):
            word = match.group("word")
            clock = _Clock(
                text[match.start() : match.end()],
                12 if word != "midnight" else 0,
                0,
                None,
                "midnight" if word == "midnight" else "noon",
                False,
            )
            tokens.append(_Token("clock", match.start(), match.end(), clock))
        elif match.group("dash"):
            tokens.append(_Token("dash", match.start(), match.end()))
        elif match.group("comma"):
            tokens.append(_Token("comma", match.start(), match.end()))
        position = match.end()
    return tokens


def _clock(match: re.Match[str], text: str) -> _Clock:
    written = text[match.start() : match.end()].strip()
    digits, minutes = match.group("digits"), match.group("minutes")
    if minutes is None and len(digits) in (3, 4):  # 900, 0930, 1700
        hour, minute, compact = int(digits[:-2]), int(digits[-2:]), True
    elif len(digits) > 2:
        raise HoursTextError(f"Couldn't read “{written}” as a time. {EXAMPLES}")
    else:
        hour, minute, compact = int(digits), int(minutes or 0), False
    meridiem = match.group("meridiem")
    if minute > 59:
        raise HoursTextError(
            f"Read “{written}” as {hour} hours and {minute} minutes, but an hour has 60."
        )
    if meridiem is not None and not 1 <= hour <= 12:
        raise HoursTextError(
            f"Read “{written}” as {hour} o'clock {meridiem}m, but with am or pm the hours "
            "go from 1 to 12."
        )
    bare = meridiem is None and not compact and not digits.startswith("0") and hour <= 12
    return _Clock(written, hour, minute, meridiem, None, bare)


def _with_meridiem(clock: _Clock, meridiem: str) -> int:
    hour = clock.hour % 12 + (12 if meridiem == "p" else 0)
    return hour * 60 + clock.minute


def _start_minutes(clock: _Clock, end: _Clock) -> int:
    if clock.word == "midnight":
        return 0
    if clock.meridiem is not None:
        return _with_meridiem(clock, clock.meridiem)
    if clock.bare and end.meridiem is not None and clock.hour != 12:
        # "9-5pm", "1-5pm", "11-1pm": the start's half-day is the end's when it stays first.
        same = _with_meridiem(clock, end.meridiem)
        return same if same < _end_minutes(end, same) else _with_meridiem(clock, "a")
    return clock.hour * 60 + clock.minute


def _end_minutes(clock: _Clock, start: int, *, start_on_dial: bool = True) -> int:
    """`start_on_dial`: the start was read on a 12-hour dial (bare or am/pm), so an end
    behind it on that dial is the same dial's next turn; "17-9" has no such reading."""
    if clock.word == "midnight":
        return DAY
    if clock.meridiem is not None:
        minutes = _with_meridiem(clock, clock.meridiem)
    else:
        minutes = clock.hour * 60 + clock.minute
        behind = minutes <= start < minutes + HALF_DAY
        if clock.bare and start_on_dial and behind:
            minutes += HALF_DAY  # "9-5", "2pm-5": an end behind the start is the pm one
    return DAY if minutes == 0 else minutes  # "6pm-12am", "18:00-00:00"


def _range(start: _Clock, end: _Clock, written: str) -> tuple[int, int]:
    start_minutes = _start_minutes(start, end)
    on_dial = start.bare or start.meridiem is not None or start.word is not None
    end_minutes = _end_minutes(end, start_minutes, start_on_dial=on_dial)
    understood = f"Read “{written}” as {clock_text(start_minutes)} until {clock_text(end_minutes)}"
    if start_minutes >= DAY:
        raise HoursTextError(f"{understood}, but 24:00 is where a day ends, not where it starts.")
    if end_minutes > DAY:
        raise HoursTextError(f"{understood}, but a day ends at 24:00.")
    if end_minutes <= start_minutes:
        raise HoursTextError(
            f"{understood}, but the end must come after the start. Hours past midnight "
            "belong to the next day: write them there."
        )
    return start_minutes, end_minutes


def parse_minutes(text: str) -> list[tuple[int, int]]:
    """The ranges in `text` as sorted (start, end) minutes since midnight, end at most 1440."""
    if text.strip().lower() in NONE_WORDS:
        return []
    tokens = _tokens(text)
    ranges: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "comma":
            index += 1
            continue
        if token.kind == "dash":
            rest = text[token.start :].split(",")[0].strip()
            raise HoursTextError(f"“{rest}” has no start. {EXAMPLES}")
        following = tokens[index + 1 : index + 3]
        if len(following) < 2 or following[0].kind != "dash" or following[1].kind != "clock":
            assert token.clock is not None
            alone = _start_minutes(token.clock, token.clock)
            raise HoursTextError(
                f"Read “{token.clock.text}” as {clock_text(alone)} with no end. {EXAMPLES}"
            )
        end = following[1]
        assert token.clock is not None
        assert end.clock is not None
        written = text[token.start : end.end].strip()
        ranges.append((*_range(token.clock, end.clock, written), written))
        index += 3
    ranges.sort()
    for (_, first_end, first), (second_start, _, second) in pairwise(ranges):
        if second_start < first_end:
            raise HoursTextError(
                f"Read “{first}” and “{second}” as ranges that overlap. Merge them into one."
            )
    return [(start, end) for start, end, _ in ranges]


def _as_time(minutes: int) -> time:
    return END_OF_DAY if minutes == DAY else time(minutes // 60, minutes % 60)


def _as_minutes(value: time, *, end: bool) -> int:
    minutes = value.hour * 60 + value.minute
    return DAY if end and minutes == 0 else minutes


def parse_hours(text: str) -> list[tuple[time, time]]:
    """The ranges in `text` as sorted (start, end) times; an end of 24:00 is `END_OF_DAY`."""
    return [(_as_time(start), _as_time(end)) for start, end in parse_minutes(text)]


def format_hours(ranges: list[tuple[time, time]]) -> str:
    """Ranges as the canonical text, "09:00-17:00, 18:00-24:00"."""
    return ", ".join(
        f"{clock_text(_as_minutes(start, end=False))}-{clock_text(_as_minutes(end, end=True))}"
        for start, end in ranges
    )
