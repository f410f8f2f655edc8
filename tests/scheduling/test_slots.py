"""The slot rules, on plain values: weekly hours, time off and other hours on a date,
bookings, buffers, notice, horizon, DST."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slotlink.scheduling.slots import (
    END_OF_DAY,
    BusyTime,
    DateHours,
    SlotProblem,
    SlotRules,
    WeeklyInterval,
    free_starts,
    slot_problem,
    wall_to_utc,
)
from slotlink.scheduling.timezones import time_zone_names

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)


def every_day(start: time, end: time) -> tuple[WeeklyInterval, ...]:
    return tuple(WeeklyInterval(weekday, start, end) for weekday in range(7))


def rules(**overrides: object) -> SlotRules:
    values: dict[str, object] = {
        "time_zone": BERLIN,
        "weekly": every_day(time(9), time(17)),
        "duration": timedelta(minutes=30),
        "horizon": timedelta(days=30),
    }
    values.update(overrides)
    return SlotRules(**values)  # type: ignore[arg-type]


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


def local_times(starts: list[datetime], zone: ZoneInfo = BERLIN) -> list[str]:
    return [f"{start.astimezone(zone):%H:%M%z}" for start in starts]


def day_of(rules_: SlotRules, day: date, *, busy: tuple[BusyTime, ...] = ()) -> list[datetime]:
    since = wall_to_utc(day, time(), rules_.time_zone)
    until = wall_to_utc(day + timedelta(days=1), time(), rules_.time_zone)
    return free_starts(rules_, busy, since=since, until=until, now=since - timedelta(days=1))


# --- Time off and other hours on a date ----------------------------------------------


def test_a_day_off_has_no_slots_and_the_days_around_it_keep_theirs():
    """A day off in the host's zone has no slot, whatever its weekly hours; the day before
    and after keep every one, up to the midnight between them."""
    off = rules(weekly=every_day(time(0), END_OF_DAY), days_off=frozenset({date(2026, 6, 10)}))
    assert day_of(off, date(2026, 6, 10)) == []
    assert len(day_of(off, date(2026, 6, 9))) == 48
    assert len(day_of(off, date(2026, 6, 11))) == 48


def test_a_day_off_is_the_hosts_date_not_the_utc_one():
    """A day off in Tokyo starts at 15:00 UTC the evening before: the UTC day's morning is
    still the host's previous day and keeps its slots."""
    tokyo = ZoneInfo("Asia/Tokyo")
    off = rules(
        time_zone=tokyo,
        weekly=every_day(time(0), END_OF_DAY),
        days_off=frozenset({date(2026, 6, 10)}),
    )
    since = datetime(2026, 6, 9, tzinfo=UTC)
    starts = free_starts(
        off, (), since=since, until=since + timedelta(days=1), now=since - timedelta(days=1)
    )
    assert (starts[0], starts[-1]) == (since, datetime(2026, 6, 9, 14, 30, tzinfo=UTC))


def test_a_holiday_range_has_no_slots_on_any_of_its_days():
    """Every day of a range of days off is closed, the last one too."""
    holiday = frozenset(date(2026, 12, 24) + timedelta(days=n) for n in range(3))
    off = rules(days_off=holiday)
    assert [day_of(off, day) for day in sorted(holiday)] == [[], [], []]
    assert day_of(off, date(2026, 12, 27)) != []


def test_other_hours_replace_their_dates_weekly_hours_only():
    """Other hours on a date are that date's only hours, even on a weekday without any;
    the same weekday a week later keeps its weekly hours."""
    weekdays = tuple(WeeklyInterval(day, time(9), time(17)) for day in range(5))
    saturday = date(2026, 6, 13)
    other = rules(
        weekly=weekdays,
        overrides=(
            DateHours(date(2026, 6, 10), time(13), time(14)),
            DateHours(date(2026, 6, 10), time(20), time(21)),
            DateHours(saturday, time(10), time(11)),
        ),
    )
    assert local_times(day_of(other, date(2026, 6, 10))) == [
        "13:00+0200",
        "13:30+0200",
        "20:00+0200",
        "20:30+0200",
    ]
    assert local_times(day_of(other, saturday)) == ["10:00+0200", "10:30+0200"]
    assert len(day_of(other, date(2026, 6, 17))) == 16


