"""Free slots: a host's weekly hours, minus their bookings and buffers, within notice and horizon.

Pure functions over plain values, so every rule can be checked without a database (and with
hypothesis over random zones and dates); `selectors.py` gathers the values.

Weekly hours are wall-clock times in the host's zone; slots are UTC instants of exactly the
event's duration. Around daylight saving changes the rule is literal: an instant is within
the host's hours when the clock on their wall shows a time inside them. So 01:00-04:00 on a
spring-forward night lasts two hours, and on a fall-back night a range ending at 02:30 is
open until the first 02:30, closed during the repeated hour's second half, then open again
from the second 02:00 to the second 02:30. Slots step through each stretch in real minutes,
so none repeats and none is lost.

An interval's end of 00:00 (`END_OF_DAY`) is the midnight that ends its day, "until 24:00":
no interval can end at its day's first instant.

Dates are the host's too: a day off (`SlotRules.days_off`, the host's time off) has no
slots whatever its weekly hours, and a date with other hours (`SlotRules.overrides`) has
those instead of its weekday's. Time off wins over other hours on the same date.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import islice
from zoneinfo import ZoneInfo

MAX_STEP = timedelta(minutes=30)
END_OF_DAY = time(0)  # as an interval's end: the midnight after its day


@dataclass(frozen=True)
class WeeklyInterval:
    weekday: int  # Monday is 0, as date.weekday()
    start: time
    end: time


@dataclass(frozen=True)
class DateHours:
    """Hours on one date that replace its weekday's (a date override), in the host's zone."""

    day: date
    start: time
    end: time


@dataclass(frozen=True)
class BusyTime:
    """A booking the host already has, with the buffer its event type asks around it."""

    start: datetime
    end: datetime
    buffer: timedelta = timedelta()
    # A seat in a session of the event type being booked that still has room: another
    # invitee may join it at exactly its start.
    joinable: bool = False


@dataclass(frozen=True)
class SlotRules:
    time_zone: ZoneInfo  # the host's
    weekly: tuple[WeeklyInterval, ...]
    duration: timedelta
    buffer: timedelta = timedelta()
    notice: timedelta = timedelta()
    horizon: timedelta = timedelta(days=60)
    # Dates in the host's zone. Read for the dates asked about only (see selectors), so a
    # SlotRules is not a whole calendar: use it for the range it was read for.
    days_off: frozenset[date] = field(default_factory=frozenset)
    overrides: tuple[DateHours, ...] = ()

    @property
    def step(self) -> timedelta:
        """How far apart offered starts are: the duration, at most half an hour."""
        return min(self.duration, MAX_STEP)


class SlotProblem(StrEnum):
    PAST = "past"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    OUTSIDE_HOURS = "outside_hours"
    DAY_OFF = "day_off"
    TAKEN = "taken"


def wall_to_utc(day: date, wall: time, zone: ZoneInfo, *, latest: bool = False) -> datetime:
    """The UTC instant at which clocks in `zone` show `wall` on `day`.

    A wall time that happens twice (clocks go back) gives its first occurrence, or its
    second with `latest`. A wall time that never happens (clocks jump over it) gives the
    instant of the jump.
    """
    naive = datetime.combine(day, wall)
    earlier = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    later = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if earlier == later:
        return earlier
    if earlier < later:  # repeated wall time
        return later if latest else earlier
    # Skipped wall time: the jump lies between the two readings. Find it to the second.
    low, high = later, earlier  # local(low) < wall, local(high) >= wall
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


SECOND = timedelta(seconds=1)
# Clocks move by at most a few hours at once; search this far around a day's range.
SEARCH_MARGIN = timedelta(hours=3)


def _offset_pieces(
    since: datetime, until: datetime, zone: ZoneInfo
) -> list[tuple[datetime, datetime, timedelta]]:
    """[since, until) split where the zone's UTC offset changes, with each piece's offset.
    Offsets change on whole seconds, so the split points are found to the second."""

    def offset_at(seconds: int) -> timedelta | None:
        return datetime.fromtimestamp(seconds, UTC).astimezone(zone).utcoffset()

    pieces = []
    start, stop = int(since.timestamp()), int(until.timestamp())
    while start < stop:
        offset = offset_at(start)
        assert offset is not None
        end = stop
        if offset_at(stop - 1) != offset:
            low, high = start, stop - 1  # the offset at low, another at high
            while high - low > 1:
                middle = (low + high) // 2
                if offset_at(middle) == offset:
                    low = middle
                else:
                    high = middle
            end = high
        pieces.append(
            (datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC), offset)
        )
        start = end
    return pieces


def wall_interval_to_utc(
    day: date, start: time, end: time, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The UTC stretches during which clocks in `zone` show a time in [start, end) on `day`:
    one stretch, none when the clocks skip it all, two when part of it happens twice."""
    wall_start = datetime.combine(day, start, tzinfo=UTC)  # the wall clock, read as UTC
    wall_end = datetime.combine(day, end, tzinfo=UTC)
    if end == END_OF_DAY:
        wall_end += timedelta(days=1)
    offset = datetime.combine(day, start).replace(tzinfo=zone).utcoffset()
    assert offset is not None
    stretches = []
    for piece_start, piece_end, piece_offset in _offset_pieces(
        wall_start - offset - SEARCH_MARGIN, wall_end - offset + SEARCH_MARGIN, zone
    ):
        low = max(piece_start, wall_start - piece_offset)
        high = min(piece_end, wall_end - piece_offset)
        if low < high:
            stretches.append((low, high))
    return stretches


