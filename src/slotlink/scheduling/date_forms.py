"""Forms of the Availability page's dates: time off (a day, or a range with an optional
name) and other hours on a date, typed as for weekly hours (hours_text)."""

from datetime import date, time
from typing import Any

from django import forms

from slotlink.core.text import HiddenControlsRefused
from slotlink.scheduling.availability_forms import clean_hours, hours_field

PAST_DAY = "{day} has passed. Pick today or a later day."


class DateInput(forms.DateInput):
    input_type = "date"


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    # ISO dates only: what a date picker sends, and what can't be misread (3/4 is which?).
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2026-12-24."},
    )


class _DatesForm(HiddenControlsRefused, forms.Form):
    """Days in the host's zone; `today` is theirs, and days before it are refused."""

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def _not_past(self, name: str) -> None:
        day = self.cleaned_data.get(name)
        if day is not None and day < self.today:
            self.add_error(name, PAST_DAY.format(day=f"{day:%a} {day.day} {day:%b %Y}"))


class TimeOffForm(_DatesForm):
    prefix = "time_off"

    first_day = date_field("From")
    last_day = date_field("To (empty for one day)", required=False)
    name = forms.CharField(label="Name (only you see it)", max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._not_past("first_day")
        if data.get("first_day") is not None and data.get("last_day") is None:
            data["last_day"] = data["first_day"]
        return data


class DateOverrideForm(_DatesForm):
    prefix = "override"

    day = date_field("Date")
    hours = hours_field("Hours that day", required=True)

    def clean_hours(self) -> list[tuple[time, time]]:
        return clean_hours(self.cleaned_data["hours"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._not_past("day")
        return data


class ScheduleForm(HiddenControlsRefused, forms.Form):
    prefix = "schedule"

    name = forms.CharField(label="Schedule name", max_length=60)
