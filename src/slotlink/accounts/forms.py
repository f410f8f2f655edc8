"""Forms for signing in and managing members."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from slotlink.accounts.models import Membership


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


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
