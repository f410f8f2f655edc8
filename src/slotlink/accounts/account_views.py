"""A person's own account: forgotten password (Django's views, throttled), change password,
and the profile (name, time zone, email)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from slotlink.accounts.access import MemberRequest, member_required, public
from slotlink.accounts.organization_forms import ProfileForm
from slotlink.accounts.passwords import ThrottledPasswordResetForm
from slotlink.accounts.services import user_locale_clock_note, user_update_profile
from slotlink.core.times import language_clock


class PasswordResetView(auth_views.PasswordResetView):
    """The form queues the email (passwords.py): its links use the public address, not
    whatever Host the request named."""

    form_class = ThrottledPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("password-reset-done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")


password_reset = public(PasswordResetView.as_view())
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(PasswordResetConfirmView.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed.")
        return response


password_change = member_required(PasswordChangeView.as_view())


@member_required
def profile(request: MemberRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "email": user.email,
            "time_zone": user.time_zone,
            "time_format": user.time_format,
        },
        user=user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(
                user=user,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                time_zone=form.cleaned_data["time_zone"],
                time_format=form.cleaned_data["time_format"],
                organization_id=request.membership.organization_id,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            user_locale_clock_note(user=user, clock=language_clock(request))
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})
