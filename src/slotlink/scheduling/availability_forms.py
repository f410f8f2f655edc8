"""Forms of the Availability page: weekly hours as people write them (hours_text)."""

from datetime import time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from slotlink.core.text import HiddenControlsRefused
from slotlink.scheduling.hours_text import HoursTextError, parse_hours
from slotlink.scheduling.models import AvailabilityInterval
from slotlink.scheduling.timezones import time_zone_choices

WEEKDAYS = [(day.value, day.label.lower(), day.label) for day in AvailabilityInterval.Weekday]
HOURS_PLACEHOLDER = "Unavailable"


def hours_field(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        required=required,
        widget=forms.TextInput(attrs={"placeholder": HOURS_PLACEHOLDER}),
    )


def clean_hours(text: str) -> list[tuple[time, time]]:
    try:
        return parse_hours(text)
    except HoursTextError as error:
        raise ValidationError(str(error)) from error


class AvailabilityForm(HiddenControlsRefused, forms.Form):
    time_zone = forms.ChoiceField(label="Your time zone", choices=time_zone_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for _, name, label in WEEKDAYS:
            self.fields[name] = hours_field(label)

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        for _, name, _ in WEEKDAYS:
            if name in data:
                try:
                    data[name] = clean_hours(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data

    def weekly_intervals(self) -> list[tuple[int, time, time]]:
        return [
            (weekday, start, end)
            for weekday, name, _ in WEEKDAYS
            for start, end in self.cleaned_data[name]
        ]

    def day_fields(self) -> list[forms.BoundField]:
        return [self[name] for _, name, _ in WEEKDAYS]
