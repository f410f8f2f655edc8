"""Reads for the Availability page: a host's own schedules, time off and other hours on
dates to come. Only the host's own: co-workers, admins included, see none of another host's."""

from dataclasses import dataclass
from datetime import date, time
from itertools import groupby

from django.db.models import QuerySet

from slotlink.accounts.models import User
from slotlink.scheduling.date_models import DateOverride, Schedule, TimeOff
from slotlink.scheduling.models import AvailabilityInterval


@dataclass(frozen=True)
class OtherHours:
    """A date's other hours, as the page lists them: one entry a date."""

    day: date
    hours: tuple[tuple[time, time], ...]


def time_off_of(*, host: User, today: date) -> QuerySet[TimeOff]:
    """Time off not yet over (past time off isn't listed), first first."""
    return TimeOff.objects.filter(host=host, last_day__gte=today)


def schedules_of(*, host: User) -> QuerySet[Schedule]:
    """The host's schedules, the default first, with the event types that follow each
    (prefetched)."""
    return Schedule.objects.filter(host=host).prefetch_related("event_types")


def weekly_hours_of(*, schedule: Schedule) -> QuerySet[AvailabilityInterval]:
    return AvailabilityInterval.objects.filter(schedule=schedule)


def other_hours_of(*, schedule: Schedule, today: date) -> list[OtherHours]:
    """A schedule's other hours on dates from `today` on (past ones aren't listed)."""
    rows = DateOverride.objects.filter(schedule=schedule, day__gte=today).values_list(
        "day", "start", "end"
    )
    return [
        OtherHours(day=day, hours=tuple((start, end) for _, start, end in ranges))
        for day, ranges in groupby(rows, key=lambda row: row[0])
    ]
