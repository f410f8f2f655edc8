"""Reads: event types, availability, free slots and bookings, always within an organization.

Members see their own event types and bookings; admins see their whole organization's.
Another organization's objects are never returned, so views answer 404 for them.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.db.models import Max, Q, QuerySet

from slotlink.accounts.models import Membership, User
from slotlink.conferencing import calendars
from slotlink.notifications.messages import Audience
from slotlink.scheduling.date_models import DateOverride, TimeOff
from slotlink.scheduling.locations import BookingLink
from slotlink.scheduling.models import (
    AvailabilityInterval,
    Booking,
    BookingEmail,
    EventType,
    GroupSession,
)
from slotlink.scheduling.slots import (
    BusyTime,
    DateHours,
    SlotProblem,
    SlotRules,
    WeeklyInterval,
    free_starts,
    is_free,
    slot_problem,
)

# Bookings this far outside a range can't touch it (durations are at most 12 hours,
# buffers at most 4).
BUSY_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    seats_left: int | None = None  # group event types only


def event_types_for(*, membership: Membership) -> QuerySet[EventType]:
    event_types = EventType.objects.filter(organization_id=membership.organization_id)
    if not membership.is_admin:
        event_types = event_types.filter(host_id=membership.user_id)
    return event_types.select_related("host")


def public_event_types(*, organization_slug: str) -> QuerySet[EventType]:
    return EventType.objects.select_related("host").filter(
        organization__slug=organization_slug, is_active=True
    )


def availability_of(*, host: User) -> QuerySet[AvailabilityInterval]:
    return AvailabilityInterval.objects.filter(host=host)


# The host's dates that can matter to slots in a UTC range: their local dates are at most a
# day off the UTC ones, and slots.availability_windows looks a day either side.
DATES_MARGIN = timedelta(days=2)


def _dates_near(since: datetime, until: datetime) -> tuple[date, date]:
    return since.date() - DATES_MARGIN, until.date() + DATES_MARGIN


def _schedule_hours(event_type: EventType, host: User) -> Q:
    """Which weekly hours and other hours count for `host` booked for `event_type`: its
    schedule's, or the host's default schedule's when the booking's host is no longer
    the event type's (a booking given to another host keeps its event type)."""
    if event_type.host_id == host.pk:
        return Q(schedule_id=event_type.schedule_id)
    return Q(schedule__host=host, schedule__is_default=True)


def slot_rules_for(
    *, event_type: EventType, host: User, since: datetime, until: datetime
) -> SlotRules:
    """The slot rules of slots in [since, until): the weekly hours of the event type's
    schedule, the host's time off and the schedule's other hours on the dates near that
    range only."""
    schedule = _schedule_hours(event_type, host)
    hours = AvailabilityInterval.objects.filter(schedule).values_list("weekday", "start", "end")
    first, last = _dates_near(since, until)
    time_off = TimeOff.objects.filter(host=host, last_day__gte=first, first_day__lte=last)
    overrides = DateOverride.objects.filter(schedule, day__range=(first, last))
    return _slot_rules(
        event_type,
        host,
        hours,
        days_off=_days_off(time_off.values_list("first_day", "last_day"), first, last),
        overrides=overrides.values_list("day", "start", "end"),
    )


def bookable_slot_rules_for(
    *, event_type: EventType, host: User, start: datetime
) -> SlotRules | None:
    """The slot rules of a booking at `start`, or None if the event type is off now (or its
    host is gone): its switch, the weekly hours of its schedule, the host's time off and
    the schedule's other hours near `start` are read in one query. A booking asks this
    under the host's lock, which removing a member takes too, so an event type turned off
    by a departure that went first is seen here; one query while every booking of the
    host waits (one row for each weekly range, time off and other hours' range: see
    _bookable_rows). The schedule is the one the event type named when read."""
    first, last = _dates_near(start, start)
    rows = _bookable_rows(
        event_type_id=event_type.pk,
        host_id=host.pk,
        schedule_id=event_type.schedule_id,
        first=first,
        last=last,
    )
    if not rows or rows[0][0] != BOOKABLE or not rows[0][1]:
        return None
    hours: list[tuple[int, time, time]] = []
    time_off: list[tuple[date, date]] = []
    overrides: list[tuple[date, time, time]] = []
    for kind, weekday, start_at, end_at, day, last_day in rows[1:]:
        if kind == WEEKLY:
            hours.append((weekday, _as_time(start_at), _as_time(end_at)))
        elif kind == TIME_OFF:
            time_off.append((_as_date(day), _as_date(last_day)))
        else:
            overrides.append((_as_date(day), _as_time(start_at), _as_time(end_at)))
    # In the order slot_rules_for reads them (AvailabilityInterval's: weekday, start).
    return _slot_rules(
        event_type,
        host,
        sorted(hours),
        days_off=_days_off(time_off, first, last),
        overrides=sorted(overrides),
    )


