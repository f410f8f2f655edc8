"""Writes about a host's dates: time off (a day or a range) and other hours on a date.

The forms check what a person typed; these check again what must hold whoever calls them
(a range that ends before it starts, overlapping time off, overlapping ranges), and raise
ValidationError with words the host can act on, writing nothing.
"""

from collections.abc import Sequence
from datetime import date, time
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction

from slotlink.accounts.models import User
from slotlink.scheduling.date_models import DateOverride, Schedule, TimeOff
from slotlink.scheduling.hours_text import format_hours
from slotlink.scheduling.services.schedules import default_schedule_of
from slotlink.scheduling.slots import END_OF_DAY

# A holiday, not a sabbatical: a longer absence is better said by turning event types off.
MAX_TIME_OFF_DAYS = 366


def _day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def time_off_add(*, host: User, first_day: date, last_day: date, name: str = "") -> TimeOff:
    """Days off for `host`, first to last included. Refused when it ends before it starts,
    runs over a year, or overlaps time off they already have (say which)."""
    if last_day < first_day:
        raise ValidationError(
            {
                "last_day": f"The last day ({_day_text(last_day)}) is before the first "
                f"({_day_text(first_day)}). Pick a last day on or after the first."
            }
        )
    if (last_day - first_day).days >= MAX_TIME_OFF_DAYS:
        raise ValidationError(
            {"last_day": f"Time off can be at most {MAX_TIME_OFF_DAYS} days at once."}
        )
    with transaction.atomic():
        overlapping = (
            TimeOff.objects.select_for_update()
            .filter(host=host, first_day__lte=last_day, last_day__gte=first_day)
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                f"This overlaps time off you already have ({_time_off_text(overlapping)}). "
                "Remove that first, or pick other days."
            )
        return TimeOff.objects.create(
            host=host, first_day=first_day, last_day=last_day, name=name.strip()
        )


def _time_off_text(time_off: TimeOff) -> str:
    days = (
        _day_text(time_off.first_day)
        if time_off.is_one_day
        else f"{_day_text(time_off.first_day)} to {_day_text(time_off.last_day)}"
    )
    return f"{time_off.name}, {days}" if time_off.name else days


def time_off_remove(*, time_off: TimeOff) -> None:
    time_off.delete()


@transaction.atomic
def date_override_set(
    *,
    host: User,
    day: date,
    hours: Sequence[tuple[time, time]],
    schedule: Schedule | None = None,
) -> list[DateOverride]:
    """Other hours on `day` in one of the host's schedules (their default if not given),
    replacing any it had for that day. At least one range; ranges must not overlap
    (hours_text refuses them as typed; this for any caller)."""
    if not hours:
        raise ValidationError(
            {
                "hours": "Write the hours you take meetings that day, like 10-14. For no "
                "meetings at all, add it as a day off instead."
            }
        )
    ordered = sorted(hours)
    for start, end in ordered:
        if end <= start and end != END_OF_DAY:
            raise ValidationError(
                {"hours": f"{format_hours([(start, end)])}: the end must be after the start."}
            )
    for (_, first_end), (second_start, _) in pairwise(ordered):
        if first_end == END_OF_DAY or second_start < first_end:
            raise ValidationError({"hours": f"{format_hours(ordered)}: these ranges overlap."})
    schedule = _own(host, schedule)
    DateOverride.objects.filter(schedule=schedule, day=day).delete()
    return DateOverride.objects.bulk_create(
        DateOverride(host=host, schedule=schedule, day=day, start=start, end=end)
        for start, end in ordered
    )


def date_override_remove(*, host: User, day: date, schedule: Schedule | None = None) -> None:
    """Back to the schedule's weekly hours on `day`."""
    DateOverride.objects.filter(schedule=_own(host, schedule), day=day).delete()


def _own(host: User, schedule: Schedule | None) -> Schedule:
    if schedule is None:
        return default_schedule_of(host=host)
    if schedule.host_id != host.id:
        raise ValidationError("Pick one of your own schedules.")
    return schedule
