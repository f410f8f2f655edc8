"""When the invitee and host are emailed about a booking, and with which links.

Each change of a booking (a new invite SEQUENCE) is emailed once to each party, and each
party's email is its own unit. Just before an email goes to the mail server it is recorded
as a `BookingEmail`, which claims it: a retry, a late duplicate or a message overtaken by a
newer change sends nothing. Only an email the server didn't take is forgotten again, with
the links minted for it; so a retry sends just the emails still missing, and the links in
an email the invitee got keep working. A claim whose worker died mid-send runs out and is
taken over (`email_claims.py`): at least once, never lost.

The architecture's step 6: while the conferencing link is still being made, the
confirmation waits a short bound (`LINK_WAIT_SECONDS`) and then goes out saying the link
follows; when the link is ready, an update of the same invite (higher SEQUENCE) carries it
to both parties. A provider that announces its link (`seam.link_ready`, also when the link
can't be made) has the confirmation sent by that announcement, and its task runs only at
the bound; otherwise the task looks again every few seconds.

The host's email about a group booking carries its session's invite instead of the
booking's (`group_sessions.py`): the session's SEQUENCE is read when the email is claimed,
and its seats as they are after that, so its invite is never older than it claims. A seat
moved or cancelled with its whole session is emailed to its invitee alone
(`change_audiences`): the host is told of the session once (`session_change_emails.py`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from slotlink.conferencing.seam import ConferenceDetails
from slotlink.core.mail import email_lease
from slotlink.notifications.messages import Audience, BookingChange, BookingMessage
from slotlink.notifications.services import BookingEmailsSent, booking_emails_send
from slotlink.scheduling.locations import BookingLink, booking_link, booking_link_for
from slotlink.scheduling.messages import absolute_url, booking_message, group_session_invite
from slotlink.scheduling.models import (
    Booking,
    BookingEmail,
    BookingEvent,
    BookingToken,
    GroupSession,
)
from slotlink.scheduling.services.email_claims import (
    change_audiences,
    claims_sent,
    claims_take_over,
)
from slotlink.scheduling.services.group_sessions import group_session_bump, host_invite_session
from slotlink.scheduling.tokens import token_mint, tokens_forget

# While waiting for a link, look again this often (a provider also announces it).
LINK_POLL_INTERVAL = timedelta(seconds=5)
CHANGE_OF_EVENT = {
    BookingEvent.Kind.BOOKED: BookingChange.BOOKED,
    BookingEvent.Kind.RESCHEDULED: BookingChange.RESCHEDULED,
    BookingEvent.Kind.CANCELLED: BookingChange.CANCELLED,
    BookingEvent.Kind.REASSIGNED: BookingChange.NEW_HOST,
}
# The changes whose confirmation waits a short bound for the link being made.
_NEW_TIME = (BookingChange.BOOKED, BookingChange.RESCHEDULED)


@dataclass(frozen=True)
class EmailOutcome:
    sent: bool
    # Set when the link is still pending: run again at `retry_at`, give up waiting at
    # `deadline`.
    retry_at: datetime | None = None
    deadline: datetime | None = None


@dataclass(frozen=True)
class _Claim:
    audiences: tuple[Audience, ...]
    # The session whose invite the host's email carries, at which SEQUENCE; None for the
    # booking's own.
    session: GroupSession | None = None
    session_sequence: int = 0


def _load(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related("event_type", "host", "organization", "session")
        .filter(pk=booking_id)
        .first()
    )


def _unsent(
    booking: Booking, sequence: int, audiences: tuple[Audience, ...]
) -> tuple[Audience, ...]:
    """The parties of `audiences` (`change_audiences`) not (yet) emailed the change that
    produced `sequence`, invitee first."""
    told = set(
        BookingEmail.objects.filter(booking=booking, sequence=sequence)
        .exclude(lease_until__lt=timezone.now())  # claimed by a worker that died mid-send
        .values_list("audience", flat=True)
    )
    return tuple(audience for audience in audiences if audience not in told)


def booking_email_send(
    *,
    booking_id: int,
    change: BookingChange,
    sequence: int,
    deadline: datetime | None = None,
    now: datetime | None = None,
    details: ConferenceDetails | None = None,
) -> EmailOutcome:
    """Email the change that produced `sequence` to each party that hasn't had it, unless a
    newer change overtook it. An email the mail server refuses doesn't stop the other; its
    error is raised afterwards, so the task retries the one that is missing. `details`:
    what the provider just announced (`seam.link_ready`), so it isn't asked again."""
    now = now or timezone.now()
    booking = _load(booking_id)
    if booking is None or booking.sequence != sequence:
        return EmailOutcome(sent=False)
    audiences = change_audiences(booking_id=booking.id, sequence=sequence)
    unsent = _unsent(booking, sequence, audiences)
    if not unsent:
        return EmailOutcome(sent=False)
    link = _link(booking, details)
    waiting = _link_wait(
        link, change, unsent=unsent, audiences=audiences, deadline=deadline, now=now
    )
    if waiting is not None:
        return waiting
    with transaction.atomic():
        claim = _claim(
            booking,
            sequence,
            change,
            audiences=audiences,
            awaiting_link=link.pending,
            join_url=link.join_url,
        )
        tokens = _tokens_mint(booking, change, claim.audiences)
    if not claim.audiences:
        return EmailOutcome(sent=False)
    message = _message(booking, change, link, claim=claim, tokens=tokens)
    result = _send_claimed(booking, sequence, message, claim=claim, tokens=tokens)
    result.raise_first_failure()
    if _link_update_needed(booking, link):
        # This was an email retried after the link arrived; the other party's said it follows.
        return _send_link_update(booking, now, details)
    return EmailOutcome(sent=bool(result.sent))


