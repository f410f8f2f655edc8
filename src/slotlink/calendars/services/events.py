"""Asking for a booking's event to be written to the host's calendar: in the booking's
transaction a `CalendarEvent` row records it (version bumped) and its task is queued with
it (core's outbox: both commit with the booking or neither); the write comes after
(sync.py). A host with no "Add bookings to" calendar gets nothing written."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from slotlink.calendars.models import CalendarEvent, ConnectedCalendar
from slotlink.conferencing.seam import BookingRef
from slotlink.core.tasks import enqueue_on_commit


def calendar_event_record(booking: BookingRef) -> None:
    """The booking's event (or its group session's, and the one of the session it left)
    is to be brought in line with the booking. A new one-on-one booking of a host without
    an "Add bookings to" calendar costs one query, the lookup of that calendar."""
    if booking.group_session_id is None and booking.previous_group_session_id is None:
        _record(booking, booking_id=booking.booking_id, new_ok=not booking.cancelled)
        return
    for session_id in (booking.group_session_id, booking.previous_group_session_id):
        if session_id is not None:
            _record(booking, session_id=session_id, new_ok=True)


def _record(
    booking: BookingRef,
    *,
    booking_id: int | None = None,
    session_id: int | None = None,
    new_ok: bool,
) -> None:
    from slotlink.calendars.tasks import calendar_event_sync

    key: dict[str, int | None] = (
        {"booking_id": booking_id} if booking_id is not None else {"session_id": session_id}
    )
    # A booking just made (SEQUENCE 0, no session) has no event yet: nothing to look up.
    new_booking = booking_id is not None and booking.sequence == 0
    row_id, host_id = (None, None) if new_booking else _event_of(key)
    if row_id is not None and host_id != booking.host_id:
        _hand_over(row_id, booking)
        return
    if row_id is None:
        if not new_ok:
            return
        target_id = _target_of(booking.host_id)
        if target_id is None:
            return
    with transaction.atomic():  # a failure here leaves the booking's transaction whole
        if row_id is None:
            row_id = CalendarEvent.objects.create(
                organization_id=booking.organization_id,
                host_id=booking.host_id,
                calendar_id=target_id,
                **key,
            ).pk
        else:
            CalendarEvent.objects.filter(pk=row_id).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
        enqueue_on_commit(calendar_event_sync, row_id)


def _event_of(key: dict[str, int | None]) -> tuple[int | None, int | None]:
    """The event's row and its host, or (None, None)."""
    found = CalendarEvent.objects.filter(**key).values_list("id", "host_id").first()
    return found if found is not None else (None, None)


def _hand_over(row_id: int, booking: BookingRef) -> None:
    """The booking has another host now (its host left the organization): its event is
    written afresh in the new host's "Add bookings to" calendar, if they have one. The one
    in the old host's calendar stays there: it is their calendar, and their connection
    goes with them (members.py)."""
    from slotlink.calendars.tasks import calendar_event_sync

    target_id = _target_of(booking.host_id)
    with transaction.atomic():
        CalendarEvent.objects.filter(pk=row_id).update(
            host_id=booking.host_id,
            calendar_id=target_id,
            etag="",
            href="",
            create_marker="",
            host_changed=CalendarEvent.HostChange.NONE,
            restore=False,
            attempts=0,
            next_attempt_at=None,
            problem_detail="",
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        enqueue_on_commit(calendar_event_sync, row_id)


def _target_of(host_id: int) -> int | None:
    return (
        ConnectedCalendar.objects.filter(host_id=host_id, is_target=True)
        .values_list("id", flat=True)
        .first()
    )


def calendar_event_put_back(row: CalendarEvent) -> None:
    """The host asks slotlink to put its event back as the booking is (after they changed
    or removed it in their calendar)."""
    from slotlink.calendars.tasks import calendar_event_sync

    CalendarEvent.objects.filter(pk=row.pk).update(
        restore=True,
        host_changed=CalendarEvent.HostChange.NONE,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    enqueue_on_commit(calendar_event_sync, row.pk)