def test_time_off_wins_over_other_hours_on_the_same_date():
    """A date both off and with other hours has no slot."""
    both = rules(
        days_off=frozenset({date(2026, 6, 10)}),
        overrides=(DateHours(date(2026, 6, 10), time(13), time(14)),),
    )
    assert day_of(both, date(2026, 6, 10)) == []


def test_other_hours_on_a_spring_forward_date_follow_the_wall_clock():
    """Berlin, 28 March 2027: clocks jump from 02:00 to 03:00, so other hours of
    01:00-04:00 that day hold two hours of slots; a day off the following Sunday in
    October, when 02:00-03:00 happens twice, has none."""
    other = rules(
        overrides=(DateHours(date(2027, 3, 28), time(1), time(4)),),
        days_off=frozenset({date(2027, 10, 31)}),
        horizon=timedelta(days=400),
    )
    starts = day_of(other, date(2027, 3, 28))
    assert local_times(starts) == ["01:00+0100", "01:30+0100", "03:00+0200", "03:30+0200"]
    assert day_of(other, date(2027, 10, 31)) == []


def test_slot_problem_says_the_host_is_away_on_a_day_off():
    """A start on a day off is refused as the host's day off, not as outside hours; a
    start outside other hours on a date is outside hours."""
    now = berlin(2026, 6, 9, 8)
    dated = rules(
        days_off=frozenset({date(2026, 6, 10)}),
        overrides=(DateHours(date(2026, 6, 11), time(13), time(14)),),
    )
    assert slot_problem(dated, (), start=berlin(2026, 6, 10, 10), now=now) == SlotProblem.DAY_OFF
    assert (
        slot_problem(dated, (), start=berlin(2026, 6, 11, 10), now=now) == SlotProblem.OUTSIDE_HOURS
    )
    assert slot_problem(dated, (), start=berlin(2026, 6, 11, 13), now=now) is None


# --- Weekly hours -----------------------------------------------------------------------


def test_slots_fill_the_weekly_hours_at_the_duration_or_half_an_hour():
    """A 30-minute event in 09:00-17:00 offers 09:00, 09:30, ... 16:30; a 60-minute one
    steps by half an hour and ends by 17:00."""
    day = date(2026, 6, 10)
    assert len(day_of(rules(), day)) == 16
    hour_long = day_of(rules(duration=timedelta(hours=1)), day)
    assert local_times(hour_long)[:3] == ["09:00+0200", "09:30+0200", "10:00+0200"]
    assert local_times(hour_long)[-1] == "16:00+0200"


def test_days_without_hours_have_no_slots():
    """Only the weekdays with hours are bookable."""
    weekdays_only = tuple(WeeklyInterval(d, time(9), time(17)) for d in range(5))
    assert day_of(rules(weekly=weekdays_only), date(2026, 6, 13)) == []  # a Saturday
    assert day_of(rules(weekly=weekdays_only), date(2026, 6, 12)) != []  # a Friday


def test_several_ranges_a_day_and_adjacent_ranges_join():
    """09:00-10:00 and 10:00-11:00 are one stretch: a 60-minute slot may start at 09:30;
    a break between ranges is never booked."""
    weekly = (
        WeeklyInterval(2, time(9), time(10)),
        WeeklyInterval(2, time(10), time(11)),
        WeeklyInterval(2, time(14), time(15)),
    )
    starts = day_of(rules(weekly=weekly, duration=timedelta(hours=1)), date(2026, 6, 10))
    assert local_times(starts) == ["09:00+0200", "09:30+0200", "10:00+0200", "14:00+0200"]


def test_hours_are_the_hosts_wall_clock_in_their_zone():
    """A New York host's 09:00 is 15:00 in Berlin."""
    new_york = rules(time_zone=ZoneInfo("America/New_York"))
    starts = day_of(new_york, date(2026, 6, 10))
    assert local_times(starts[:1], BERLIN) == ["15:00+0200"]


# --- Bookings and buffers -----------------------------------------------------------------


