"""When the invitee and host are emailed about a booking, and with which links.

Each change of a booking (a new invite SEQUENCE) is emailed once: a send first claims its
SEQUENCE on the booking, so a retry, a late duplicate or a message overtaken by a newer
change sends nothing. The architecture's step 6: while the conferencing link is still being
made, the confirmation waits a short bound (`LINK_WAIT_SECONDS`; the task asks to be run
again) and then goes out saying the link follows; when the link is ready, an update of the
same invite (higher SEQUENCE) carries it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from slotlink.conferencing.seam import LinkStatus
from slotlink.notifications.messages import BookingChange, BookingMessage
from slotlink.notifications.services import booking_emails_send
from slotlink.scheduling.locations import booking_join_url, conference_details
from slotlink.scheduling.messages import absolute_url, booking_message
from slotlink.scheduling.models import Booking, BookingEvent, BookingToken
from slotlink.scheduling.tokens import token_mint, tokens_forget

# While waiting for a link, look again this often (a provider also announces it).
LINK_POLL_INTERVAL = timedelta(seconds=5)
CHANGE_OF_EVENT = {
    BookingEvent.Kind.BOOKED: BookingChange.BOOKED,
    BookingEvent.Kind.RESCHEDULED: BookingChange.RESCHEDULED,
    BookingEvent.Kind.CANCELLED: BookingChange.CANCELLED,
}


@dataclass(frozen=True)
class EmailOutcome:
    sent: bool
    # Set when the link is still pending: run again at `retry_at`, give up waiting at
    # `deadline`.
    retry_at: datetime | None = None
    deadline: datetime | None = None


def deliver(message: BookingMessage) -> None:
    """Hand the message to notifications, which renders and sends both emails."""
    booking_emails_send(message=message)


def _load(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related("event_type", "host", "organization")
        .filter(pk=booking_id)
        .first()
    )


def booking_email_send(
    *,
    booking_id: int,
    change: BookingChange,
    sequence: int,
    deadline: datetime | None = None,
    now: datetime | None = None,
) -> EmailOutcome:
    """Email the change that produced `sequence`, unless it was sent or overtaken."""
    now = now or timezone.now()
    booking = _load(booking_id)
    if booking is None or booking.sequence != sequence or booking.notified_sequence >= sequence:
        return EmailOutcome(sent=False)
    details = conference_details(booking)
    pending = details is not None and details.status == LinkStatus.PENDING
    if pending and change in (BookingChange.BOOKED, BookingChange.RESCHEDULED):
        deadline = deadline or now + timedelta(seconds=settings.LINK_WAIT_SECONDS)
        if now < deadline:
            return EmailOutcome(
                sent=False, retry_at=min(deadline, now + LINK_POLL_INTERVAL), deadline=deadline
            )
    before = (booking.notified_sequence, booking.awaiting_link, booking.notified_join_url)
    join_url = booking_join_url(booking, details)
    with transaction.atomic():
        claimed = Booking.objects.filter(
            pk=booking.pk, sequence=sequence, notified_sequence=booking.notified_sequence
        ).update(notified_sequence=sequence, awaiting_link=pending, notified_join_url=join_url)
        if not claimed:
            return EmailOutcome(sent=False)
        tokens = {}
        if change != BookingChange.CANCELLED:
            for purpose in (BookingToken.Purpose.RESCHEDULE, BookingToken.Purpose.CANCEL):
                tokens[purpose] = token_mint(booking=booking, purpose=purpose)
    links = {
        purpose: absolute_url(reverse(f"booking-{purpose}", args=[token]))
        for purpose, token in tokens.items()
    }
    message = booking_message(
        booking=booking,
        change=change,
        details=details,
        reschedule_url=links.get(BookingToken.Purpose.RESCHEDULE, ""),
        cancel_url=links.get(BookingToken.Purpose.CANCEL, ""),
    )
    try:
        deliver(message)
    except Exception:
        # Unclaim, so the failed task can be run again; the minted links were never seen.
        with transaction.atomic():
            Booking.objects.filter(pk=booking.pk, notified_sequence=sequence).update(
                notified_sequence=before[0], awaiting_link=before[1], notified_join_url=before[2]
            )
            tokens_forget(tokens=list(tokens.values()))
        raise
    return EmailOutcome(sent=True)


def booking_link_ready(*, booking_id: int, now: datetime | None = None) -> EmailOutcome:
    """The conferencing link became ready (or changed): send the confirmation that waits
    for it, or an update of the invite that carries it."""
    now = now or timezone.now()
    booking = _load(booking_id)
    if booking is None or booking.is_cancelled:
        return EmailOutcome(sent=False)
    details = conference_details(booking)
    if details is None or details.status == LinkStatus.PENDING:
        return EmailOutcome(sent=False)
    if booking.notified_sequence < booking.sequence:
        # The confirmation is still waiting for this link: send it now.
        latest = booking.history.filter(sequence=booking.sequence).first()
        change = CHANGE_OF_EVENT[BookingEvent.Kind(latest.kind)] if latest else None
        return booking_email_send(
            booking_id=booking.id,
            change=change or BookingChange.LINK_READY,
            sequence=booking.sequence,
            deadline=now,
            now=now,
        )
    if not booking.awaiting_link and booking_join_url(booking, details) == (
        booking.notified_join_url
    ):
        return EmailOutcome(sent=False)  # the last email already had this link
    with transaction.atomic():
        bumped = Booking.objects.filter(
            pk=booking.pk, sequence=booking.sequence, status=Booking.Status.CONFIRMED
        ).update(sequence=booking.sequence + 1)
    if not bumped:
        return EmailOutcome(sent=False)  # changed meanwhile; that change's email has the link
    return booking_email_send(
        booking_id=booking.id,
        change=BookingChange.LINK_READY,
        sequence=booking.sequence + 1,
        now=now,
    )
