"""A group session's one calendar event for its host, kept in step with its seats.

The host of a group event type gets one calendar event per session, not one per seat: the
session's own invite (`GroupSession.ical_uid`), whose SEQUENCE rises whenever a booking
joins or leaves the session, or its join link changes (`group_session_bump`, inside the
transaction of that change). The host's email about each change of a booking carries it,
as the session is when that email goes (`services/emails.py`), so a later email never
carries an older session than an earlier one.

A booking that moves to another session is in the emails of the session it joined. The
one it left gets an email of its own to the host (`group_session_left_email_send`): one
attendee fewer, or the event's cancellation when that was the last seat. A whole session
moved or cancelled at once is one email to its host too (`session_change_emails.py`, the
change recorded by `host_session_change`). Each invitee keeps the invite of their own
booking.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from slotlink.core.mail import email_lease
from slotlink.notifications.messages import Audience, BookingChange
from slotlink.notifications.services import BookingEmailsSent, booking_emails_send
from slotlink.scheduling.locations import BookingLink
from slotlink.scheduling.messages import booking_message, group_session_invite
from slotlink.scheduling.models import Booking, BookingEmail, GroupSession, GroupSessionEmail
from slotlink.scheduling.session_change_models import GroupSessionChange


def group_session_bump(*, session_id: int) -> int:
    """The session's seats (or link) changed: a higher SEQUENCE for its invite, returned.
    Call it in the change's transaction; the row stays locked until it commits."""
    GroupSession.objects.filter(pk=session_id).update(sequence=F("sequence") + 1)
    return GroupSession.objects.values_list("sequence", flat=True).get(pk=session_id)


def host_invite_session(booking: Booking) -> GroupSession | None:
    """The session whose invite the host's emails about `booking` carry; None for the
    booking's own invite: a one-on-one booking, or one whose host was emailed its own
    invite before sessions had theirs (that event stays the one updated, or a cancel would
    leave it behind in the host's calendar)."""
    if booking.session_id is None:
        return None
    emailed_its_own = BookingEmail.objects.filter(
        booking=booking, audience=Audience.HOST, session__isnull=True
    ).exists()
    return None if emailed_its_own else booking.session


def host_session_change(
    booking: Booking, changes: dict[int, GroupSessionChange], **fields: Any
) -> GroupSessionChange | None:
    """The change of the whole session the booking's host is told of, once for the session
    (one per host, kept in `changes`, made with `fields`); None for a seat whose host keeps
    an event of its own (emailed before sessions had theirs), which keeps its own email to
    the host."""
    if host_invite_session(booking) is None:
        return None
    if booking.host_id not in changes:
        changes[booking.host_id] = GroupSessionChange.objects.create(host=booking.host, **fields)
    return changes[booking.host_id]


def _host_has_seen(session: GroupSession) -> int | None:
    """The highest SEQUENCE of the session's invite its host was emailed (or is being, about
    a seat; a move of the whole session counts once told); None if never. A claim whose
    worker died mid-send does not count."""
    lost = Q(lease_until__lt=timezone.now())
    emailed = (
        BookingEmail.objects.filter(session=session)
        .exclude(lost)
        .aggregate(latest=Max("session_sequence"))
    )
    updated = (
        GroupSessionEmail.objects.filter(session=session)
        .exclude(lost)
        .aggregate(latest=Max("sequence"))
    )
    changed = GroupSessionChange.objects.filter(
        session=session, host_told_at__isnull=False
    ).aggregate(latest=Max("session_sequence"))
    latests = (emailed["latest"], updated["latest"], changed["latest"])
    seen = [latest for latest in latests if latest is not None]
    return max(seen, default=None)


def group_session_left_email_send(*, session_id: int, sequence: int, booking_id: int) -> bool:
    """Email the host the update of a session that `booking_id` left for another one, made
    at `sequence`: once, and only while the host's calendar holds the session in an older
    state. A newer change of the session carries the update itself. An email the mail
    server refuses is forgotten again and its error raised, so the task retries it."""
    session = GroupSession.objects.select_related("event_type").filter(pk=session_id).first()
    booking = (
        Booking.objects.select_related("event_type", "host", "organization")
        .filter(pk=booking_id)
        .first()
    )
    if session is None or booking is None or session.sequence != sequence:
        return False
    seen = _host_has_seen(session)
    if seen is None or seen >= sequence:
        return False  # never emailed to the host, or already as it is now
    now = timezone.now()
    claim = GroupSessionEmail.objects.filter(session=session, sequence=sequence)
    try:
        with transaction.atomic():
            GroupSessionEmail.objects.create(
                session=session, sequence=sequence, booking=booking, lease_until=now + email_lease()
            )
    except IntegrityError:
        # Claimed by another run of this email: taken over only if its worker died mid-send.
        taken = claim.filter(lease_until__lt=now).update(
            lease_until=now + email_lease(), attempts=F("attempts") + 1
        )
        if not taken:
            return False
    invite = group_session_invite(session=session, sequence=sequence)
    message = booking_message(
        booking=booking,
        change=BookingChange.LEFT_SESSION,
        # The email tells of the session left; its join link is in the invite.
        link=BookingLink(location_text=invite.location_text),
        session=invite,
    )
    result = BookingEmailsSent(sent=())
    try:
        result = booking_emails_send(message=message, audiences=(Audience.HOST,))
    finally:
        if Audience.HOST in result.sent:
            claim.update(lease_until=None, sent_at=timezone.now())
        else:
            claim.delete()
    result.raise_first_failure()
    return True