def test_a_booking_blocks_its_time_and_the_larger_buffer_around_it():
    """A 10:00-10:30 booking with a 15-minute buffer blocks 09:30 and 10:30 for a
    30-minute event, but not 09:00 or 11:00."""
    booking = BusyTime(berlin(2026, 6, 10, 10), berlin(2026, 6, 10, 10, 30), timedelta(minutes=15))
    starts = local_times(day_of(rules(), date(2026, 6, 10), busy=(booking,)))
    assert "09:00+0200" in starts
    assert "11:00+0200" in starts
    assert not {"09:30+0200", "10:00+0200", "10:30+0200"} & set(starts)


def test_the_buffer_of_the_event_being_booked_counts_too():
    """The event's own buffer keeps space after a booking of another event type."""
    booking = BusyTime(berlin(2026, 6, 10, 10), berlin(2026, 6, 10, 10, 30))
    starts = local_times(
        day_of(rules(buffer=timedelta(minutes=30)), date(2026, 6, 10), busy=(booking,))
    )
    assert "10:30+0200" not in starts
    assert "09:30+0200" not in starts
    assert {"09:00+0200", "11:00+0200"} <= set(starts)


def test_a_group_session_with_room_can_be_joined_at_its_start_only():
    """Another invitee may join a session with seats left at exactly its start; the time
    around it stays blocked."""
    session = BusyTime(berlin(2026, 6, 10, 10), berlin(2026, 6, 10, 11), joinable=True)
    starts = local_times(
        day_of(rules(duration=timedelta(hours=1)), date(2026, 6, 10), busy=(session,))
    )
    assert "10:00+0200" in starts
    assert not {"09:30+0200", "10:30+0200"} & set(starts)
    full = BusyTime(session.start, session.end, joinable=False)
    assert "10:00+0200" not in local_times(
        day_of(rules(duration=timedelta(hours=1)), date(2026, 6, 10), busy=(full,))
    )


# --- Notice, horizon, the past ----------------------------------------------------------


def test_notice_and_horizon_bound_the_slots_and_keep_the_rhythm():
    """With 2 hours' notice at 08:07 the first slot is 10:30 (not 10:07); nothing starts
    beyond the horizon."""
    now = berlin(2026, 6, 10, 8, 7)
    starts = free_starts(
        rules(notice=timedelta(hours=2), horizon=timedelta(days=2)),
        (),
        since=now - timedelta(days=1),
        until=now + timedelta(days=10),
        now=now,
    )
    assert local_times(starts[:1]) == ["10:30+0200"]
    assert max(starts) < now + timedelta(days=2)


def test_slot_problem_names_what_is_wrong():
    """Each refused time says why: past, too soon, too far, outside hours, or taken."""
    now = berlin(2026, 6, 10, 8)
    r = rules(notice=timedelta(hours=1), horizon=timedelta(days=7))
    taken = BusyTime(berlin(2026, 6, 10, 12), berlin(2026, 6, 10, 12, 30))

    def problem(start: datetime) -> SlotProblem | None:
        return slot_problem(r, (taken,), start=start, now=now)

    assert problem(berlin(2026, 6, 10, 7)) == SlotProblem.PAST
    assert problem(berlin(2026, 6, 10, 8, 30)) == SlotProblem.TOO_SOON
    assert problem(berlin(2026, 6, 20, 10)) == SlotProblem.TOO_FAR
    assert problem(berlin(2026, 6, 10, 20)) == SlotProblem.OUTSIDE_HOURS
    assert problem(berlin(2026, 6, 10, 10, 10)) == SlotProblem.OUTSIDE_HOURS  # off the grid
    assert problem(berlin(2026, 6, 10, 16, 45)) == SlotProblem.OUTSIDE_HOURS  # ends too late
    assert problem(berlin(2026, 6, 10, 12)) == SlotProblem.TAKEN
    assert problem(berlin(2026, 6, 10, 10)) is None


# --- Daylight saving ------------------------------------------------------------------------


def test_a_spring_forward_night_is_an_hour_shorter():
    """Berlin, 29 March 2026: clocks jump from 02:00 to 03:00, so 01:00-04:00 holds two
    hours of slots."""
    night = rules(weekly=every_day(time(1), time(4)))
    starts = day_of(night, date(2026, 3, 29))
    assert local_times(starts) == ["01:00+0100", "01:30+0100", "03:00+0200", "03:30+0200"]
    assert all(start.tzinfo is UTC for start in starts)


