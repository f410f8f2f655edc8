"""The event type editor's Reminders tab: add a reminder, from the usual leads or a custom
one in minutes, hours or days."""

from django import forms

from slotlink.scheduling.reminders.models import MAX_MINUTES_BEFORE, MIN_MINUTES_BEFORE
from slotlink.scheduling.reminders.words import lead_words

CUSTOM = "custom"
LEAD_CHOICES = [
    (str(minutes), f"{lead_words(minutes)} before")
    for minutes in (15, 30, 60, 2 * 60, 24 * 60, 48 * 60, 7 * 24 * 60)
] + [(CUSTOM, "Custom…")]
UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
BOUNDS = f"between {lead_words(MIN_MINUTES_BEFORE)} and {lead_words(MAX_MINUTES_BEFORE)}"


class ReminderForm(forms.Form):
    lead = forms.ChoiceField(label="When", choices=LEAD_CHOICES, initial=str(24 * 60))
    custom_amount = forms.IntegerField(label="Custom: how long before", required=False, min_value=1)
    custom_unit = forms.ChoiceField(
        label="Unit", choices=[(unit, unit) for unit in UNITS], required=False, initial="hours"
    )
    to_host = forms.BooleanField(label="Email the host too", required=False)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        lead = cleaned.get("lead")
        if lead is None:
            return cleaned
        if lead != CUSTOM:
            cleaned["minutes_before"] = int(str(lead))
            return cleaned
        amount, unit = cleaned.get("custom_amount"), cleaned.get("custom_unit") or "hours"
        if amount is None:
            if "custom_amount" not in self.errors:
                self.add_error("custom_amount", "Say how long before, for a custom reminder.")
            return cleaned
        minutes = int(str(amount)) * UNITS[str(unit)]
        if not MIN_MINUTES_BEFORE <= minutes <= MAX_MINUTES_BEFORE:
            self.add_error(
                "custom_amount", f"A reminder goes {BOUNDS} before the start, not {amount} {unit}."
            )
            return cleaned
        cleaned["minutes_before"] = minutes
        return cleaned
