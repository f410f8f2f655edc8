"""Forgotten passwords: Django's reset flow, throttled, in slotlink's emails.

Every request gets the same answer ("if an account exists, an email is on its way"), so the
page never tells whether an email has an account; and it takes the same time, since the
request only queues a task with the address typed: looking the account up and sending
happen in the worker (an email sent in the request took 59 ms against 10 ms for an unknown
address). Requests are counted in the database (so the limits hold across web processes)
per client address: a few per hour for one email from one address, and a cap per address.
A stranger's requests for someone's email therefore never use up the owner's: there is no
limit per email across addresses to exhaust, and a browser that signed in to the account
before (`devices.py`) counts only its own requests. Nobody floods one mailbox either: the
worker sends one email per account at most every few minutes.
"""

import logging
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from slotlink.accounts.devices import known_device
from slotlink.accounts.models import Membership, PasswordResetRequest, User
from slotlink.accounts.throttle import client_address
from slotlink.core.mail import templated_message

log = logging.getLogger("slotlink.accounts")

SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"
TEMPLATE = "accounts/email/password_reset"  # .txt and .html

WINDOW = timedelta(hours=1)
PER_EMAIL_AND_ADDRESS = 3
PER_ADDRESS = 10
# One reset email per account in this long, however many addresses ask: nobody floods one
# mailbox, and the link already sent still works.
MAILBOX_PAUSE = timedelta(minutes=5)
THROTTLED = (
    "Too many password reset requests. Wait an hour and try again, or ask an admin of your "
    "organization."
)


def reset_request_allowed(*, email: str, ip_address: str | None, device: str = "") -> bool:
    since = timezone.now() - WINDOW
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    per_place = settings.RESET_LIMIT_PER_EMAIL_AND_ADDRESS
    if device:
        # The owner's own browser: only its own requests count, never a stranger's.
        return recent.filter(email=email, device=device).count() < per_place
    if recent.filter(email=email, ip_address=ip_address, device="").count() >= per_place:
        return False
    return (
        ip_address is None
        or recent.filter(ip_address=ip_address).count() < settings.RESET_LIMIT_PER_ADDRESS
    )


def reset_request_record(*, email: str, ip_address: str | None, device: str = "") -> None:
    PasswordResetRequest.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()
    PasswordResetRequest.objects.create(email=email, ip_address=ip_address, device=device)


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
        owner = User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()
        device = known_device(self.request, user_id=owner)
        if not reset_request_allowed(email=email, ip_address=address, device=device):
            log.warning("accounts.password-reset.throttled address=%s", address)
            raise ValidationError(THROTTLED, code="throttled")
        reset_request_record(email=email, ip_address=address, device=device)
        return email

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Only queue the work: the same for an address with an account and one without."""
        from slotlink.accounts.tasks import send_password_reset

        send_password_reset.enqueue(self.cleaned_data["email"])


def password_reset_email(user: User) -> EmailMultiAlternatives:
    """Django's reset email for `user`, in slotlink's shape: links on the public address,
    tagged with the person's organization so the demo outbox shows it to its admins."""
    context = {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "base_url": settings.BASE_URL,
    }
    membership = Membership.objects.filter(user=user).order_by("id").first()
    return templated_message(
        subject="".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines()),
        template=TEMPLATE,
        context=context,
        to=[user.email],
        organization_id=membership.organization_id if membership is not None else None,
    )


def password_reset_recipients(email: str) -> list[User]:
    """The accounts an email's reset goes to (Django's rule: active, with a usable
    password), less those sent one within the pause, which are marked sent now."""
    now = timezone.now()
    pause = timedelta(seconds=settings.RESET_MAILBOX_PAUSE_SECONDS)
    users = [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
    ]
    due = []
    for user in users:
        claimed = User.objects.filter(pk=user.pk).filter(
            Q(password_reset_sent_at__isnull=True) | Q(password_reset_sent_at__lt=now - pause)
        )
        if claimed.update(password_reset_sent_at=now):
            due.append(user)
    return due
