"""A host's schedules and what they keep about particular dates: time off (a day, or a range
with a name) and other hours on a date (a date override). Dates are the host's own, in their
time zone, like their weekly hours (models.AvailabilityInterval).

A host may keep several named schedules ("Working hours", "Evenings"); each event type
follows one. What belongs to a schedule and what to the person follows Cal.com, which hosts
moving from it expect (Calendly keeps one set of hours per event type, and has no time off
at all): weekly hours and other hours on a date belong to a schedule (evening hours moved
on one date don't move the working day), while time off belongs to the person (away is
away, whichever event type is booked). Other hours on a date replace that date's weekly
hours of their schedule; slots.py says how time off and other hours combine.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from slotlink.scheduling.hours_text import format_hours
from slotlink.scheduling.slots import END_OF_DAY


class Schedule(models.Model):
    """A named set of weekly hours and other hours on dates. Each host has one default (the
    one new event types follow), made with their first hours."""

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="schedules"
    )
    name = models.CharField(max_length=60)
    is_default = models.BooleanField(default=False)
    # False while its hours are the suggested ones a host's first event type was given
    # (weekdays 9 to 5): they are used, so the event type can be booked, and the
    # Availability page asks the host to confirm them until they save hours.
    confirmed = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "name"], name="schedule_name_unique_per_host"),
            models.UniqueConstraint(
                fields=["host"],
                condition=models.Q(is_default=True),
                name="one_default_schedule_per_host",
            ),
        ]
        ordering = ["-is_default", "name", "id"]

    def __str__(self) -> str:
        return self.name


class TimeOff(models.Model):
    """Days the host takes no meetings, first to last day included (one day: both equal).
    The name is the host's own ("Holiday"): invitees are never shown it."""

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="time_off_last_day_not_before_first",
            )
        ]
        ordering = ["first_day", "id"]

    def __str__(self) -> str:
        days = f"{self.first_day}" if self.is_one_day else f"{self.first_day} to {self.last_day}"
        return f"{self.name}: {days}" if self.name else days

    @property
    def is_one_day(self) -> bool:
        return self.first_day == self.last_day


class DateOverride(models.Model):
    """One range of other hours on a date; a date may have several. An end of 00:00 is the
    midnight that ends the day (24:00), as for weekly hours."""

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="date_overrides"
    )
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="overrides")
    day = models.DateField()
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=END_OF_DAY),
                name="date_override_end_after_start",
            )
        ]
        ordering = ["day", "start"]

    def __str__(self) -> str:
        return f"{self.day} {format_hours([(self.start, self.end)])}"
