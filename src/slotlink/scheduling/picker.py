"""The slot picker of the public booking and reschedule pages.

A month of days in the invitee's time zone, the days with free slots marked, and the free
slots of the chosen day. It works from plain links and one form, so it needs no script; the
page's script only fills in the browser's time zone on the first visit.
`picker_for_request` is how a page gets it: what the viewer asked for, read from the
request, and what the `_picker.html` template needs.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypedDict
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils.safestring import SafeString

from slotlink.core.times import DEFAULT_CLOCK, Clock, clock_time, request_clock
from slotlink.scheduling.models import Booking, EventType, GroupSession
from slotlink.scheduling.selectors import Slot, free_slots
from slotlink.scheduling.slots import wall_to_utc
from slotlink.scheduling.timezones import is_time_zone, time_zone_options

MONTHS_TO_SEARCH = 13  # a horizon is at most a year


@dataclass(frozen=True)
class Day:
    date: date
    in_month: bool
    slot_count: int
    selected: bool
    url: str

    @property
    def label(self) -> str:
        count = f"{self.slot_count} time{'s' if self.slot_count != 1 else ''} free"
        return f"{self.date:%A} {self.date.day} {self.date:%B}, {count}"


@dataclass(frozen=True)
class SlotChoice:
    value: str  # the start as ISO 8601 in UTC: what the form sends
    label: str  # the start on the viewer's clock, e.g. "9:30 AM" or "09:30"
    seats_left: int | None


@dataclass
class Picker:
    time_zone: str
    month: date  # the first of the month shown
    weeks: list[list[Day]]
    previous_url: str
    next_url: str
    selected_date: date | None
    slots: list[SlotChoice] = field(default_factory=list)

    @property
    def has_any_slot(self) -> bool:
        return any(day.slot_count for week in self.weeks for day in week)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def _parse_month(text: str) -> date | None:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def picker_time_zone(requested: str, event_type: EventType) -> str:
    """The invitee's zone when it is a real one, else the host's."""
    return requested if requested and is_time_zone(requested) else event_type.host.time_zone


def _slots_by_day(
    event_type: EventType,
    month: date,
    zone: ZoneInfo,
    now: datetime,
    excluding: Booking | None,
    moving_session: GroupSession | None = None,
) -> dict[date, list[Slot]]:
    since = max(now, wall_to_utc(month, time(), zone))
    until = wall_to_utc(_next_month(month), time(), zone)
    by_day: dict[date, list[Slot]] = defaultdict(list)
    if since < until:
        for slot in free_slots(
            event_type=event_type,
            since=since,
            until=until,
            now=now,
            excluding=excluding,
            moving_session=moving_session,
        ):
            by_day[slot.start.astimezone(zone).date()].append(slot)
    return by_day


def build_picker(
    *,
    event_type: EventType,
    path: str,
    time_zone: str,
    month: str = "",
    day: str = "",
    now: datetime,
    excluding: Booking | None = None,
    moving_session: GroupSession | None = None,
    keep: dict[str, str] | None = None,
    clock: Clock = DEFAULT_CLOCK,
) -> Picker:
    """`keep`: query parameters every link of the picker carries on (the embed's); `clock`:
    the viewer's (core/times.py's `request_clock`)."""
    zone = ZoneInfo(time_zone)
    this_month = _month_start(now.astimezone(zone).date())
    last_month = _month_start(
        (now + timedelta(days=event_type.horizon_days)).astimezone(zone).date()
    )
    chosen_day = _parse_date(day)
    shown, by_day = _month_shown(
        event_type,
        asked=_parse_month(month) or (_month_start(chosen_day) if chosen_day else None),
        first=this_month,
        last=last_month,
        zone=zone,
        now=now,
        excluding=excluding,
        moving_session=moving_session,
    )
    if chosen_day not in by_day:
        chosen_day = min(by_day) if by_day else None

    def url(**params: str) -> str:
        return f"{path}?{urlencode({'tz': time_zone, **(keep or {}), **params})}"

    return Picker(
        time_zone=time_zone,
        month=shown,
        weeks=_weeks(shown, by_day, chosen_day=chosen_day, url=url),
        previous_url=url(month=f"{_previous_month(shown):%Y-%m}") if shown > this_month else "",
        next_url=url(month=f"{_next_month(shown):%Y-%m}") if shown < last_month else "",
        selected_date=chosen_day,
        slots=_slot_choices(by_day.get(chosen_day, []) if chosen_day else [], zone, clock),
    )


class PickerContext(TypedDict):
    """What `_picker.html` reads from its page's context."""

    picker: Picker
    chosen: str  # the start the viewer picked, checked again when the page comes back
    time_zone_options: SafeString


