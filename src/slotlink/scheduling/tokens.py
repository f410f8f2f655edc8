"""The invitee's reschedule and cancel links: unguessable, single-purpose, stored as hashes.

A link is minted when the email carrying it is sent, so its plain text exists only in that
email. The confirmation page's links are derived instead (`page_tokens`): the same on every
load while the booking stays as it is, so reloading writes nothing, and new after any
change. Rescheduling or cancelling revokes every link of the booking: older emails' (and
pages') links stop working, and a used cancel link can't be used again. A revoked link is
kept, revoked, so its page can tell whoever still holds it what became of the booking
(`revoked_token_booking`), for `KEPT` (`tokens_purge`, daily); then, like any link slotlink
doesn't know, it only says that it doesn't work.
"""

import hashlib
import secrets
from base64 import urlsafe_b64encode
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from slotlink.scheduling.models import Booking, BookingToken

TOKEN_BYTES = 32  # 43 URL-safe characters
MAX_TOKEN_LENGTH = 100  # anything longer is not one of ours; don't even hash it
# How long a link outlives its use: revoked, or its booking over (nothing left to
# reschedule or cancel). An invitee who digs out a months-old email still learns why.
KEPT = timedelta(days=90)
# The page's links are keyed by a secret of their own, derived from SECRET_KEY (never the
# key itself, which signs other things).
PAGE_KEY_SALT = "slotlink.scheduling.tokens.page"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_mint(*, booking: Booking, purpose: BookingToken.Purpose) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    BookingToken.objects.create(booking=booking, purpose=purpose, token_hash=_hash(token))
    return token


def page_tokens(*, booking: Booking) -> dict[BookingToken.Purpose, str] | None:
    """The confirmation page's reschedule and cancel links for the booking as read: the same
    on every load, written (hashed, like any link) by the first. Any change to the booking
    bumps its SEQUENCE and revokes them, and the next load derives new ones; those of an
    old SEQUENCE are never written again. None if the booking changed since it was read."""
    tokens = {
        purpose: _page_token(booking_id=booking.id, sequence=booking.sequence, purpose=purpose)
        for purpose in BookingToken.Purpose
    }
    hashes = {_hash(token): purpose for purpose, token in tokens.items()}
    current = BookingToken.objects.filter(token_hash__in=hashes, revoked_at__isnull=True)
    if current.count() == len(hashes):
        return tokens  # a reload
    with transaction.atomic():
        # Written under the booking's lock, which every change takes (it saves the booking
        # before revoking its links): a change either comes first and we see its SEQUENCE,
        # or comes after and revokes these too.
        locked = Booking.objects.select_for_update(of=("self",)).only("sequence")
        if locked.get(pk=booking.pk).sequence != booking.sequence:
            return None
        for token_hash, purpose in hashes.items():
            BookingToken.objects.get_or_create(
                token_hash=token_hash, defaults={"booking": booking, "purpose": purpose}
            )
    return tokens


def _page_token(*, booking_id: int, sequence: int, purpose: BookingToken.Purpose) -> str:
    """Unguessable without SECRET_KEY, as long as a minted link (43 URL-safe characters)."""
    digest = salted_hmac(
        PAGE_KEY_SALT, f"{booking_id}:{sequence}:{purpose.value}", algorithm="sha256"
    ).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def tokens_revoke(*, booking: Booking) -> None:
    BookingToken.objects.filter(booking=booking, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def tokens_forget(*, tokens: list[str]) -> None:
    """Delete links that were minted but never sent."""
    BookingToken.objects.filter(token_hash__in=[_hash(token) for token in tokens]).delete()


def token_is_current(*, booking: Booking, token: str, purpose: BookingToken.Purpose) -> bool:
    """Whether this link still works for this booking. Asked under the booking's lock, it
    is the final word: the change the link makes also deletes it."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    return BookingToken.objects.filter(
        booking=booking, token_hash=_hash(token), purpose=purpose, revoked_at__isnull=True
    ).exists()


def booking_for_token(*, token: str, purpose: BookingToken.Purpose) -> Booking | None:
    """The booking this link may act on, or None for a tampered, old or other-purpose link."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = (
        BookingToken.objects.select_related("booking__event_type__host", "booking__organization")
        .filter(token_hash=_hash(token), purpose=purpose, revoked_at__isnull=True)
        .first()
    )
    return found.booking if found else None


def revoked_token(*, token: str) -> BookingToken | None:
    """The revoked link this was (of either purpose), with its booking; None for anything
    else. Its holder got the email it came in, so they may learn what became of that one
    booking, never of another."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        BookingToken.objects.select_related("booking__event_type", "booking__host")
        .filter(token_hash=_hash(token), revoked_at__isnull=False)
        .first()
    )


def tokens_purge(*, now: datetime) -> int:
    """Delete the links revoked, or of bookings that ended, more than `KEPT` ago; returns
    how many. Without it every email's links, and the page's of every SEQUENCE, would
    stay behind forever."""
    before = now - KEPT
    deleted, _ = BookingToken.objects.filter(
        Q(revoked_at__lt=before) | Q(booking__end__lt=before)
    ).delete()
    return deleted
