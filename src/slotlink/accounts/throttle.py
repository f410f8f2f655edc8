"""Sign-in throttling: after a few wrong passwords for one email, wait before trying again.

Failures are kept in the database, not in a process's memory, so the limit holds across
every web process and machine. Only the recent window is kept.
"""

from datetime import timedelta

from django.utils import timezone

from slotlink.accounts.models import SignInFailure

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
BLOCKED_MESSAGE = (
    "Too many wrong passwords for this email. Wait 15 minutes and try again, "
    "or ask an admin of your organization to check your account."
)


def sign_in_blocked(*, email: str) -> bool:
    since = timezone.now() - WINDOW
    recent = SignInFailure.objects.filter(email=email.strip().lower(), created_at__gte=since)
    return recent.count() >= MAX_FAILURES


def sign_in_failure_record(*, email: str, ip_address: str | None) -> None:
    SignInFailure.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()
    SignInFailure.objects.create(email=email.strip().lower()[:254], ip_address=ip_address)


def sign_in_failures_clear(*, email: str) -> None:
    SignInFailure.objects.filter(email=email.strip().lower()).delete()
