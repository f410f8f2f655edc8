"""The calendar pages' forms: connect an account, pick its calendars, a new password."""

from collections.abc import Sequence
from typing import Any

from django import forms

from slotlink.calendars.models import ConnectedCalendar
from slotlink.core.text import HiddenControlsRefused

APP_PASSWORD_HELP = (
    "Not your account's own password: an app password you make for slotlink in your "  # noqa: S105
    "calendar account's security settings, which you can revoke on its own."
)


def _password_field(label: str) -> forms.CharField:
    # strip=False: a password is taken exactly as typed.
    return forms.CharField(
        label=label,
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=APP_PASSWORD_HELP,
    )


class ConnectForm(HiddenControlsRefused, forms.Form):
    address = forms.CharField(
        label="Server address",
        max_length=500,
        help_text="The full URL, or just your email's domain (for example fastmail.com).",
    )
    username = forms.CharField(label="Username", max_length=254)
    password = _password_field("App password")
    label = forms.CharField(
        label="Name (optional)",
        max_length=100,
        required=False,
        help_text="How this connection is listed, for example Work or Personal.",
    )


class ReconnectForm(forms.Form):
    password = _password_field("New app password")


class ChooseForm(forms.Form):
    busy = forms.TypedMultipleChoiceField(
        label="Count as busy",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Slots are not offered while an event in a ticked calendar is on.",
    )
    target = forms.TypedChoiceField(
        label="Add bookings to",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Bookings are added to one calendar only, across all your connections.",
    )

    def __init__(self, *args: Any, calendars: Sequence[ConnectedCalendar], **kwargs: Any):
        super().__init__(*args, **kwargs)
        busy = self.fields["busy"]
        target = self.fields["target"]
        assert isinstance(busy, forms.TypedMultipleChoiceField)
        assert isinstance(target, forms.TypedChoiceField)
        busy.choices = [(c.id, c.name or c.url) for c in calendars]
        target.choices = [("", "None of these")] + [
            (c.id, c.name or c.url) for c in calendars if c.can_write
        ]