def _link_wait(
    link: BookingLink,
    change: BookingChange,
    *,
    unsent: tuple[Audience, ...],
    audiences: tuple[Audience, ...],
    deadline: datetime | None,
    now: datetime,
) -> EmailOutcome | None:
    """When to look again while a new time's link is still being made, up to the bound; None
    to send now. Wait only while nobody has been told: once one party has the email, the
    other's (retried after the mail server refused it) goes as soon as it can."""
    nobody_told = len(unsent) == len(audiences)
    if not (link.pending and nobody_told and change in _NEW_TIME):
        return None
    deadline = deadline or now + timedelta(seconds=settings.LINK_WAIT_SECONDS)
    if now >= deadline:
        return None
    return EmailOutcome(
        sent=False, retry_at=min(deadline, now + LINK_POLL_INTERVAL), deadline=deadline
    )


def _tokens_mint(
    booking: Booking, change: BookingChange, claimed: tuple[Audience, ...]
) -> dict[BookingToken.Purpose, str]:
    """The invitee's reschedule and cancel links' tokens, by purpose, minted with the claim
    of the invitee's email (a cancellation carries none)."""
    if Audience.INVITEE not in claimed or change == BookingChange.CANCELLED:
        return {}
    return {
        purpose: token_mint(booking=booking, purpose=purpose)
        for purpose in (BookingToken.Purpose.RESCHEDULE, BookingToken.Purpose.CANCEL)
    }


def _message(
    booking: Booking,
    change: BookingChange,
    link: BookingLink,
    *,
    claim: _Claim,
    tokens: dict[BookingToken.Purpose, str],
) -> BookingMessage:
    """The change's message, with the invitee's links and the session invite claimed for
    the host."""
    links = {
        purpose: absolute_url(reverse(f"booking-{purpose}", args=[token]))
        for purpose, token in tokens.items()
    }
    session = None
    if claim.session is not None:
        session = group_session_invite(
            session=claim.session,
            sequence=claim.session_sequence,
            known_links={booking.id: link},
        )
    return booking_message(
        booking=booking,
        change=change,
        link=link,
        reschedule_url=links.get(BookingToken.Purpose.RESCHEDULE, ""),
        cancel_url=links.get(BookingToken.Purpose.CANCEL, ""),
        session=session,
    )


def _send_claimed(
    booking: Booking,
    sequence: int,
    message: BookingMessage,
    *,
    claim: _Claim,
    tokens: dict[BookingToken.Purpose, str],
) -> BookingEmailsSent:
    """Send the claimed emails; the claims of those the server took end as sent."""
    result = BookingEmailsSent(sent=())
    try:
        result = booking_emails_send(message=message, audiences=claim.audiences)
    finally:
        # Forget the emails that didn't go (all of them, if the message couldn't even be
        # rendered), so they can be sent again; and the links only they carried.
        not_sent = [audience for audience in claim.audiences if audience not in result.sent]
        _release(booking, sequence, not_sent, tokens=list(tokens.values()))
        claims_sent(booking=booking, sequence=sequence, audiences=list(result.sent))
    return result