# What each row of _bookable_rows is, and its order there.
BOOKABLE, WEEKLY, TIME_OFF, OTHER_HOURS = range(4)


def _as_date(value: date | str) -> date:
    """A date as the driver gives it: typed (PostgreSQL), or text (SQLite, which types a
    UNION's columns by its first SELECT's, here typed NULLs)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _as_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _bookable_rows(
    *, event_type_id: int, host_id: int, schedule_id: int, first: date, last: date
) -> list[tuple[Any, ...]]:
    """bookable_slot_rules_for's one query: (kind, weekday or bookable, start, end, day,
    last day) rows, the BOOKABLE one first (none when the host is gone), then one row per
    weekly range, per time off near [first, last], per other hours' range there. A UNION
    ALL, so the rows add up (a host with 21 weekly ranges, 2 time off and 9 other hours
    near gives 33 rows, not the 378 of a join of the three). Written as SQL: built by the
    ORM it took about 2,300 Python calls of each booking while the host's lock was held, a
    quarter of the whole POST's (benchmarks/side_by_side/booking_cpu.sh); this takes a few
    dozen. tests/scheduling (test_schedules, test_dates, test_booking_queries) hold it to
    the same answers."""
    quote = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return quote(model._meta.db_table)

    start, end = quote("start"), quote("end")
    # The first SELECT's NULLs are cast: PostgreSQL types a UNION's columns from them.
    sql = (
        f"SELECT {BOOKABLE}, CASE WHEN EXISTS(SELECT 1 FROM {table(EventType)} e"  # noqa: S608 - names only
        f" WHERE e.id = %s AND e.{quote('is_active')}) THEN 1 ELSE 0 END,"
        " CAST(NULL AS time), CAST(NULL AS time), CAST(NULL AS date), CAST(NULL AS date)"
        f" FROM {table(User)} u WHERE u.id = %s"
        f" UNION ALL SELECT {WEEKLY}, h.weekday, h.{start}, h.{end}, NULL, NULL"
        f" FROM {table(AvailabilityInterval)} h WHERE h.schedule_id = %s"
        f" UNION ALL SELECT {TIME_OFF}, NULL, NULL, NULL, t.first_day, t.last_day"
        f" FROM {table(TimeOff)} t"
        " WHERE t.host_id = %s AND t.last_day >= %s AND t.first_day <= %s"
        f" UNION ALL SELECT {OTHER_HOURS}, NULL, o.{start}, o.{end}, o.day, NULL"
        f" FROM {table(DateOverride)} o WHERE o.schedule_id = %s AND o.day BETWEEN %s AND %s"
    )
    day = connection.ops.adapt_datefield_value
    params = [event_type_id, host_id, schedule_id, host_id, day(first), day(last)]
    params += [schedule_id, day(first), day(last)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [tuple(row) for row in cursor.fetchall()]
    # UNION ALL keeps each SELECT's rows together but promises no order between them.
    rows.sort(key=lambda row: row[0])
    return rows


def _days_off(ranges: Iterable[tuple[date, date]], first: date, last: date) -> frozenset[date]:
    """The dates in [first, last] that some (first day, last day) range covers."""
    days: set[date] = set()
    for range_first, range_last in ranges:
        day = max(range_first, first)
        while day <= min(range_last, last):
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)


def _slot_rules(
    event_type: EventType,
    host: User,
    hours: Iterable[tuple[int, time, time]],
    *,
    days_off: frozenset[date],
    overrides: Iterable[tuple[date, time, time]],
) -> SlotRules:
    weekly = tuple(
        WeeklyInterval(weekday=weekday, start=start, end=end) for weekday, start, end in hours
    )
    return SlotRules(
        time_zone=ZoneInfo(host.time_zone),
        weekly=weekly,
        duration=timedelta(minutes=event_type.duration_minutes),
        buffer=timedelta(minutes=event_type.buffer_minutes),
        notice=timedelta(minutes=event_type.minimum_notice_minutes),
        horizon=timedelta(days=event_type.horizon_days),
        days_off=days_off,
        overrides=tuple(DateHours(day=day, start=start, end=end) for day, start, end in overrides),
    )


def _busy_and_seats(
    *,
    event_type: EventType,
    host: User,
    since: datetime,
    until: datetime,
    excluding: Booking | None,
    moving_session: GroupSession | None = None,
) -> tuple[list[BusyTime], dict[datetime, int]]:
    """The host's bookings near the range, across all their event types, and for a group
    event type the seats left in each of its sessions there (by start). The seats of a
    `moving_session` are left out: they move with it."""
    rows = _booking_rows(
        host_id=host.pk,
        since=since - BUSY_MARGIN,
        until=until + BUSY_MARGIN,
        excluding_id=excluding.pk if excluding is not None else None,
        moving_session_id=moving_session.pk if moving_session is not None else None,
    )
    seats_left: dict[datetime, int] = {}
    open_sessions: set[int] = set()
    if event_type.is_group:
        taken = Counter(session_id for _, _, session_id, _ in rows if session_id)
        sessions = GroupSession.objects.filter(event_type=event_type, id__in=taken.keys())
        for session_id, start, capacity in sessions.values_list("id", "start", "capacity"):
            seats_left[start] = max(capacity - taken[session_id], 0)
            if seats_left[start] > 0:
                open_sessions.add(session_id)
    busy = [
        BusyTime(
            start=start,
            end=end,
            buffer=timedelta(minutes=buffer_minutes),
            joinable=session_id in open_sessions,
        )
        for start, end, session_id, buffer_minutes in rows
    ]
    return busy, seats_left


def _booking_rows(
    *,
    host_id: int,
    since: datetime,
    until: datetime,
    excluding_id: int | None,
    moving_session_id: int | None,
) -> list[tuple[datetime, datetime, int | None, int]]:
    """(start, end, session, the event type's buffer in minutes) of the host's confirmed
    bookings overlapping [since, until], in start order; but `excluding_id` and the
    bookings of `moving_session_id`. Written as SQL: built by the ORM it took about 1,400
    Python calls of each booking while the host's lock was held (booking_cpu.sh)."""
    quote = connection.ops.quote_name
    start, end = quote("start"), quote("end")
    sql = (
        f"SELECT b.{start}, b.{end}, b.session_id, e.buffer_minutes"  # noqa: S608 - names only
        f" FROM {quote(Booking._meta.db_table)} b"
        f" INNER JOIN {quote(EventType._meta.db_table)} e ON e.id = b.event_type_id"
        f" WHERE b.host_id = %s AND b.status = %s AND b.{start} < %s AND b.{end} > %s"
    )
    instant = connection.ops.adapt_datetimefield_value
    params: list[Any] = [host_id, Booking.Status.CONFIRMED.value, instant(until), instant(since)]
    if excluding_id is not None:
        sql += " AND b.id <> %s"
        params.append(excluding_id)
    if moving_session_id is not None:  # a booking of no session stays
        sql += " AND (b.session_id IS NULL OR b.session_id <> %s)"
        params.append(moving_session_id)
    sql += f" ORDER BY b.{start}, b.id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # SQLite hands back the UTC instants it keeps without their zone.
        return [
            (_utc(row_start), _utc(row_end), session_id, buffer_minutes)
            for row_start, row_end, session_id, buffer_minutes in cursor.fetchall()
        ]


def _utc(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def calendar_busy_times(*, host_id: int, since: datetime, until: datetime) -> list[BusyTime]:
    """The host's busy times in their connected calendars overlapping [since, until), from
    the providers' local copies (a query each, no request to a calendar server). They take
    the booked event type's buffer around them, as the host's bookings do."""
    return [
        BusyTime(start=busy.start, end=busy.end)
        for busy in calendars.busy_times(host_id=host_id, since=since, until=until)
        if busy.start < until and busy.end > since
    ]


def booking_horizon_of(host_id: int) -> timedelta:
    """How far ahead the host's bookable event types may be booked: the furthest."""
    days = EventType.objects.filter(host_id=host_id, is_active=True).aggregate(
        days=Max("horizon_days")
    )["days"]
    return timedelta(days=days or 0)


def free_slots(
    *,
    event_type: EventType,
    since: datetime,
    until: datetime,
    now: datetime,
    excluding: Booking | None = None,
    moving_session: GroupSession | None = None,
) -> list[Slot]:
    """Bookable slots of an event type in [since, until), clear of the host's bookings and
    of the busy times in their connected calendars. When moving a booking, pass it as
    `excluding`: the time around it is free to it (but its current start is no new time),
    and its host's calendar is the one that counts. When moving a whole group session, pass
    it as `moving_session`: its seats' time is free to it, and no start where the event type
    has a session already (its own included) is offered: sessions are never merged."""
    host = excluding.host if excluding is not None else event_type.host
    rules = slot_rules_for(event_type=event_type, host=host, since=since, until=until)
    busy, seats_left = _busy_and_seats(
        event_type=event_type,
        host=host,
        since=since,
        until=until,
        excluding=excluding,
        moving_session=moving_session,
    )
    sessions_at: set[datetime] = set()
    if moving_session is not None:
        sessions_at = set(
            GroupSession.objects.filter(
                event_type=event_type, start__gte=since, start__lt=until
            ).values_list("start", flat=True)
        )
    busy += calendar_busy_times(
        host_id=host.pk, since=since - BUSY_MARGIN, until=until + BUSY_MARGIN
    )
    return [
        Slot(
            start=start,
            end=start + rules.duration,
            seats_left=(
                seats_left.get(start, event_type.seats_per_session) if event_type.is_group else None
            ),
        )
        for start in free_starts(rules, busy, since=since, until=until, now=now)
        if (excluding is None or start != excluding.start)  # where it is now is no move
        and start not in sessions_at
    ]


def slot_problem_for(
    *,
    event_type: EventType,
    start: datetime,
    now: datetime,
    excluding: Booking | None = None,
    rules: SlotRules | None = None,
    moving_session: GroupSession | None = None,
    host: User | None = None,
) -> SlotProblem | None:
    """Why `start` can't be booked right now, or None. Call it under the host's lock to act
    on the answer; pass the `rules` if they were read under it already. A whole session
    moving (`moving_session`) leaves its own seats out; pass the `host` of its seats."""
    if host is None:
        host = excluding.host if excluding is not None else event_type.host
    if rules is None:
        rules = slot_rules_for(event_type=event_type, host=host, since=start, until=start)
    busy, _ = _busy_and_seats(
        event_type=event_type,
        host=host,
        since=start,
        until=start + rules.duration,
        excluding=excluding,
        moving_session=moving_session,
    )
    return slot_problem(rules, busy, start=start, now=now)


def host_is_free(*, host: User, booking: Booking) -> bool:
    """Whether `host` could take `booking` at its time: none of their bookings (with the
    buffers of both event types) overlaps it. A seat in a session of the same group event
    type at the same start shares its time. Call it under the host's lock to act on it."""
    event_type = booking.event_type
    rules = slot_rules_for(event_type=event_type, host=host, since=booking.start, until=booking.end)
    busy, _ = _busy_and_seats(
        event_type=event_type, host=host, since=booking.start, until=booking.end, excluding=booking
    )
    return is_free(rules, busy, start=booking.start)


def future_bookings_hosted_by(
    *, organization_id: int, host_id: int, now: datetime
) -> QuerySet[Booking]:
    """A host's confirmed bookings that haven't started, soonest first."""
    return (
        Booking.objects.filter(
            organization_id=organization_id,
            host_id=host_id,
            status=Booking.Status.CONFIRMED,
            start__gt=now,
        )
        .select_related("event_type", "host")
        .order_by("start", "id")
    )


def bookings_visible_to(*, membership: Membership) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(organization_id=membership.organization_id)
    if not membership.is_admin:
        bookings = bookings.filter(host_id=membership.user_id)
    return bookings.select_related("event_type", "host")


def session_bookings(*, booking: Booking) -> QuerySet[Booking]:
    """The other confirmed invitees of a group booking's session."""
    if booking.session_id is None:
        return Booking.objects.none()
    return Booking.objects.filter(
        Q(session_id=booking.session_id) & ~Q(pk=booking.pk),
        status=Booking.Status.CONFIRMED,
    )


def group_sessions_visible_to(*, membership: Membership) -> QuerySet[GroupSession]:
    """Sessions of the organization's group event types; a member sees those whose bookings
    they host, as with the bookings themselves."""
    sessions = GroupSession.objects.filter(event_type__organization_id=membership.organization_id)
    if not membership.is_admin:
        hosted = Booking.objects.filter(host_id=membership.user_id, session__isnull=False)
        sessions = sessions.filter(pk__in=hosted.values("session_id"))
    return sessions.select_related("event_type", "event_type__host")


def live_session_bookings(*, session: GroupSession) -> QuerySet[Booking]:
    """The session's bookings not cancelled, in the order they were made."""
    return Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).order_by("id")


def invitee_link_note(*, booking: Booking, link: BookingLink) -> str:
    """What the invitee's page says of a link still being made, as their email did it:
    "follows in a separate email" only once the email of the booking's latest change went
    without it. Until then that email waits for the link and most often carries it."""
    if not link.pending:
        return link.invitee_note
    went_without = BookingEmail.objects.filter(
        booking=booking, audience=Audience.INVITEE, sequence=booking.sequence, awaiting_link=True
    ).exists()
    if went_without:
        return link.invitee_note
    return f"Your {link.location_text} link is being created and will be emailed to you."
