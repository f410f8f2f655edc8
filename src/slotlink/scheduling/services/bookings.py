"""Booking, rescheduling and cancelling one booking: the writes that must never double-book
a host (a host's whole group session is moved in session_moves.py, cancelled in
session_cancels.py, on the same discipline).

Every write that takes a host's time first locks that host's row, then checks the slot
again and writes, all in one transaction. Two invitees racing for one slot therefore queue
on the lock: the second sees the first's booking and is refused. (On SQLite the write
transaction itself is the lock: settings open them IMMEDIATE.) Inside the same transaction
the conferencing seam hears of the change, a group session whose seats change gets a new
invite SEQUENCE for its host, and the emails are enqueued with it (they run only once it
commits: see core/tasks.py).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from slotlink.accounts.models import User
from slotlink.conferencing import calendars, seam
from slotlink.conferencing.calendars import SlotCheck
from slotlink.core.rows import row_insert
from slotlink.core.task_rows import task_rows_batched
from slotlink.core.tasks import enqueue_on_commit
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.calendar_recheck import calendar_recheck, hosts_with_calendars
from slotlink.scheduling.limits.services import (
    Requester,
    public_booking_admit,
    public_booking_record,
    public_booking_screen,
)
from slotlink.scheduling.locations import booking_ref
from slotlink.scheduling.models import (
    Booking,
    BookingEvent,
    BookingToken,
    EventType,
    GroupSession,
)
from slotlink.scheduling.public_read import host_calendars_in_use
from slotlink.scheduling.questions.answers import Answer
from slotlink.scheduling.selectors import (
    bookable_slot_rules_for,
    slot_problem_for,
)
from slotlink.scheduling.services.group_sessions import group_session_bump
from slotlink.scheduling.session_change_models import GroupSessionChange
from slotlink.scheduling.slots import SlotProblem
from slotlink.scheduling.tasks import send_booking_email, send_group_session_left_email
from slotlink.scheduling.tokens import token_is_current, tokens_revoke

SLOT_MESSAGES = {
    SlotProblem.PAST: "That time has already passed. Please pick another.",
    SlotProblem.TOO_SOON: "That time is too soon to book. Please pick a later one.",
    SlotProblem.TOO_FAR: "That time is too far ahead to book yet. Please pick an earlier one.",
    SlotProblem.OUTSIDE_HOURS: "That time isn't available. Please pick one of the times shown.",
    # The host's reason (their time off's name) is theirs: the invitee hears only that day.
    SlotProblem.DAY_OFF: (
        "The host is away that day and takes no meetings. Please pick a time on another day."
    ),
    SlotProblem.TAKEN: "That time was just taken. Please pick another.",
}
NOT_BOOKABLE_MESSAGE = (
    "This event type can't be booked anymore. Pick another on the organization's page."
)
SESSION_FULL_MESSAGE = "That session just filled up. Please pick another time."
LINK_EXPIRED_MESSAGE = "This link doesn't work anymore. Use the links in your latest email."
SESSION_EMPTY_MESSAGE = "Every booking of this session is already cancelled."
# What a host may tell the invitee of a move: kept as the history's reason.
RESCHEDULE_MESSAGE_LIMIT = 500


class BookingError(Exception):
    """A change that can't be made; the message says why, in words for the person asking."""

    taken = False  # lost a race for the time (HTTP 409), rather than asked for a wrong one

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlotUnavailable(BookingError):
    def __init__(self, problem: SlotProblem, *, group: bool = False) -> None:
        taken = problem == SlotProblem.TAKEN
        super().__init__(SESSION_FULL_MESSAGE if taken and group else SLOT_MESSAGES[problem])
        self.problem = problem
        self.taken = taken


class LinkExpired(BookingError):
    """The invitee's link was used up or replaced meanwhile (by its own use a moment ago,
    another link of the same email, or a newer email)."""

    def __init__(self) -> None:
        super().__init__(LINK_EXPIRED_MESSAGE)


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str
    time_zone: str
    phone: str = ""
    address: str = ""
    clock: str = ""  # what their browser's language reads ("12", "24"), "" for unknown
    # Their answers to the event type's questions, and the guests they invite.
    answers: tuple[Answer, ...] = ()
    guests: tuple[str, ...] = ()