def _claim(
    booking: Booking,
    sequence: int,
    change: BookingChange,
    *,
    audiences: tuple[Audience, ...],
    awaiting_link: bool,
    join_url: str,
) -> _Claim:
    """Record the emails of `sequence` not yet claimed, under the booking's row lock (so a
    change being made waits, and one made meanwhile overtakes them): the parties claimed,
    and the session invite the host's email carries."""
    current = (
        Booking.objects.select_for_update()
        .filter(pk=booking.pk, sequence=sequence)
        .values_list("pk", flat=True)
        .first()
    )
    if current is None:
        return _Claim(audiences=())  # overtaken by a newer change, whose own email will go
    claimed = _unsent(booking, sequence, audiences)
    now = timezone.now()
    before = claims_take_over(booking=booking, sequence=sequence, audiences=claimed, now=now)
    session = host_invite_session(booking) if Audience.HOST in claimed else None
    session_sequence = 0
    if session is not None:
        session_sequence = GroupSession.objects.values_list("sequence", flat=True).get(
            pk=session.pk
        )
    BookingEmail.objects.bulk_create(
        BookingEmail(
            booking=booking,
            audience=audience,
            sequence=sequence,
            change=change,
            awaiting_link=awaiting_link,
            join_url=join_url,
            session=session if audience == Audience.HOST else None,
            session_sequence=(session_sequence if session and audience == Audience.HOST else None),
            lease_until=now + email_lease(),
            attempts=before.get(audience, 0) + 1,
        )
        for audience in claimed
    )
    return _Claim(audiences=claimed, session=session, session_sequence=session_sequence)


def _release(
    booking: Booking, sequence: int, audiences: list[Audience], *, tokens: list[str]
) -> None:
    if not audiences:
        return
    with transaction.atomic():
        BookingEmail.objects.filter(
            booking=booking, sequence=sequence, audience__in=audiences
        ).delete()
        if Audience.INVITEE in audiences:
            tokens_forget(tokens=tokens)  # minted for the invitee's email, never seen


def _link_update_needed(booking: Booking, link: BookingLink) -> bool:
    """Whether every party it goes to has the booking's latest change, and one of those
    emails lacks the now ready link (it said the link follows, or carried an older one)."""
    if booking.is_cancelled or not link.is_conferencing or link.pending or not link.join_url:
        return False  # an update is only ever sent to carry a link
    told = BookingEmail.objects.filter(booking=booking, sequence=booking.sequence)
    audiences = change_audiences(booking_id=booking.id, sequence=booking.sequence)
    return len(told) == len(audiences) and not all(email.carries(link.join_url) for email in told)


def _send_link_update(
    booking: Booking, now: datetime, details: ConferenceDetails | None
) -> EmailOutcome:
    """Email both parties an update of the invite (a new SEQUENCE) that carries the link;
    a group booking's session has a new link too."""
    with transaction.atomic():
        bumped = Booking.objects.filter(
            pk=booking.pk, sequence=booking.sequence, status=Booking.Status.CONFIRMED
        ).update(sequence=booking.sequence + 1)
        if bumped and booking.session_id is not None:
            group_session_bump(session_id=booking.session_id)
    if not bumped:
        return EmailOutcome(sent=False)  # changed meanwhile; that change's email has the link
    return booking_email_send(
        booking_id=booking.id,
        change=BookingChange.LINK_READY,
        sequence=booking.sequence + 1,
        now=now,
        details=details,
    )


def _link(booking: Booking, details: ConferenceDetails | None) -> BookingLink:
    """The booking's link: from the details its provider announced, else asked for."""
    return booking_link(booking, details) if details is not None else booking_link_for(booking)


def booking_link_ready(
    *, booking_id: int, now: datetime | None = None, details: ConferenceDetails | None = None
) -> EmailOutcome:
    """The conferencing link became ready (or changed): send the confirmation that waits
    for it, or an update of the invite that carries it. `details`: the provider's, as it
    announced them (`seam.link_ready`); None to ask for them."""
    now = now or timezone.now()
    booking = _load(booking_id)
    if booking is None or booking.is_cancelled:
        return EmailOutcome(sent=False)
    link = _link(booking, details)
    if not link.is_conferencing or link.pending:
        return EmailOutcome(sent=False)
    audiences = change_audiences(booking_id=booking.id, sequence=booking.sequence)
    if _unsent(booking, booking.sequence, audiences):
        # The latest change's email is still waiting, for this link or for the mail server:
        # send it now, with the link (it sends the update too, if a party was told it follows).
        latest = booking.history.filter(sequence=booking.sequence).first()
        change = CHANGE_OF_EVENT[BookingEvent.Kind(latest.kind)] if latest else None
        return booking_email_send(
            booking_id=booking.id,
            change=change or BookingChange.LINK_READY,
            sequence=booking.sequence,
            deadline=now,
            now=now,
            details=details,
        )
    if not _link_update_needed(booking, link):
        return EmailOutcome(sent=False)  # the last emails already had this link
    return _send_link_update(booking, now, details)
