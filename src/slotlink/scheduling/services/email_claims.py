"""Booking emails are sent at least once: a claim is a lease, not a promise.

`emails.py` records each email as a `BookingEmail` just before it goes to the mail server
(`group_sessions.py` the host's update of a session left, as a `GroupSessionEmail`).
The row holds a lease until the server took the email; a worker that dies in between (a
SIGKILL, a lost machine) leaves a lease that runs out. Such an email counts as unsent
again: the next send of that change takes the claim over, and the email sweep asks for
that send. An email may then go twice (the dead worker may have handed it over just before
dying), but never not at all.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.utils import timezone

from slotlink.notifications.messages import Audience
from slotlink.scheduling.models import Booking, BookingEmail, BookingEvent, GroupSessionEmail


def change_audiences(*, booking_id: int, sequence: int) -> tuple[Audience, ...]:
    """The parties the change that produced `sequence` is emailed to, invitee first: both,
    but for a seat moved or cancelled with its whole session, whose host is told of the
    session once (`GroupSessionChange`, services/session_change_emails.py) instead of once
    per seat."""
    with_session = BookingEvent.objects.filter(
        booking_id=booking_id, sequence=sequence, session_change__isnull=False
    ).exists()
    return (Audience.INVITEE,) if with_session else tuple(Audience)


def claims_take_over(
    *, booking: Booking, sequence: int, audiences: tuple[Audience, ...], now: datetime
) -> dict[str, int]:
    """Drop the expired claims of these parties' emails (their workers died mid-send), so
    they can be claimed again; returns how often each was claimed before."""
    expired = BookingEmail.objects.filter(
        booking=booking, sequence=sequence, audience__in=audiences, lease_until__lt=now
    )
    attempts = dict(expired.values_list("audience", "attempts"))
    expired.delete()
    return attempts


def claims_sent(*, booking: Booking, sequence: int, audiences: list[Audience]) -> None:
    """The mail server took these emails: their claims end, as sent."""
    if audiences:
        BookingEmail.objects.filter(
            booking=booking, sequence=sequence, audience__in=audiences
        ).update(lease_until=None, sent_at=timezone.now())


def change_unemailed(*, booking_id: int) -> bool:
    """Whether some party has not been emailed the booking's latest change, nor is being
    emailed it now (a claim whose worker died counts as not emailed): that change's email
    task is then still to run, e.g. a confirmation waiting for its link."""
    sequence = Booking.objects.values_list("sequence", flat=True).filter(pk=booking_id).first()
    if sequence is None:
        return False
    told = BookingEmail.objects.filter(booking_id=booking_id, sequence=sequence).exclude(
        lease_until__lt=timezone.now()
    )
    return told.count() < len(change_audiences(booking_id=booking_id, sequence=sequence))


@dataclass(frozen=True)
class LostEmail:
    booking_id: int
    change: str
    sequence: int


def booking_emails_lost(*, now: datetime | None = None, max_attempts: int) -> list[LostEmail]:
    """The changes whose email a dead worker claimed and never handed to the mail server,
    on bookings that have not moved on since (a newer change has its own email)."""
    now = now or timezone.now()
    rows = (
        BookingEmail.objects.filter(lease_until__lt=now, attempts__lt=max_attempts)
        .filter(sequence=F("booking__sequence"))
        .values_list("booking_id", "change", "sequence")
        .distinct()
    )
    return [LostEmail(*row) for row in rows]


@dataclass(frozen=True)
class LostSessionEmail:
    session_id: int
    sequence: int
    booking_id: int


def group_session_emails_lost(
    *, now: datetime | None = None, max_attempts: int
) -> list[LostSessionEmail]:
    """The host's updates of a session left that a dead worker claimed and never handed to
    the mail server, of sessions that have not changed since."""
    now = now or timezone.now()
    rows = (
        GroupSessionEmail.objects.filter(lease_until__lt=now, attempts__lt=max_attempts)
        .filter(sequence=F("session__sequence"))
        .values_list("session_id", "sequence", "booking_id")
    )
    return [LostSessionEmail(*row) for row in rows]