def _lock_host(host_id: int) -> None:
    """Serialize every write to this host's calendar, across processes and machines. A
    database without row locks (SQLite) has already serialized them: its transactions
    begin IMMEDIATE, holding its one write lock, so no query is needed there."""
    if not connection.features.has_select_for_update:
        return
    # Written out: through the ORM this one statement took about 370 Python calls of each
    # booking (benchmarks/side_by_side/booking_cpu.sh), while other bookings of the host wait.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {connection.ops.quote_name(User._meta.db_table)}"  # noqa: S608
            " WHERE id = %s FOR UPDATE",
            [host_id],
        )


def _new_ical_uid() -> str:
    domain = urlsplit(settings.BASE_URL).hostname or "slotlink"
    return f"{uuid.uuid4()}@{domain}"


def _session_at(event_type: EventType, start: datetime, end: datetime) -> GroupSession:
    session, _ = GroupSession.objects.get_or_create(
        event_type=event_type,
        start=start,
        defaults={
            "end": end,
            "capacity": event_type.seats_per_session,
            "ical_uid": _new_ical_uid(),
        },
    )
    return session


def _record(
    booking: Booking,
    kind: BookingEvent.Kind,
    *,
    actor: User | None,
    previous_start: datetime | None = None,
    reason: str = "",
    session_change: GroupSessionChange | None = None,
) -> None:
    # Written by hand: under the host's lock, as the ORM's save it cost about 300 calls.
    row_insert(
        BookingEvent(
            booking=booking,
            kind=kind,
            actor=actor,
            actor_name=actor.get_full_name() if actor else booking.invitee_name,
            start=booking.start,
            previous_start=previous_start,
            reason=reason,
            sequence=booking.sequence,
            session_change=session_change,
        )
    )


def _email_on_commit(
    booking: Booking, change: BookingChange, *, link_follows: bool = False
) -> None:
    """Email the change once it commits. When the provider announces the link it is still
    making (`link_follows`), the announcement sends the email with it, and this task runs
    only at the bound on waiting, to say the link follows if it hasn't come."""
    if not link_follows:
        enqueue_on_commit(send_booking_email, booking.id, change.value, booking.sequence)
        return
    deadline = timezone.now() + timedelta(seconds=settings.LINK_WAIT_SECONDS)
    enqueue_on_commit(
        send_booking_email.using(run_after=deadline),
        booking.id,
        change.value,
        booking.sequence,
        deadline.isoformat(),
    )


