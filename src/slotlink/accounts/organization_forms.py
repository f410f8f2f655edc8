"""Forms for starting an organization and for a person's own account: new passwords,
time zones."""

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError

from slotlink.core.text import HiddenControlsRefused
from slotlink.core.times import TIME_FORMAT_CHOICES
from slotlink.core.zones import lived_in_zone_names


def time_zone_choices() -> list[tuple[str, str]]:
    """Zones people live in, by name ("Factory" and the like left out)."""
    return [(zone, zone.replace("_", " ")) for zone in sorted(lived_in_zone_names())]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=time_zone_choices, initial="UTC", label="Time zone", **kwargs)


class NewPasswordFields(HiddenControlsRefused, forms.Form):
    """A new password typed twice, checked by the password validators for `user`."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if first and first != second:
            raise ValidationError("The two passwords differ. Type the same one twice.")
        return second


class OrganizationForm(NewPasswordFields):
    """The first-run and sign-up page: a new organization and its first admin."""

    name = forms.CharField(label="Organization name", max_length=120)
    slug = forms.SlugField(
        label="Address",
        max_length=60,
        required=False,
        help_text="Its booking pages live at /book/<address>. Leave empty to use the name.",
    )
    full_name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Your email", max_length=254)
    time_zone = TimeZoneField()
    field_order = ["name", "slug", "full_name", "email", "time_zone", "password1", "password2"]

    # The service's names for the fields, so its errors land on the right one.
    SERVICE_FIELDS = {"admin_email": "email", "admin_name": "full_name", "password": "password1"}

    def service_arguments(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "slug": data.get("slug") or "",
            "admin_email": data["email"],
            "admin_name": data["full_name"],
            "password": data["password1"],
            "time_zone": data["time_zone"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            name = self.SERVICE_FIELDS.get(field, field)
            self.add_error(name if name in self.fields else None, messages)


class SetupForm(OrganizationForm):
    token = forms.CharField(
        label="Setup token",
        help_text="Printed to the web server's log when it started (accounts.setup.token).",
    )
    field_order = ["token", *OrganizationForm.field_order]


class InviteForm(HiddenControlsRefused, forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    role = forms.ChoiceField(
        label="Role",
        choices=[("member", "Member"), ("admin", "Admin")],
        initial="member",
        help_text="Admins roll out integrations, add shared accounts and manage members.",
    )


class AcceptForm(NewPasswordFields):
    """A new person accepting an invitation: their name, time zone and password."""

    full_name = forms.CharField(label="Your name", max_length=150)
    time_zone = TimeZoneField()
    field_order = ["full_name", "time_zone", "password1", "password2"]


class ProfileForm(HiddenControlsRefused, forms.Form):
    """A person's name, time zone, time format and email; a new email needs their current
    password."""

    full_name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(label="Email", max_length=254)
    time_zone = TimeZoneField(help_text="Your weekly hours and emails use it.")
    time_format = forms.ChoiceField(
        label="Time format",
        choices=TIME_FORMAT_CHOICES,
        required=False,
        help_text="On every page and in your emails. Automatic follows your browser's language.",
    )
    current_password = forms.CharField(
        label="Current password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed only to change your email.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if (
            email
            and email != self.user.email
            and not self.user.check_password(cleaned.get("current_password") or "")
        ):
            self.add_error("current_password", "Enter your current password to change your email.")
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)
