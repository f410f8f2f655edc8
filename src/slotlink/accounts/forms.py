"""Forms for signing in and managing members."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from slotlink.accounts.models import Membership
from slotlink.accounts.throttle import (
    BLOCKED_MESSAGE,
    sign_in_blocked,
    sign_in_failure_record,
    sign_in_failures_clear,
)


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
        if sign_in_blocked(email=email):
            # Checked before the password, so a blocked account can't be probed further.
            raise ValidationError(BLOCKED_MESSAGE, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                address = self.request.META.get("REMOTE_ADDR") if self.request else None
                sign_in_failure_record(email=email, ip_address=address)
            raise
        sign_in_failures_clear(email=email)
        return cleaned


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