def booking_create(
    *,
    event_type: EventType,
    start: datetime,
    invitee: Invitee,
    requester: Requester | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book `start` for an invitee, or raise SlotUnavailable (BookingError for an event
    type turned off meanwhile) saying why not; a time the host's own calendar filled
    since the page was loaded is taken. A booking on the public page names its
    `requester`: it is counted by the booking limits, and refused past one or when blocked
    (BookingRefused, scheduling/limits)."""
    if requester is not None:
        public_booking_screen(
            event_type=event_type, invitee_email=invitee.email, requester=requester
        )
    # The host's own calendars, asked live before the lock: no booking of the host waits
    # on a calendar server. A meeting they added there meanwhile is a taken time. A host
    # without calendars has none to ask, nor one to write a one-on-one booking's event to.
    calendars_in_use = host_calendars_in_use(event_type)
    calendar = calendar_recheck(event_type=event_type, start=start) if calendars_in_use else "free"
    if calendar == "busy":
        raise SlotUnavailable(SlotProblem.TAKEN)
    with transaction.atomic():
        _lock_host(event_type.host_id)
        now = now or timezone.now()
        if requester is not None:
            public_booking_admit(
                event_type=event_type, invitee_email=invitee.email, requester=requester, now=now
            )
        # Turned off since the page was loaded (its host may have left)? Read with the
        # host's hours, under the host's lock, which removing a member takes too.
        rules = bookable_slot_rules_for(event_type=event_type, host=event_type.host, start=start)
        if rules is None:
            raise BookingError(NOT_BOOKABLE_MESSAGE)
        problem = slot_problem_for(event_type=event_type, start=start, now=now, rules=rules)
        if problem is not None:
            raise SlotUnavailable(problem, group=event_type.is_group)
        end = start + timedelta(minutes=event_type.duration_minutes)
        booking = Booking(
            organization_id=event_type.organization_id,
            event_type=event_type,
            host=event_type.host,  # the event type's host now; later changes don't move it
            session=_session_at(event_type, start, end) if event_type.is_group else None,
            start=start,
            end=end,
            location_kind=event_type.location_kind,
            location_detail=event_type.location_detail,
            fallback_to_meeting=event_type.fallback_to_meeting,
            invitee_name=invitee.name,
            invitee_email=invitee.email,
            invitee_phone=invitee.phone,
            invitee_address=invitee.address,
            invitee_time_zone=invitee.time_zone,
            invitee_clock=invitee.clock,
            answers=[answer.as_stored() for answer in invitee.answers],
            guest_emails=list(invitee.guests),
            ical_uid=_new_ical_uid(),
            calendar_not_checked=calendar == "unchecked",
        )
        booking.clean_fields(exclude=["organization", "event_type", "host", "session"])
        booking.save()
        if requester is not None:
            public_booking_record(
                event_type=event_type, invitee_email=invitee.email, requester=requester, now=now
            )
        if booking.session_id is not None:
            group_session_bump(session_id=booking.session_id)
        _record(booking, BookingEvent.Kind.BOOKED, actor=None)
        # The provider's tasks (Zoom's sync) and the email's: one INSERT under the lock.
        with task_rows_batched():
            link_follows = seam.booking_created(booking.location_kind, booking_ref(booking))
            if calendars_in_use or booking.session_id is not None:
                # A session's event may stand in a calendar the host has since unpicked:
                # it hears of every seat.
                calendars.event_written(booking_ref(booking))
            _email_on_commit(booking, BookingChange.BOOKED, link_follows=link_follows)
    return booking


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("event_type", "host", "organization")
        .get(pk=booking.pk)
    )


def _check_link(booking: Booking, link_token: str | None, purpose: BookingToken.Purpose) -> None:
    """A change through an emailed link needs the link still working now, under the
    booking's lock: two uses at once both found it before, but only one finds it here (the
    change deletes it in this transaction)."""
    if link_token is not None and not token_is_current(
        booking=booking, token=link_token, purpose=purpose
    ):
        raise LinkExpired()


def _check_changeable(booking: Booking, now: datetime) -> None:
    if booking.is_cancelled:
        raise BookingError("This booking was cancelled, so it can't be changed.")
    if booking.start <= now:
        raise BookingError("This booking has already started, so it can't be changed.")


def booking_reschedule(
    *,
    booking: Booking,
    start: datetime,
    link_token: str | None = None,
    by: User | None = None,
    message: str = "",
    now: datetime | None = None,
) -> Booking:
    """Move the booking to `start`: same booking, new SEQUENCE, and its old links stop
    working. By its invitee (`by` None), through an emailed link: pass its token, and if the
    link stopped working meanwhile, LinkExpired and nothing changes. Or by its host or an
    admin (`by`), with an optional `message` the invitee's email carries. Either way only a
    time free by the same rules as on the booking page is taken (hours, notice, horizon,
    buffers, the host's other bookings, a session's seats), and, as at booking, a time
    the host's own calendar filled since the page was loaded is taken: a host can't
    overbook."""
    if len(message) > RESCHEDULE_MESSAGE_LIMIT:
        raise BookingError(
            f"The message to the invitee can be at most {RESCHEDULE_MESSAGE_LIMIT} characters."
        )
    # Asked live before the lock, as booking_create does (the booking's own event in the
    # calendar is slotlink's, which the check doesn't count); a host without calendars
    # has none to ask.
    calendar: SlotCheck = "free"
    if hosts_with_calendars([booking.host_id]):
        calendar = calendar_recheck(
            event_type=booking.event_type, start=start, host_id=booking.host_id
        )
    if calendar == "busy":
        raise SlotUnavailable(SlotProblem.TAKEN)
    with transaction.atomic():
        _lock_host(booking.host_id)
        booking = _locked(booking)
        _check_link(booking, link_token, BookingToken.Purpose.RESCHEDULE)
        now = now or timezone.now()
        _check_changeable(booking, now)
        if start == booking.start:
            raise BookingError("That is already the booking's time. Pick another to move it.")
        event_type = booking.event_type
        problem = slot_problem_for(event_type=event_type, start=start, now=now, excluding=booking)
        if problem is not None:
            raise SlotUnavailable(problem, group=event_type.is_group)
        previous_start, previous_session_id = booking.start, booking.session_id
        booking.start = start
        booking.end = start + timedelta(minutes=event_type.duration_minutes)
        if event_type.is_group:
            booking.session = _session_at(event_type, start, booking.end)
        booking.sequence += 1
        booking.calendar_not_checked = calendar == "unchecked"  # of the time it now has
        booking.save(update_fields=["start", "end", "session", "sequence", "calendar_not_checked"])
        tokens_revoke(booking=booking)
        _record(
            booking,
            BookingEvent.Kind.RESCHEDULED,
            actor=by,
            previous_start=previous_start,
            reason=message if by is not None else "",
        )
        moved = booking_ref(booking, previous_group_session_id=previous_session_id)
        link_follows = seam.booking_rescheduled(booking.location_kind, moved)
        calendars.event_written(moved)
        _email_on_commit(booking, BookingChange.RESCHEDULED, link_follows=link_follows)
        if booking.session_id != previous_session_id:
            _moved_between_sessions(booking, previous_session_id)
    return booking


def _moved_between_sessions(booking: Booking, previous_session_id: int | None) -> None:
    """Both sessions' seats changed. The booking's emails carry the session it joined; the
    host hears of the one it left in an email of its own."""
    if booking.session_id is not None:
        group_session_bump(session_id=booking.session_id)
    if previous_session_id is not None:
        sequence = group_session_bump(session_id=previous_session_id)
        enqueue_on_commit(send_group_session_left_email, previous_session_id, sequence, booking.id)


def booking_cancel(
    *,
    booking: Booking,
    reason: str = "",
    by: User | None = None,
    link_token: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Cancel by the invitee (`by` None) or by a host or admin; every link of it stops
    working. Through an emailed link, pass its token: if the link stopped working
    meanwhile, LinkExpired and nothing changes."""
    with transaction.atomic():
        booking = _locked(booking)
        _check_link(booking, link_token, BookingToken.Purpose.CANCEL)
        _cancel(booking, reason=reason, by=by, now=now or timezone.now())
    return booking


def _cancel(
    booking: Booking,
    *,
    reason: str,
    by: User | None,
    now: datetime,
    session_change: GroupSessionChange | None = None,
) -> None:
    """Cancel the locked `booking`, in the caller's transaction. A seat cancelled with its
    whole session points to that `session_change`, which tells its host instead of the
    seat's own email."""
    _check_changeable(booking, now)
    booking.status = Booking.Status.CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_by_host = by is not None
    booking.sequence += 1
    booking.clean_fields(exclude=["organization", "event_type", "host", "session"])
    booking.save(update_fields=["status", "cancel_reason", "cancelled_by_host", "sequence"])
    if booking.session_id is not None:
        group_session_bump(session_id=booking.session_id)
    tokens_revoke(booking=booking)
    _record(
        booking, BookingEvent.Kind.CANCELLED, actor=by, reason=reason, session_change=session_change
    )
    seam.booking_cancelled(booking.location_kind, booking_ref(booking))
    calendars.event_written(booking_ref(booking))
    _email_on_commit(booking, BookingChange.CANCELLED)
