"""Sign-in throttling: wrong passwords slow the guesser down, never lock the owner out.

Counting failures per email alone lets anyone lock a person out by typing wrong passwords
for their email. So failures are counted per email *and* client address: after a few, that
address waits before its next try, longer after each failure (2 s, 4 s, 8 s ... up to 15
minutes). The owner, signing in from their own address, is not held back by someone else's
guesses. Guessers spread over many addresses still run into a looser limit per email across
all addresses, which only ever delays (at most half a minute), so it cannot lock anyone out.

The owner's own browser is never held back by anyone else: a browser that signed in to an
account before carries a signed device cookie (`devices.py`), and a try from it for that
account counts only the failures made from that same browser. Guessing from new places is
slowed down as above.

Failures are kept in the database, not in a process's memory, so the limits hold across
every web process and machine. Only the last hour is kept. Each try is written down before
its password is checked and is weighed against the tries written before it, so parallel
requests can't all slip through on the same count: of 20 at once from one address, 3 are
checked.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from slotlink.accounts.models import SignInFailure
from slotlink.core.turns import turn_take

WINDOW = timedelta(hours=1)
# Per email and address: free tries, then a wait that doubles with each failure.
# Per email, across every address: many more free tries, then a short wait that grows by a
# second per failure, capped: slow enough to make spraying guesses useless, short enough
# that the owner is only ever delayed.


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
    free = settings.SIGN_IN_FREE_FAILURES
    if failures < free:
        return timedelta(0)
    # The exponent is capped before it is raised, so a huge count can't overflow anything.
    exponent = min(failures - free + 1, 20)
    return min(timedelta(seconds=2**exponent), timedelta(seconds=settings.SIGN_IN_MAX_WAIT_SECONDS))


def _email_wait(failures: int) -> timedelta:
    free = settings.SIGN_IN_EMAIL_FREE_FAILURES
    if failures < free:
        return timedelta(0)
    return min(
        timedelta(seconds=failures - free + 1),
        timedelta(seconds=settings.SIGN_IN_EMAIL_MAX_WAIT_SECONDS),
    )


@dataclass(frozen=True)
class SignInAttempt:
    """A try written down before its password is checked (see the module's docstring)."""

    row_id: int
    email: str
    ip_address: str | None
    device: str
    wait: int  # seconds still to wait; 0 when the password may be checked now


def sign_in_attempt_begin(*, email: str, ip_address: str | None, device: str = "") -> SignInAttempt:
    """Write this try down and say whether it may check its password now. `device` is the
    browser's device id when it signed in to this very account before, else ""."""
    SignInFailure.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()
    with transaction.atomic():
        _email_lock(email)
        now = timezone.now()  # read in turn, so the tries' times follow their order
        row = SignInFailure.objects.create(
            email=_normalized(email), ip_address=ip_address, device=device, created_at=now
        )
        seconds = _wait_seconds(_recent(email, now).filter(id__lt=row.id), ip_address, device, now)
        if seconds:
            # A try refused for waiting is not a failure: it must not make the wait longer.
            SignInFailure.objects.filter(pk=row.pk).delete()
    return SignInAttempt(row.pk, _normalized(email), ip_address, device, seconds)


def _email_lock(email: str) -> None:
    """Tries for one email take turns writing themselves down and counting, so each sees
    every try before it (core/turns.py)."""
    turn_take(f"accounts.sign-in:{_normalized(email)}")


def _wait_seconds(
    earlier: QuerySet[SignInFailure], ip_address: str | None, device: str, now: datetime
) -> int:
    waits = [timedelta(0)]
    if device:
        # The owner's known browser: only its own failures count.
        waits.append(_wait(earlier.filter(device=device), _address_wait, now))
    else:
        waits.append(_wait(earlier.filter(ip_address=ip_address), _address_wait, now))
        waits.append(_wait(earlier, _email_wait, now))
    remaining = max(waits)
    # Rounded up: "try again in 0 seconds" must never be said while still waiting.
    return int(-(-remaining.total_seconds() // 1))


def _wait(
    failures: QuerySet[SignInFailure], rule: Callable[[int], timedelta], now: datetime
) -> timedelta:
    counted = failures.aggregate(n=Count("id"), last=Max("created_at"))
    wait = rule(counted["n"])
    if not wait:
        # Free tries are free: a parallel try written just before this one may carry a
        # clock reading a moment later than `now`, which must not become a wait.
        return timedelta(0)
    last: datetime = counted["last"]
    return last + wait - now


def sign_in_wait_message(seconds: int) -> str:
    if seconds >= 120:
        when = f"{-(-seconds // 60)} minutes"
    else:
        when = "1 second" if seconds == 1 else f"{seconds} seconds"
    return (
        f"Too many wrong passwords for this email. Try again in {when}. "
        "Forgot it? Ask an admin of your organization."
    )


def sign_in_attempt_succeeded(attempt: SignInAttempt) -> None:
    """A right password: this try was no failure, and this address (or this browser) starts
    afresh. Other addresses' failures keep counting, so a guesser's count isn't reset by
    the owner signing in."""
    mine = SignInFailure.objects.filter(email=attempt.email)
    mine.filter(pk=attempt.row_id).delete()
    if attempt.device:
        mine.filter(device=attempt.device).delete()
    else:
        mine.filter(ip_address=attempt.ip_address, device="").delete()


def sign_in_attempt_ended(attempt: SignInAttempt) -> None:
    """The try ended without a password checked (e.g. an inactive account's): not counted."""
    SignInFailure.objects.filter(pk=attempt.row_id).delete()