def availability_windows(
    rules: SlotRules, *, since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The host's working hours as UTC windows, merged, overlapping [since, until)."""
    zone = rules.time_zone
    first_day = since.astimezone(zone).date() - timedelta(days=1)
    last_day = until.astimezone(zone).date() + timedelta(days=1)
    by_weekday: dict[int, list[tuple[time, time]]] = {}
    for interval in rules.weekly:
        by_weekday.setdefault(interval.weekday, []).append((interval.start, interval.end))
    by_date: dict[date, list[tuple[time, time]]] = {}
    for hours in rules.overrides:
        by_date.setdefault(hours.day, []).append((hours.start, hours.end))
    windows: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        if day not in rules.days_off:
            ranges = by_date[day] if day in by_date else by_weekday.get(day.weekday(), ())
            for start, end in ranges:
                windows.extend(wall_interval_to_utc(day, start, end, zone))
        day += timedelta(days=1)
    # Merge before trimming: a stretch split by a clock change is still one stretch, and
    # its slots keep the rhythm of where it begins.
    return [(start, end) for start, end in _merged(windows) if start < until and end > since]


def _merged(windows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def candidate_starts(
    rules: SlotRules, *, since: datetime, until: datetime, now: datetime
) -> Iterator[datetime]:
    """Starts in [since, until) inside working hours, after the notice, within the horizon."""
    earliest = max(since, now + rules.notice)
    latest = min(until, now + rules.horizon)  # exclusive
    if earliest >= latest:
        return
    for window_start, window_end in availability_windows(rules, since=earliest, until=latest):
        start = window_start
        if start < earliest:  # keep the window's rhythm: 09:00, 09:30, ... not 09:07
            start += -((window_start - earliest) // rules.step) * rules.step
        while start + rules.duration <= window_end and start < latest:
            if start > now:
                yield start
            start += rules.step


# Busy times widened by their buffers: (from, until, the busy time), sorted by `from`.
Blocked = list[tuple[datetime, datetime, BusyTime]]


def _blocked(rules: SlotRules, busy: Iterable[BusyTime]) -> Blocked:
    """Each busy time widened by the larger of the two event types' buffers, by start."""
    blocked: Blocked = []
    for item in busy:
        buffer = max(rules.buffer, item.buffer)
        blocked.append((item.start - buffer, item.end + buffer, item))
    blocked.sort(key=lambda entry: entry[0])
    return blocked


def _is_free(
    start: datetime,
    end: datetime,
    blocked: Blocked,
    first: int = 0,
) -> bool:
    for blocked_start, blocked_end, item in islice(blocked, first, None):
        if blocked_start >= end:
            break  # sorted by start: nothing later can overlap
        if blocked_end > start and not (item.joinable and item.start == start):
            return False
    return True


def free_starts(
    rules: SlotRules,
    busy: Iterable[BusyTime],
    *,
    since: datetime,
    until: datetime,
    now: datetime,
) -> list[datetime]:
    """Every start an invitee may book in [since, until), in order."""
    blocked = _blocked(rules, busy)
    first = 0  # blocked[:first] ended before the current start, so before every later one
    free = []
    for start in candidate_starts(rules, since=since, until=until, now=now):
        while first < len(blocked) and blocked[first][1] <= start:
            first += 1
        if _is_free(start, start + rules.duration, blocked, first):
            free.append(start)
    return free


def is_free(rules: SlotRules, busy: Iterable[BusyTime], *, start: datetime) -> bool:
    """Whether [start, start + duration) is clear of every busy time and its buffers, with
    no regard to working hours, notice or horizon (an admin placing a booking)."""
    return _is_free(start, start + rules.duration, _blocked(rules, busy))


def slot_problem(
    rules: SlotRules, busy: Iterable[BusyTime], *, start: datetime, now: datetime
) -> SlotProblem | None:
    """Why `start` can't be booked, or None when it can."""
    if start <= now:
        return SlotProblem.PAST
    if start < now + rules.notice:
        return SlotProblem.TOO_SOON
    if start >= now + rules.horizon:
        return SlotProblem.TOO_FAR
    instant = timedelta(microseconds=1)
    if start not in candidate_starts(rules, since=start, until=start + instant, now=now):
        if start.astimezone(rules.time_zone).date() in rules.days_off:
            return SlotProblem.DAY_OFF
        return SlotProblem.OUTSIDE_HOURS
    if not _is_free(start, start + rules.duration, _blocked(rules, busy)):
        return SlotProblem.TAKEN
    return None
