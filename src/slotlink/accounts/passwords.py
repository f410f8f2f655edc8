"""Forgotten passwords: Django's reset flow, throttled, in slotlink's emails.

Every request gets the same answer ("if an account exists, an email is on its way"), so the
page never tells whether an email has an account. Requests are counted in the database (so
the limits hold across web processes) per email and per client address: a few per hour for
one email from one address, more across addresses, and a cap per address.
"""

import logging
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import timezone

from slotlink.accounts.models import Membership, PasswordResetRequest
from slotlink.accounts.throttle import client_address
from slotlink.notifications.emails import ORGANIZATION_HEADER

log = logging.getLogger("slotlink.accounts")

WINDOW = timedelta(hours=1)
PER_EMAIL_AND_ADDRESS = 3
PER_EMAIL = 10  # across addresses: nobody floods one mailbox
PER_ADDRESS = 10
THROTTLED = (
    "Too many password reset requests. Wait an hour and try again, or ask an admin of your "
    "organization."
)


def reset_request_allowed(*, email: str, ip_address: str | None) -> bool:
    since = timezone.now() - WINDOW
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    for_email = recent.filter(email=email)
    if for_email.filter(ip_address=ip_address).count() >= PER_EMAIL_AND_ADDRESS:
        return False
    if for_email.count() >= PER_EMAIL:
        return False
    return ip_address is None or recent.filter(ip_address=ip_address).count() < PER_ADDRESS


def reset_request_record(*, email: str, ip_address: str | None) -> None:
    PasswordResetRequest.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()
    PasswordResetRequest.objects.create(email=email, ip_address=ip_address)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's form, with the limits above and the email in slotlink's shape: tagged with
    the person's organization, so the demo outbox shows it to its admins."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()[:254]
        address = client_address(self.request)
        if not reset_request_allowed(email=email, ip_address=address):
            raise ValidationError(THROTTLED, code="throttled")
        reset_request_record(email=email, ip_address=address)
        return email

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        membership = Membership.objects.filter(user=context["user"]).order_by("id").first()
        headers = {"Auto-Submitted": "auto-generated"}
        if membership is not None:
            headers[ORGANIZATION_HEADER] = str(membership.organization_id)
        message = EmailMultiAlternatives(
            subject,
            loader.render_to_string(email_template_name, context),
            from_email or settings.DEFAULT_FROM_EMAIL,
            [to_email],
            headers=headers,
        )
        if html_email_template_name:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        try:
            message.send()
        except Exception:
            # Said to nobody: the page answers the same either way, or it would tell whether
            # the email has an account.
            log.exception("accounts.password-reset.email-failed")
