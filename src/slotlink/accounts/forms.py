"""Forms for signing in and managing members."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from slotlink.accounts.models import Membership
from slotlink.accounts.throttle import (
    client_address,
    sign_in_failure_record,
    sign_in_failures_clear,
    sign_in_wait,
    sign_in_wait_message,
)
from slotlink.core.text import HiddenControlsRefused


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": (
            "That email and password don't match an account. Check both and try again."
        ),
        "inactive": "This account is deactivated. Ask an admin of your organization.",
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not email:
            return super().clean()  # the field's own error says what is wrong
        address = client_address(self.request)
        wait = sign_in_wait(email=email, ip_address=address)
        if wait:
            # Checked before the password, so a waiting guesser learns nothing from trying.
            raise ValidationError(sign_in_wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                sign_in_failure_record(email=email, ip_address=address)
            raise
        sign_in_failures_clear(email=email, ip_address=address)
        return cleaned


class RoleForm(HiddenControlsRefused, forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