def test_a_fall_back_night_repeats_an_hour_without_repeating_a_slot():
    """Berlin, 25 October 2026: 02:00-03:00 happens twice, so 01:00-04:00 holds four hours
    and each repeated wall time is offered once per occurrence, as distinct instants."""
    night = rules(weekly=every_day(time(1), time(4)))
    starts = day_of(night, date(2026, 10, 25))
    assert len(starts) == 8 == len(set(starts))
    assert local_times(starts)[2:6] == ["02:00+0200", "02:30+0200", "02:00+0100", "02:30+0100"]


def test_wall_times_that_do_not_exist_or_happen_twice():
    """A skipped wall time is the instant of the jump; a repeated one is its first or
    its last occurrence."""
    assert wall_to_utc(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(
        2026, 3, 29, 1, tzinfo=UTC
    )
    assert wall_to_utc(date(2026, 10, 25), time(2, 30), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert wall_to_utc(date(2026, 10, 25), time(2, 30), BERLIN, latest=True) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )


def test_zones_with_half_hour_changes_and_midnight_changes():
    """Lord Howe moves its clocks by 30 minutes; São Paulo (2018) skipped midnight."""
    lord_howe = rules(time_zone=ZoneInfo("Australia/Lord_Howe"), weekly=every_day(time(1), time(3)))
    assert len(day_of(lord_howe, date(2026, 10, 4))) == 3  # 02:00 -> 02:30: 1.5 hours
    sao_paulo = rules(time_zone=ZoneInfo("America/Sao_Paulo"), weekly=every_day(time(0), time(2)))
    starts = day_of(sao_paulo, date(2018, 11, 4))
    assert local_times(starts, ZoneInfo("America/Sao_Paulo")) == ["01:00-0200", "01:30-0200"]


def test_hours_until_midnight_offer_the_days_last_slot():
    """A range ending 24:00 (stored as END_OF_DAY) is open until midnight: 23:30 is the last
    start of a 30-minute event, and nothing of the next day is opened."""
    evening = rules(weekly=(WeeklyInterval(2, time(22), END_OF_DAY),))
    starts = day_of(evening, date(2026, 6, 10))  # a Wednesday
    assert local_times(starts) == ["22:00+0200", "22:30+0200", "23:00+0200", "23:30+0200"]
    assert day_of(evening, date(2026, 6, 11)) == []


def test_hours_until_a_midnight_the_clocks_skip_end_at_the_jump():
    """São Paulo, 3 November 2018: clocks jumped from 24:00 to 01:00, so 22:00-24:00 holds
    its two hours and the next day's 01:00 stays closed."""
    zone = ZoneInfo("America/Sao_Paulo")
    evening = rules(time_zone=zone, weekly=(WeeklyInterval(5, time(22), END_OF_DAY),))
    starts = day_of(evening, date(2018, 11, 3))
    assert local_times(starts, zone) == ["22:00-0300", "22:30-0300", "23:00-0300", "23:30-0300"]


# --- Property: the slots are exactly what a minute-by-minute reading of the rules gives ----


@cache
def dst_zones() -> tuple[str, ...]:
    """Zones whose clocks change in 2025: the interesting ones for DST."""
    changing = []
    for name in time_zone_names():
        zone = ZoneInfo(name)
        winter = datetime(2025, 1, 15, tzinfo=zone).utcoffset()
        summer = datetime(2025, 7, 15, tzinfo=zone).utcoffset()
        if winter != summer:
            changing.append(name)
    return tuple(changing)


@lru_cache(maxsize=4096)
def change_days(name: str, year: int) -> tuple[date, ...]:
    """The local dates in `year` on which the zone's offset changes."""
    zone = ZoneInfo(name)
    days = []
    day = date(year, 1, 1)
    previous = datetime.combine(day, time(), tzinfo=UTC).astimezone(zone).utcoffset()
    while day.year == year:
        day += timedelta(days=1)
        offset = datetime.combine(day, time(), tzinfo=UTC).astimezone(zone).utcoffset()
        if offset != previous:
            days.append(day - timedelta(days=1))
        previous = offset
    return tuple(days)


@st.composite
def zone_and_day(draw: st.DrawFn) -> tuple[ZoneInfo, date]:
    names = (*dst_zones(), "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns", "UTC")
    name = draw(st.sampled_from(names))
    year = draw(st.integers(2000, 2037))
    days = change_days(name, year)
    if days:
        day = draw(st.sampled_from(days)) + timedelta(days=draw(st.integers(-1, 1)))
    else:
        day = draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
    return ZoneInfo(name), day


@st.composite
def weekly_hours(draw: st.DrawFn) -> tuple[WeeklyInterval, ...]:
    intervals = []
    for weekday in range(7):
        count = draw(st.integers(0, 2))
        points = sorted(
            draw(st.sets(st.integers(0, 24 * 12), min_size=2 * count, max_size=2 * count))
        )
        for start, end in zip(points[::2], points[1::2], strict=True):
            as_time = lambda five_minutes: time(five_minutes // 12 % 24, five_minutes % 12 * 5)  # noqa: E731
            intervals.append(WeeklyInterval(weekday, as_time(start), as_time(end)))
    return tuple(intervals)


def oracle_starts(
    r: SlotRules, busy: list[BusyTime], *, since: datetime, until: datetime, now: datetime
) -> list[datetime]:
    """The slots, derived independently: read the wall clock minute by minute, find the
    open stretches, step through each one."""

    def open_at(instant: datetime) -> bool:
        local = instant.astimezone(r.time_zone)
        wall = local.time().replace(tzinfo=None)
        return any(
            i.weekday == local.weekday()
            and i.start <= wall
            and (wall < i.end or i.end == END_OF_DAY)
            for i in r.weekly
        )

    scan_from, scan_to = since - timedelta(days=1), until + timedelta(days=1)
    stretches, current = [], None
    instant = scan_from
    while instant < scan_to:
        if open_at(instant):
            current = current or instant
        elif current is not None:
            stretches.append((current, instant))
            current = None
        instant += MINUTE
    if current is not None:
        stretches.append((current, scan_to))
    starts = []
    for stretch_start, stretch_end in stretches:
        start = stretch_start
        while start + r.duration <= stretch_end:
            clashes = any(
                b.start - max(r.buffer, b.buffer) < start + r.duration
                and start < b.end + max(r.buffer, b.buffer)
                for b in busy
            )
            if (
                since <= start < until
                and start > now
                and start >= now + r.notice
                and start < now + r.horizon
                and not clashes
            ):
                starts.append(start)
            start += r.step
    return starts


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    place=zone_and_day(),
    weekly=weekly_hours(),
    duration_minutes=st.sampled_from([15, 20, 30, 45, 60, 90]),
    buffer_minutes=st.sampled_from([0, 10, 30]),
    notice_minutes=st.integers(0, 600),
    now_offset_minutes=st.integers(-36 * 60, 24 * 60),
    bookings=st.lists(
        st.tuples(st.integers(0, 3 * 24 * 60), st.integers(15, 120), st.sampled_from([0, 15])),
        max_size=4,
    ),
)
def test_slots_match_the_wall_clock_minute_by_minute_around_dst_changes(
    place, weekly, duration_minutes, buffer_minutes, notice_minutes, now_offset_minutes, bookings
):
    """For random zones, dates around their DST changes, weekly hours, bookings, buffers and
    notice: every slot offered is exactly the event's length, lies wholly inside the host's
    wall-clock hours, clashes with no booking, and no such slot is missing."""
    zone, day = place
    r = SlotRules(
        time_zone=zone,
        weekly=weekly,
        duration=timedelta(minutes=duration_minutes),
        buffer=timedelta(minutes=buffer_minutes),
        notice=timedelta(minutes=notice_minutes),
        horizon=timedelta(days=2),
    )
    since = datetime.combine(day, time(), tzinfo=UTC) - timedelta(hours=14)
    until = since + timedelta(days=2)
    now = since + timedelta(minutes=now_offset_minutes)
    busy = [
        BusyTime(
            since + timedelta(minutes=at),
            since + timedelta(minutes=at + length),
            timedelta(minutes=buffer),
        )
        for at, length, buffer in bookings
    ]
    starts = free_starts(r, busy, since=since, until=until, now=now)
    assert starts == oracle_starts(r, busy, since=since, until=until, now=now)
    assert starts == sorted(set(starts))
    for start in starts:
        assert start.utcoffset() == timedelta(0)
        assert slot_problem(r, busy, start=start, now=now) is None
