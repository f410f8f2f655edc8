"""Which reminders an event type has, and which reminder emails are due now.

A reminder `minutes_before` a booking's start is due from that moment until half its lead
is gone (a 24-hour reminder the job could not send for a day of downtime is no reminder
any more; a 1-hour one goes until half an hour before). It goes only for a booking that is
confirmed, whose current start was set (booked, or moved there) before the reminder's
time, and only if the reminder existed by then: a booking made 30 minutes before its
start gets no 1-hour reminder, and a booking moved gets the reminders of its new start.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from slotlink.core.mail import email_lease, notices_held
from slotlink.notifications.messages import Audience
from slotlink.scheduling.models import Booking, BookingEvent, EventType
from slotlink.scheduling.reminders.models import Reminder, ReminderEmail
from slotlink.scheduling.reminders.words import lead_words


@dataclass(frozen=True)
class DueReminder:
    key: str  # unique per recipient, reminder and start: the claim's
    booking_id: int
    session_id: int | None  # the group session, for its host's one reminder
    audience: Audience
    minutes_before: int
    start: datetime
    guest: str = ""  # one of the invitee's guests, reminded with the invitee


def reminders_of(*, event_type: EventType) -> QuerySet[Reminder]:
    return Reminder.objects.filter(event_type=event_type)


@dataclass(frozen=True)
class SentReminder:
    lead: str  # e.g. "1 hour"
    to: str  # "the invitee" or "the host"
    sent_at: datetime


def reminders_sent(*, booking: Booking) -> list[SentReminder]:
    """The reminders of the booking's current start that went, for its page: the
    invitee's, and the host's (of its session, for a group booking)."""
    host_rows = Q(session_id=booking.session_id) if booking.session_id else Q(booking=booking)
    rows = ReminderEmail.objects.filter(
        (
            Q(booking=booking, audience=Audience.INVITEE, guest="")
            | (host_rows & Q(audience=Audience.HOST))
        ),
        start=booking.start,
        sent_at__isnull=False,
    ).order_by("sent_at", "id")
    return [
        SentReminder(
            lead=lead_words(row.minutes_before),
            to=f"the {row.audience}",
            sent_at=row.sent_at,
        )
        for row in rows
        if row.sent_at is not None
    ]


def reminder_key(
    *,
    audience: Audience,
    minutes_before: int,
    start: datetime,
    booking_id: int,
    session_id: int | None = None,
    guest: str = "",
) -> str:
    """Who gets it, which reminder, which start: a session's host once per session, each
    guest once (by a digest of their address: an address may be longer than a key)."""
    owner = f"session-{session_id}" if session_id is not None else f"booking-{booking_id}"
    if guest:
        digest = hashlib.sha256(guest.strip().lower().encode()).hexdigest()[:16]
        return f"{owner}:guest-{digest}:{minutes_before}:{int(start.timestamp())}"
    return f"{owner}:{audience}:{minutes_before}:{int(start.timestamp())}"


def reminder_notice_key(reminder_email_id: int) -> str:
    """Its claim on core's notice path (core/mail.py)."""
    return f"scheduling.reminder:{reminder_email_id}"


def _start_set_at() -> Coalesce:
    """When the booking got its current start: its last booked or rescheduled event."""
    latest = BookingEvent.objects.filter(
        booking=OuterRef("pk"),
        kind__in=[BookingEvent.Kind.BOOKED, BookingEvent.Kind.RESCHEDULED],
    ).order_by("-at", "-id")
    return Coalesce(Subquery(latest.values("at")[:1]), F("created_at"))


def _due_bookings(*, minutes_before: int, now: datetime) -> QuerySet[Booking]:
    lead = timedelta(minutes=minutes_before)
    return (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            start__lte=now + lead,
            start__gte=now + lead / 2,
            # One filter call: the same reminder row is matched on both conditions.
            event_type__reminders__minutes_before=minutes_before,
            event_type__reminders__created_at__lte=F("start") - lead,
        )
        .annotate(start_set_at=_start_set_at())
        .filter(start_set_at__lte=F("start") - lead)
        .order_by("start", "created_at", "id")
    )


def _due(booking: Booking, audience: Audience, minutes_before: int, guest: str = "") -> DueReminder:
    """The booking's reminder for `audience` (or the invitee's `guest`); a group session's
    host's is the session's."""
    session_id = booking.session_id if audience == Audience.HOST else None
    return DueReminder(
        key=reminder_key(
            audience=audience,
            minutes_before=minutes_before,
            start=booking.start,
            booking_id=booking.id,
            session_id=session_id,
            guest=guest,
        ),
        booking_id=booking.id,
        session_id=session_id,
        audience=audience,
        minutes_before=minutes_before,
        start=booking.start,
        guest=guest,
    )


def reminders_due(*, now: datetime) -> list[DueReminder]:
    """The reminder emails due at `now` and not yet claimed, each once: the invitee's of
    each booking and each of their guests', the host's of each one-on-one booking and of
    each group session."""
    due: list[DueReminder] = []
    offsets = Reminder.objects.values_list("minutes_before", flat=True).distinct()
    for minutes_before in sorted(set(offsets)):
        to_host = set(
            Reminder.objects.filter(minutes_before=minutes_before, to_host=True).values_list(
                "event_type_id", flat=True
            )
        )
        sessions_seen: set[int] = set()
        for booking in _due_bookings(minutes_before=minutes_before, now=now):
            due.append(_due(booking, Audience.INVITEE, minutes_before))
            due.extend(
                _due(booking, Audience.INVITEE, minutes_before, guest=guest)
                for guest in booking.guest_emails
            )
            if booking.event_type_id not in to_host or booking.session_id in sessions_seen:
                continue
            if booking.session_id is not None:
                sessions_seen.add(booking.session_id)
            due.append(_due(booking, Audience.HOST, minutes_before))
    claimed = set(
        ReminderEmail.objects.filter(key__in=[reminder.key for reminder in due]).values_list(
            "key", flat=True
        )
    )
    return [reminder for reminder in due if reminder.key not in claimed]


def reminders_lost(*, now: datetime) -> list[ReminderEmail]:
    """The reminder emails claimed longer than a mail lease ago whose task never sent them
    nor found them no longer due (RQ is told only after the claim commits: a crash in
    between loses the task), still in their reminder's window, and not held on core's
    notice path (a worker sending it, a refusal waiting for its retry, or given up)."""
    rows = [
        row
        for row in ReminderEmail.objects.filter(
            handled_at__isnull=True, claimed_at__lt=now - email_lease(), start__gt=now
        )
        # Half the lead left, as when it was due: a late reminder is no reminder.
        if row.start - now >= timedelta(minutes=row.minutes_before) / 2
    ]
    held = notices_held(keys=[reminder_notice_key(row.id) for row in rows], now=now)
    return [row for row in rows if reminder_notice_key(row.id) not in held]
