"""Sign-in throttling: wrong passwords slow the guesser down, never lock the owner out.

Counting failures per email alone lets anyone lock a person out by typing wrong passwords
for their email. So failures are counted per email *and* client address: after a few, that
address waits before its next try, longer after each failure (2 s, 4 s, 8 s ... up to 15
minutes). The owner, signing in from their own address, is not held back by someone else's
guesses. Guessers spread over many addresses still run into a looser limit per email across
all addresses, which only ever delays (at most half a minute), so it cannot lock anyone out.

Failures are kept in the database, not in a process's memory, so the limits hold across
every web process and machine. Only the last hour is kept.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from slotlink.accounts.models import SignInFailure

WINDOW = timedelta(hours=1)
# Per email and address: free tries, then a wait that doubles with each failure.
ADDRESS_FREE_FAILURES = 3
ADDRESS_MAX_WAIT = timedelta(minutes=15)
# Per email, across every address: many more free tries, then a short wait that grows by a
# second per failure, capped: slow enough to make spraying guesses useless, short enough
# that the owner is only ever delayed.
EMAIL_FREE_FAILURES = 20
EMAIL_MAX_WAIT = timedelta(seconds=30)


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from; None if it isn't one.

    Behind a proxy (BEHIND_TLS_PROXY) every request comes from the proxy, which would make
    the limits per email alone again: the client is then the last X-Forwarded-For entry,
    the one the proxy itself appended (a client can only forge entries before it).
    """
    if request is None:
        return None
    address = str(request.META.get("REMOTE_ADDR", ""))
    if settings.BEHIND_TLS_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def _normalized(email: str) -> str:
    return email.strip().lower()[:254]


def _recent(email: str, now: datetime) -> QuerySet[SignInFailure]:
    return SignInFailure.objects.filter(email=_normalized(email), created_at__gte=now - WINDOW)


def _address_wait(failures: int) -> timedelta:
    if failures < ADDRESS_FREE_FAILURES:
        return timedelta(0)
    # The exponent is capped before it is raised, so a huge count can't overflow anything.
    exponent = min(failures - ADDRESS_FREE_FAILURES + 1, 20)
    return min(timedelta(seconds=2**exponent), ADDRESS_MAX_WAIT)


def _email_wait(failures: int) -> timedelta:
    if failures < EMAIL_FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=failures - EMAIL_FREE_FAILURES + 1), EMAIL_MAX_WAIT)


def sign_in_wait(*, email: str, ip_address: str | None) -> int:
    """Seconds this address must still wait before trying a password for `email`; 0 if it
    may try now."""
    now = timezone.now()
    recent = _recent(email, now)
    from_here = recent.filter(ip_address=ip_address).aggregate(
        n=Count("id"), last=Max("created_at")
    )
    everywhere = recent.aggregate(n=Count("id"), last=Max("created_at"))
    waits = [timedelta(0)]
    if from_here["last"] is not None:
        waits.append(from_here["last"] + _address_wait(from_here["n"]) - now)
    if everywhere["last"] is not None:
        waits.append(everywhere["last"] + _email_wait(everywhere["n"]) - now)
    remaining = max(waits)
    # Rounded up: "try again in 0 seconds" must never be said while still waiting.
    return int(-(-remaining.total_seconds() // 1))


def sign_in_wait_message(seconds: int) -> str:
    if seconds >= 120:
        when = f"{-(-seconds // 60)} minutes"
    else:
        when = "1 second" if seconds == 1 else f"{seconds} seconds"
    return (
        f"Too many wrong passwords for this email. Try again in {when}. "
        "Forgot it? Ask an admin of your organization."
    )


def sign_in_failure_record(*, email: str, ip_address: str | None) -> None:
    now = timezone.now()
    SignInFailure.objects.filter(created_at__lt=now - WINDOW).delete()
    SignInFailure.objects.create(email=_normalized(email), ip_address=ip_address, created_at=now)


def sign_in_failures_clear(*, email: str, ip_address: str | None) -> None:
    """After a right password: this address starts afresh. Other addresses' failures keep
    counting, so a guesser's count isn't reset by the owner signing in."""
    SignInFailure.objects.filter(email=_normalized(email), ip_address=ip_address).delete()
