"""The host's form to block an address or an email from booking with the organization."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_ipv46_address

from slotlink.core.text import HiddenControlsRefused
from slotlink.scheduling.limits.models import BookingBlock
from slotlink.scheduling.limits.services import address_counted

BAD_ADDRESS = "That isn't an internet address. Copy it from the list of refused bookings."
BAD_EMAIL = "That isn't an email address."


class BookingBlockForm(HiddenControlsRefused, forms.Form):
    kind = forms.ChoiceField(choices=BookingBlock.Kind.choices)
    value = forms.CharField(max_length=254, label="Address or email")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        kind, value = cleaned.get("kind"), str(cleaned.get("value") or "").strip()
        if kind == BookingBlock.Kind.ADDRESS:
            try:
                validate_ipv46_address(value)
            except ValidationError:
                self.add_error("value", BAD_ADDRESS)
            else:
                value = address_counted(value) or value  # an IPv6 address: its /64
        elif kind == BookingBlock.Kind.EMAIL:
            value = value.lower()
            try:
                validate_email(value)
            except ValidationError:
                self.add_error("value", BAD_EMAIL)
        cleaned["value"] = value
        return cleaned
