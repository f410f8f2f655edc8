"""The host's one email about a whole group session moved, built under core's notice claim.

A session moved at once (`session_moves.py`) is told to each invitee about their own
booking, and to its host once, for the session: `session_moved_notice_builder` is what
core's notice path (`core/mail.py: notice_send`) runs under the claim of that email. It
builds nothing once the email was sent (`GroupSessionMove.host_told_at`), once the session
moved again (that move's email tells where it is now), or when no seat is booked any more
(their cancellations told the host). So a duplicate task, a retry after the mail server
refused, or the task of a worker that died mid-send sends it once, and never loses it.

The invite is the session's as it is when the email goes, its SEQUENCE read before its
seats, so it is never older than it claims (as in the host's emails about a seat).
"""

from collections.abc import Callable

from django.utils import timezone

from slotlink.core.mail import Notice
from slotlink.notifications.messages import Person, SessionMoveMessage
from slotlink.notifications.session_emails import session_moved_email
from slotlink.scheduling.messages import group_session_invite
from slotlink.scheduling.models import Booking
from slotlink.scheduling.session_move_models import GroupSessionMove


def session_moved_notice_key(move_id: int) -> str:
    return f"scheduling.session-moved:{move_id}"


def _invitee(booking: Booking) -> Person:
    return Person(
        name=booking.invitee_name,
        email=booking.invitee_email,
        time_zone=booking.invitee_time_zone,
        clock=booking.invitee_clock,
    )


def session_moved_notice_builder(*, move_id: int) -> Callable[[], Notice | None]:
    def build() -> Notice | None:
        move = (
            GroupSessionMove.objects.select_related("session__event_type", "host")
            .filter(pk=move_id, host_told_at__isnull=True)
            .first()
        )
        if move is None:
            return None  # sent already
        later = GroupSessionMove.objects.filter(
            session_id=move.session_id, host_id=move.host_id, pk__gt=move.pk
        )
        if later.exists():
            return None
        session, host = move.session, move.host
        invite = group_session_invite(session=session, sequence=session.sequence)
        if invite.cancelled:
            return None
        moved = Booking.objects.filter(history__session_move=move).order_by("created_at", "id")
        message = SessionMoveMessage(
            title=session.event_type.title,
            description=session.event_type.description,
            host=Person(
                name=host.get_full_name(),
                email=host.email,
                time_zone=host.time_zone,
                clock=host.clock,
            ),
            session=invite,
            previous_start=move.previous_start,
            moved=tuple(_invitee(booking) for booking in moved),
            moved_by="" if move.actor_id == move.host_id else move.actor_name,
            message=move.message,
            organization_id=session.event_type.organization_id,
        )

        def told() -> None:
            GroupSessionMove.objects.filter(pk=move.pk).update(
                host_told_at=timezone.now(), session_sequence=invite.sequence
            )

        return Notice(message=session_moved_email(message=message), told=told)

    return build
