"""The host's one email about a whole group session moved or cancelled, built under core's
notice claim.

A session moved or cancelled at once (`session_moves.py`, `session_cancels.py`) is told to
each invitee about their own booking, and to its host once, for the session: the builders
here are what core's notice path (`core/mail.py: notice_send`) runs under the claim of that
email. They build nothing once the email was sent (`GroupSessionChange.host_told_at`), or
once the session changed again for that host (that change's email tells where it stands
now). A move's email is not sent either when no seat is booked any more (their
cancellations told the host), nor a cancel's when a seat was booked again since (that
booking's email to the host carries the session as it is). So a duplicate task, a retry
after the mail server refused, or the task of a worker that died mid-send sends it once,
and never loses it.

The invite is the session's as it is when the email goes, its SEQUENCE read before its
seats, so it is never older than it claims (as in the host's emails about a seat).
"""

from collections.abc import Callable

from django.utils import timezone

from slotlink.accounts.models import User
from slotlink.core.mail import Notice
from slotlink.notifications.messages import (
    Person,
    SessionCancelMessage,
    SessionInvite,
    SessionMoveMessage,
)
from slotlink.notifications.session_emails import session_cancelled_email, session_moved_email
from slotlink.scheduling.messages import group_session_invite
from slotlink.scheduling.models import Booking
from slotlink.scheduling.session_change_models import GroupSessionChange


def session_moved_notice_key(move_id: int) -> str:
    return f"scheduling.session-moved:{move_id}"


def session_cancelled_notice_key(change_id: int) -> str:
    return f"scheduling.session-cancelled:{change_id}"


def _person(user: User) -> Person:
    return Person(
        name=user.get_full_name(), email=user.email, time_zone=user.time_zone, clock=user.clock
    )


def _invitee(booking: Booking) -> Person:
    return Person(
        name=booking.invitee_name,
        email=booking.invitee_email,
        time_zone=booking.invitee_time_zone,
        clock=booking.invitee_clock,
    )


def _untold(change_id: int, kind: GroupSessionChange.Kind) -> GroupSessionChange | None:
    """The change, while its host is still to be told of it and no later change of the
    session (to the same host) tells them more."""
    change = (
        GroupSessionChange.objects.select_related("session__event_type", "host")
        .filter(pk=change_id, kind=kind, host_told_at__isnull=True)
        .first()
    )
    if change is None:
        return None  # sent already
    later = GroupSessionChange.objects.filter(
        session_id=change.session_id, host_id=change.host_id, pk__gt=change.pk
    )
    return None if later.exists() else change


def _seats(change: GroupSessionChange) -> tuple[Person, ...]:
    """The invitees whose seats changed with the session, first booked first."""
    seats = Booking.objects.filter(history__session_change=change).order_by("created_at", "id")
    return tuple(_invitee(booking) for booking in seats)


def _told(change: GroupSessionChange, invite: SessionInvite) -> Callable[[], None]:
    def told() -> None:
        GroupSessionChange.objects.filter(pk=change.pk).update(
            host_told_at=timezone.now(), session_sequence=invite.sequence
        )

    return told


def _actor_name(change: GroupSessionChange) -> str:
    """Who changed the session, when not its host (an admin); "" for the host."""
    return "" if change.actor_id == change.host_id else change.actor_name


def session_moved_notice_builder(*, move_id: int) -> Callable[[], Notice | None]:
    def build() -> Notice | None:
        move = _untold(move_id, GroupSessionChange.Kind.MOVED)
        if move is None:
            return None
        session = move.session
        invite = group_session_invite(session=session, sequence=session.sequence)
        if invite.cancelled:
            return None
        message = SessionMoveMessage(
            title=session.event_type.title,
            description=session.event_type.description,
            host=_person(move.host),
            session=invite,
            previous_start=move.previous_start,
            moved=_seats(move),
            moved_by=_actor_name(move),
            message=move.message,
            organization_id=session.event_type.organization_id,
        )
        return Notice(message=session_moved_email(message=message), told=_told(move, invite))

    return build


def session_cancelled_notice_builder(*, change_id: int) -> Callable[[], Notice | None]:
    def build() -> Notice | None:
        change = _untold(change_id, GroupSessionChange.Kind.CANCELLED)
        if change is None:
            return None
        session = change.session
        invite = group_session_invite(session=session, sequence=session.sequence)
        if not invite.cancelled:
            return None
        message = SessionCancelMessage(
            title=session.event_type.title,
            description=session.event_type.description,
            host=_person(change.host),
            session=invite,
            cancelled=_seats(change),
            cancelled_by=_actor_name(change),
            reason=change.message,
            organization_id=session.event_type.organization_id,
        )
        return Notice(message=session_cancelled_email(message=message), told=_told(change, invite))

    return build
