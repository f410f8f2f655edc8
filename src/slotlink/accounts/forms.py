"""Forms for signing in and managing members."""

import logging
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from slotlink.accounts.devices import known_device
from slotlink.accounts.models import Membership, User
from slotlink.accounts.throttle import (
    client_address,
    sign_in_attempt_begin,
    sign_in_attempt_ended,
    sign_in_attempt_succeeded,
    sign_in_wait_message,
)
from slotlink.core.text import HiddenControlsRefused

log = logging.getLogger("slotlink.accounts")


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
        owner = User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()
        attempt = sign_in_attempt_begin(
            email=email,
            ip_address=client_address(self.request),
            device=known_device(self.request, user_id=owner),
        )
        if attempt.wait:
            # Checked before the password, so a waiting guesser learns nothing from trying.
            log.warning(
                "accounts.signin.throttled address=%s known_browser=%s wait=%s",
                attempt.ip_address,
                bool(attempt.device),
                attempt.wait,
            )
            raise ValidationError(sign_in_wait_message(attempt.wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) != "invalid_login":
                sign_in_attempt_ended(attempt)  # e.g. inactive: no password was wrong
            raise
        sign_in_attempt_succeeded(attempt)
        return cleaned


class RoleForm(HiddenControlsRefused, forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
