"""Writes about a host's named schedules: made, renamed, made the default, deleted, and the
weekly hours each keeps. What a schedule holds and what the person does: date_models.py."""

from collections.abc import Iterable
from datetime import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from slotlink.accounts.models import User, validate_time_zone
from slotlink.core.bidi import MixedText
from slotlink.scheduling.date_models import Schedule
from slotlink.scheduling.models import AvailabilityInterval
from slotlink.scheduling.slots import END_OF_DAY

DEFAULT_SCHEDULE_NAME = "Working hours"
# The hours suggested to a new host, in their own time zone: weekdays 9 to 5. The
# Availability page shows them until the host confirms them (Schedule.confirmed).
DEFAULT_WEEKLY_HOURS = [(weekday, time(9), time(17)) for weekday in range(5)]


def suggested_hours_use(*, host: User) -> Schedule:
    """The host's default schedule; a host without weekly hours gets the suggested ones in
    it, unconfirmed, so an event type of theirs can be booked while the Availability page
    asks them to confirm. Hours they saved (or confirmed) stay as they are."""
    schedule = default_schedule_of(host=host)
    if not AvailabilityInterval.objects.filter(host=host).exists():
        weekly_hours_replace(schedule=schedule, intervals=DEFAULT_WEEKLY_HOURS, confirmed=False)
    return schedule


def default_schedule_of(*, host: User) -> Schedule:
    """The host's default schedule, made (without hours) if they have none yet."""
    with transaction.atomic():
        schedule = Schedule.objects.filter(host=host, is_default=True).first()
        if schedule is None:
            schedule = Schedule.objects.create(
                host=host, name=_free_name(host, DEFAULT_SCHEDULE_NAME), is_default=True
            )
        return schedule


def _free_name(host: User, name: str) -> str:
    taken = set(Schedule.objects.filter(host=host).values_list("name", flat=True))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} {n}", n + 1
    return candidate


def _name_taken(name: str) -> ValidationError:
    return ValidationError(
        {
            "name": MixedText(
                "You already have a schedule named “{name}”. Pick another name.", name=name
            )
        }
    )


def schedule_create(*, host: User, name: str) -> Schedule:
    """A new schedule with weekdays 9 to 5, to edit from there."""
    name = name.strip()
    try:
        with transaction.atomic():
            default_schedule_of(host=host)  # the first stays the default
            schedule = Schedule.objects.create(host=host, name=name)
    except IntegrityError:
        raise _name_taken(name) from None
    weekly_hours_replace(schedule=schedule, intervals=DEFAULT_WEEKLY_HOURS)
    return schedule


def schedule_rename(*, schedule: Schedule, name: str) -> Schedule:
    schedule.name = name.strip()
    try:
        with transaction.atomic():
            schedule.save(update_fields=["name"])
    except IntegrityError:
        raise _name_taken(schedule.name) from None
    return schedule


@transaction.atomic
def schedule_make_default(*, schedule: Schedule) -> None:
    """New event types follow it from now on; those made already keep theirs."""
    Schedule.objects.filter(host_id=schedule.host_id, is_default=True).update(is_default=False)
    Schedule.objects.filter(pk=schedule.pk).update(is_default=True)
    schedule.is_default = True


@transaction.atomic
def schedule_delete(*, schedule: Schedule) -> None:
    """Refused for the default, and while event types follow it (named, so the host knows
    which to move)."""
    if schedule.is_default:
        raise ValidationError(
            MixedText(
                "“{name}” is your default schedule. Make another one the default first.",
                name=schedule.name,
            )
        )
    titles = list(schedule.event_types.order_by("title").values_list("title", flat=True))
    if titles:
        # Each title is a typed part of its own: one in Arabic mustn't reorder the list.
        typed = {f"title{n}": title for n, title in enumerate(titles)}
        listed = ", ".join(f"{{{part}}}" for part in typed)
        raise ValidationError(
            MixedText(
                f"“{{name}}” is used by {listed}. Pick another schedule for "
                f"{'it' if len(titles) == 1 else 'them'} first.",
                name=schedule.name,
                **typed,
            )
        )
    schedule.delete()


@transaction.atomic
def weekly_hours_replace(
    *,
    schedule: Schedule,
    intervals: Iterable[tuple[int, time, time]],
    time_zone: str | None = None,
    confirmed: bool = True,
) -> None:
    """Set a schedule's weekly hours (and, given, the time zone its host is in). Hours a
    host sets are confirmed; only suggested_hours_use sets them unconfirmed."""
    host = schedule.host
    if time_zone is not None and time_zone != host.time_zone:
        validate_time_zone(time_zone)
        host.time_zone = time_zone
        host.save(update_fields=["time_zone"])
    rows = [
        AvailabilityInterval(
            host_id=schedule.host_id, schedule=schedule, weekday=weekday, start=start, end=end
        )
        for weekday, start, end in intervals
    ]
    for row in rows:
        if row.end <= row.start and row.end != END_OF_DAY:
            raise ValidationError(f"{row}: the end must be after the start.")
    AvailabilityInterval.objects.filter(schedule=schedule).delete()
    AvailabilityInterval.objects.bulk_create(rows)
    if schedule.confirmed != confirmed:
        schedule.confirmed = confirmed
        schedule.save(update_fields=["confirmed"])
