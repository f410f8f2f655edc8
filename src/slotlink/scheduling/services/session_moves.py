"""A host (or an admin) moves a whole group session: every seat with it, all or none.

The session stays one session: its row takes the new time, so its host's invite is updated
(a higher SEQUENCE, same UID) and a conferencing provider moves the session's one meeting
or webinar instead of making another. Each booking moves as `booking_reschedule` moves it
(a new SEQUENCE, its old links retired, a history line with the host's message), so each
invitee is told once, about their own booking. Its host is told once, for the session (a
`GroupSessionChange`, which each seat's history line points to, so the seat's own emails
go to the invitee alone): which session, from when to when, whose seats, the message, and
the session's invite (services/session_change_emails.py). A seat whose host still keeps an event
of its own (emailed before sessions had theirs) keeps its own email to the host.

It follows the locking discipline of services/bookings.py: the hosts of the session's
bookings are locked first (the locks a seat joining or leaving takes, so none slips by),
then the new time is checked by the booking page's rules with the session's own seats left
out, and all is written in one transaction.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from slotlink.accounts.models import User
from slotlink.conferencing import calendars, seam
from slotlink.core.tasks import enqueue_on_commit
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.calendar_recheck import calendar_recheck, hosts_with_calendars
from slotlink.scheduling.locations import booking_ref
from slotlink.scheduling.models import Booking, BookingEvent, GroupSession
from slotlink.scheduling.selectors import live_session_bookings, slot_problem_for
from slotlink.scheduling.services.bookings import (
    RESCHEDULE_MESSAGE_LIMIT,
    SESSION_EMPTY_MESSAGE,
    BookingError,
    SlotUnavailable,
    _email_on_commit,
    _lock_host,
    _record,
)
from slotlink.scheduling.services.group_sessions import group_session_bump, host_session_change
from slotlink.scheduling.session_change_models import GroupSessionChange
from slotlink.scheduling.slots import SlotProblem
from slotlink.scheduling.tasks import send_session_moved_email
from slotlink.scheduling.tokens import tokens_revoke

SESSION_MOVE_STARTED_MESSAGE = "This session has already started, so it can't be moved."
SESSION_SAME_TIME_MESSAGE = "That is already the session's time. Pick another to move it."
SESSION_THERE_MESSAGE = (
    "The event type has another session at that time. Pick another time, or move the seats "
    "one at a time into it."
)


def group_session_reschedule(
    *,
    session: GroupSession,
    start: datetime,
    by: User,
    message: str = "",
    now: datetime | None = None,
) -> list[Booking]:
    """Move the session and each of its live bookings to `start`, with the host's optional
    `message` in every invitee's email. Returns the bookings moved. Refused, with nothing
    changed (BookingError): a session that started or has no live booking, the same time,
    a time where the event type has a session already, or one its host isn't free at."""
    if len(message) > RESCHEDULE_MESSAGE_LIMIT:
        raise BookingError(
            f"The message to the invitees can be at most {RESCHEDULE_MESSAGE_LIMIT} characters."
        )
    # Each host's own calendars, asked live before the locks, as at booking (the session's
    # own event in them is slotlink's, which the check doesn't count).
    # Hosts without calendars (one query for all) have none to ask.
    host_ids = set(live_session_bookings(session=session).values_list("host_id", flat=True))
    asked = hosts_with_calendars(host_ids)
    calendar = {
        host_id: calendar_recheck(event_type=session.event_type, start=start, host_id=host_id)
        if host_id in asked
        else "free"
        for host_id in sorted(host_ids)
    }
    if "busy" in calendar.values():
        raise SlotUnavailable(SlotProblem.TAKEN)
    with transaction.atomic():
        live = live_session_bookings(session=session)
        hosts = {session.event_type.host_id, *live.values_list("host_id", flat=True)}
        for host_id in sorted(hosts):
            _lock_host(host_id)
        session = (
            GroupSession.objects.select_for_update(of=("self",))
            .select_related("event_type", "event_type__host")
            .get(pk=session.pk)
        )
        now = now or timezone.now()
        if session.start <= now:
            raise BookingError(SESSION_MOVE_STARTED_MESSAGE)
        bookings = list(live.select_related("event_type", "host", "organization"))
        if not bookings:
            raise BookingError(SESSION_EMPTY_MESSAGE)
        if start == session.start:
            raise BookingError(SESSION_SAME_TIME_MESSAGE)
        event_type = session.event_type
        # Never merged into another session, even one whose seats are all cancelled: its
        # invite stays the host's record of it.
        if GroupSession.objects.filter(event_type=event_type, start=start).exists():
            raise BookingError(SESSION_THERE_MESSAGE)
        for host in {booking.host_id: booking.host for booking in bookings}.values():
            problem = slot_problem_for(
                event_type=event_type, start=start, now=now, moving_session=session, host=host
            )
            if problem is not None:
                raise SlotUnavailable(problem)
        previous_start = session.start
        session.start = start
        session.end = start + timedelta(minutes=event_type.duration_minutes)
        session.save(update_fields=["start", "end"])
        group_session_bump(session_id=session.pk)  # the host's invite of it: the new time
        moves: dict[int, GroupSessionChange] = {}  # by host: each host's one email
        for booking in bookings:
            # A host not asked above (given the booking meanwhile) counts as unchecked.
            checked = calendar.get(booking.host_id) == "free"
            move = host_session_change(
                booking,
                moves,
                session=session,
                kind=GroupSessionChange.Kind.MOVED,
                actor=by,
                actor_name=by.get_full_name(),
                previous_start=previous_start,
                start=start,
                message=message,
            )
            _move_with_session(
                booking,
                session,
                by=by,
                message=message,
                previous=previous_start,
                checked=checked,
                session_change=move,
            )
        for move in moves.values():
            enqueue_on_commit(send_session_moved_email, move.id)
    return bookings


def _move_with_session(
    booking: Booking,
    session: GroupSession,
    *,
    by: User,
    message: str,
    previous: datetime,
    checked: bool,
    session_change: GroupSessionChange | None,
) -> None:
    booking.start, booking.end = session.start, session.end
    booking.sequence += 1
    booking.calendar_not_checked = not checked
    booking.save(update_fields=["start", "end", "sequence", "calendar_not_checked"])
    tokens_revoke(booking=booking)
    _record(
        booking,
        BookingEvent.Kind.RESCHEDULED,
        actor=by,
        previous_start=previous,
        reason=message,
        session_change=session_change,
    )
    # Still in its session: the provider finds the session's meeting or webinar and moves
    # it, the first time it hears of the move.
    link_follows = seam.booking_rescheduled(booking.location_kind, booking_ref(booking))
    calendars.event_written(booking_ref(booking))
    _email_on_commit(booking, BookingChange.RESCHEDULED, link_follows=link_follows)