def picker_for_request(
    request: HttpRequest,
    *,
    event_type: EventType,
    now: datetime,
    default_time_zone: str = "",
    refused: bool = False,
    excluding: Booking | None = None,
    moving_session: GroupSession | None = None,
    keep: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> PickerContext:
    """The picker as the viewer asked for it: their zone (`time_zone` from the page's form,
    `tz` from the picker's own links and zone select), else `default_time_zone`, else the
    host's; the month and day; and the start they picked, dropped when it was just refused
    so they pick again. `clock`: the viewer's, when the page knows better than the request
    (an invitee's kept with their booking)."""
    params = request.POST if request.method == "POST" else request.GET
    clock = request_clock(request) if clock is None else clock
    picker = build_picker(
        event_type=event_type,
        path=request.path,
        time_zone=picker_time_zone(
            params.get("time_zone") or params.get("tz") or default_time_zone, event_type
        ),
        month=params.get("month", ""),
        day=params.get("date", ""),
        now=now,
        excluding=excluding,
        moving_session=moving_session,
        keep=keep,
        clock=clock,
    )
    return {
        "picker": picker,
        "chosen": "" if refused else params.get("start", ""),
        "time_zone_options": time_zone_options(picker.time_zone, clock=clock),
    }


def _month_shown(
    event_type: EventType,
    *,
    asked: date | None,
    first: date,
    last: date,
    zone: ZoneInfo,
    now: datetime,
    excluding: Booking | None,
    moving_session: GroupSession | None = None,
) -> tuple[date, dict[date, list[Slot]]]:
    """The month to show, within the bookable months, and its free slots by day: the one
    asked for, or on a first visit the first month that has a free slot."""
    shown = min(max(asked or first, first), last)
    by_day = _slots_by_day(event_type, shown, zone, now, excluding, moving_session)
    if asked is None:
        for _ in range(MONTHS_TO_SEARCH):
            if by_day or shown >= last:
                break
            shown = _next_month(shown)
            by_day = _slots_by_day(event_type, shown, zone, now, excluding, moving_session)
    return shown, by_day


def _weeks(
    shown: date,
    by_day: dict[date, list[Slot]],
    *,
    chosen_day: date | None,
    url: Callable[..., str],
) -> list[list[Day]]:
    """The month's calendar: whole weeks, Monday first, each day with its free count."""
    weeks: list[list[Day]] = []
    cursor = shown - timedelta(days=shown.weekday())  # weeks start on Monday
    while cursor < _next_month(shown) or cursor.weekday() != 0:
        if cursor.weekday() == 0:
            weeks.append([])
        count = len(by_day.get(cursor, []))
        weeks[-1].append(
            Day(
                date=cursor,
                in_month=cursor.month == shown.month,
                slot_count=count,
                selected=cursor == chosen_day,
                url=url(month=f"{shown:%Y-%m}", date=cursor.isoformat()),
            )
        )
        cursor += timedelta(days=1)
    return weeks


def _slot_choices(day_slots: list[Slot], zone: ZoneInfo, clock: Clock) -> list[SlotChoice]:
    """The chosen day's free starts on the invitee's clock."""
    local_starts = [slot.start.astimezone(zone) for slot in day_slots]
    wall_times = [local.time() for local in local_starts]
    return [
        SlotChoice(
            value=slot.start.astimezone(UTC).isoformat(),
            # A wall time that happens twice that day (clocks go back) gets its zone.
            label=clock_time(local, clock)
            + (f" {local.tzname()}" if wall_times.count(wall) > 1 else ""),
            seats_left=slot.seats_left,
        )
        for slot, local, wall in zip(day_slots, local_starts, wall_times, strict=True)
    ]
