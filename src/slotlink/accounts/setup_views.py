"""Starting slotlink in the browser: the first-run page (while no organization exists,
with the setup token from the web server's log) and self-service sign-up (only with
SLOTLINK_ALLOW_SIGNUP)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html

from slotlink.accounts.access import public
from slotlink.accounts.devices import device_remember
from slotlink.accounts.forms import SignInForm
from slotlink.accounts.organization_forms import OrganizationForm, SetupForm
from slotlink.accounts.services import NewOrganization, user_locale_clock_note
from slotlink.accounts.setup import setup_complete, setup_needed
from slotlink.accounts.signups import (
    LINK_UNUSABLE,
    THROTTLED,
    sign_up_allowed,
    sign_up_complete,
    sign_up_for_token,
    sign_up_request,
)
from slotlink.accounts.throttle import client_address
from slotlink.core.times import language_clock

BACKEND = "django.contrib.auth.backends.ModelBackend"
log = logging.getLogger("slotlink.accounts")


def _welcome(request: HttpRequest, created: NewOrganization) -> HttpResponse:
    login(request, created.admin, backend=BACKEND)
    messages.success(
        request,
        format_html(
            "<bdi>{}</bdi> is ready. Invite your team from Members, and set up your first event "
            "type here.",
            created.organization.name,
        ),
    )
    return redirect("home")


@public
def setup(request: HttpRequest) -> HttpResponse:
    """Create the first organization; 404 once slotlink has one."""
    if not setup_needed():
        raise Http404("slotlink is already set up.")
    form = SetupForm(request.POST or None, initial={"token": request.GET.get("token", "")})
    if request.method == "POST" and form.is_valid():
        try:
            created = setup_complete(token=form.cleaned_data["token"], **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _welcome(request, created)
    return render(request, "accounts/setup.html", {"form": form, "first_run": True})


@public
def signup(request: HttpRequest) -> HttpResponse:
    """Anyone may start an organization, on an instance that allows it, once they confirm
    their email (signups.py): the page answers an email with an account like any other."""
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is off on this slotlink.")
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        if not sign_up_allowed(ip_address=address):
            log.warning("accounts.signup.throttled address=%s", address)
            form.add_error(None, THROTTLED)
            return render(
                request, "accounts/setup.html", {"form": form, "first_run": False}, status=429
            )
        try:
            sign_up_request(**form.service_arguments(), ip_address=address)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("signup-sent")
    return render(request, "accounts/setup.html", {"form": form, "first_run": False})


@public
def signup_sent(request: HttpRequest) -> HttpResponse:
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is off on this slotlink.")
    return render(request, "accounts/signup_sent.html")


@public
def signup_finish(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: a page with one button (a link opened by a mail scanner makes
    nothing), which makes the organization and signs its admin in."""
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is off on this slotlink.")
    pending = sign_up_for_token(token)
    problem = "" if pending is not None else LINK_UNUSABLE
    if request.method == "POST" and pending is not None:
        try:
            created = sign_up_complete(token=token)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            return _welcome(request, created)
    return render(
        request,
        "accounts/signup_finish.html",
        {"pending": pending, "problem": problem},
        status=410 if problem else 200,
    )


class SignInView(LoginView):
    """Sign-in, which points a fresh install to its first-run page."""

    template_name = "accounts/signin.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        device_remember(self.request, response, user_id=form.get_user().pk)
        # Their emails' clock, when their profile says Automatic.
        user_locale_clock_note(user=form.get_user(), clock=language_clock(self.request))
        return response

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {
            **super().get_context_data(**kwargs),
            "setup_needed": setup_needed(),
            "allow_signup": settings.ALLOW_SIGNUP,
        }
