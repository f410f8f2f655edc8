"""A host (or an admin) cancels a whole group session: every live seat with it, all or none.

Each booking is cancelled as `booking_cancel` cancels it (its links retired, a history line
with the reason, conferencing told: the last one removes the session's meeting or webinar),
so each invitee is told once, about their own booking, with its invite's CANCEL. Its host
is told once, for the session, not once per seat (a `GroupSessionChange` of kind
CANCELLED, which each seat's history line points to, so the seat's own emails go to the
invitee alone): which session, whose seats, who cancelled it when not the host, the reason,
and the session's invite cancelled (services/session_change_emails.py). A seat whose host
still keeps an event of its own (emailed before sessions had theirs) keeps its own email
to the host, as a seat cancelled on its own does.

It follows the locking discipline of services/bookings.py: the hosts of the session's
bookings are locked first (the locks a seat joining or leaving takes, so none slips by),
and all is written in one transaction.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from slotlink.accounts.models import User
from slotlink.core.tasks import enqueue_on_commit
from slotlink.scheduling.models import Booking, GroupSession
from slotlink.scheduling.selectors import live_session_bookings
from slotlink.scheduling.services.bookings import (
    SESSION_EMPTY_MESSAGE,
    BookingError,
    _cancel,
    _lock_host,
    _locked,
)
from slotlink.scheduling.services.group_sessions import host_session_change
from slotlink.scheduling.session_change_models import GroupSessionChange
from slotlink.scheduling.tasks import send_session_cancelled_email

SESSION_STARTED_MESSAGE = "This session has already started, so it can't be cancelled."


def group_session_cancel(
    *, session: GroupSession, by: User, reason: str = "", now: datetime | None = None
) -> list[Booking]:
    """Cancel each live booking of the session by `by` with `reason`. Returns the bookings
    cancelled; a session that has started, or has none left, is refused and nothing
    changes (BookingError)."""
    with transaction.atomic():
        live = live_session_bookings(session=session)
        hosts = {session.event_type.host_id, *live.values_list("host_id", flat=True)}
        for host_id in sorted(hosts):
            _lock_host(host_id)
        now = now or timezone.now()
        if session.start <= now:
            raise BookingError(SESSION_STARTED_MESSAGE)
        bookings = [_locked(booking) for booking in live]
        if not bookings:
            raise BookingError(SESSION_EMPTY_MESSAGE)
        changes: dict[int, GroupSessionChange] = {}  # by host: each host's one email
        for booking in bookings:
            change = host_session_change(
                booking,
                changes,
                session=session,
                kind=GroupSessionChange.Kind.CANCELLED,
                actor=by,
                actor_name=by.get_full_name(),
                previous_start=session.start,
                start=session.start,
                message=reason,
            )
            _cancel(booking, reason=reason, by=by, now=now, session_change=change)
        for change in changes.values():
            enqueue_on_commit(send_session_cancelled_email, change.id)
    return bookings
