"""core/rows.py writes the row `save()` writes, column for column as stored, for the rows
a booking writes by hand (its history entry, its Zoom meeting and the meeting's link)."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model, Value
from django.db.models.signals import pre_save

from slotlink.core.rows import row_insert
from slotlink.scheduling.models import Booking, BookingEvent
from slotlink.zoom.models import ZoomMeeting, ZoomMeetingBooking
from tests.factories import make_organization
from tests.scheduling.builders import book, make_event_type, make_host

pytestmark = pytest.mark.django_db(transaction=True)

AT = datetime(2031, 3, 4, 9, 30, 15, 123456, tzinfo=UTC)


def shape(text: str) -> str:
    """A stored value's form: its digits as 0, without a fraction of a second."""
    return re.sub(r"[0-9a-f]", "0", re.sub(r"\.\d+", "", text))


def stored(instance: Model) -> dict[str, Any]:
    """The row as the database holds it, each column as text (Django's SQLite driver
    would parse date-times), read without the model's conversions."""
    meta = instance._meta
    quote = connection.ops.quote_name
    columns = [field.column for field in meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(f'CAST({quote(c)} AS TEXT)' for c in columns)}"  # noqa: S608
            f" FROM {quote(meta.db_table)}"
            f" WHERE {quote(meta.pk.column)} = %s",
            [instance.pk],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


def both_ways(make: Any, own: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rows `make(1)` saved by the ORM and `make(2)` written by row_insert, without
    the columns `own` (the primary key, and what must be unique)."""
    saved, written = make(1), make(2)
    saved.save()
    row_insert(written)
    assert written.pk is not None
    assert not written._state.adding
    assert type(written).objects.get(pk=written.pk).pk == written.pk
    return tuple(  # type: ignore[return-value]
        {k: v for k, v in stored(row).items() if k not in own} for row in (saved, written)
    )


@pytest.fixture
def booking() -> Booking:
    organization = make_organization("Rows")
    return book(make_event_type(organization, make_host(organization)))


def test_a_history_entry_is_the_row_save_writes(booking):
    """A booking's history entry: every column as save() stores it, its id its own."""

    def entry(n: int) -> BookingEvent:
        return BookingEvent(
            booking=booking,
            kind=BookingEvent.Kind.RESCHEDULED,
            actor=None,
            actor_name="Ivy Invitée ✓",
            start=AT,
            previous_start=AT - timedelta(days=1),
            reason="a clash",
            sequence=3,
        )

    saved, written = both_ways(entry, own=("id", "at"))
    assert written == saved
    first, second = BookingEvent.objects.filter(kind="rescheduled").order_by("id")
    assert shape(stored(first)["at"]) == shape(stored(second)["at"])  # stored alike
    assert timedelta(0) <= second.at - first.at < timedelta(seconds=5)  # set when written


def test_a_zoom_meeting_and_its_link_are_the_rows_save_writes(booking):
    """A booking's Zoom meeting and its link to the booking: every column as save()
    stores it (the booking and the meeting they belong to apart, being unique)."""

    def meeting(n: int) -> ZoomMeeting:
        return ZoomMeeting(
            organization_id=booking.organization_id,
            host_id=booking.host_id,
            booking_id=booking.id * 10 + n,
            zoom_user_id="zu-1",
            present=True,
            state=ZoomMeeting.State.PENDING,
            topic="Intro call with Ivy ✓",
            agenda="",
            start=AT,
            duration_minutes=30,
            time_zone="Europe/Berlin",
            version=1,
            created_at=AT,
            updated_at=AT,
        )

    saved, written = both_ways(meeting, own=("id", "booking_id"))
    assert written == saved
    first, second = ZoomMeeting.objects.order_by("id")

    def link(n: int) -> ZoomMeetingBooking:
        return ZoomMeetingBooking(meeting=(first, second)[n - 1], booking_id=booking.id * 10 + n)

    saved, written = both_ways(link, own=("id", "booking_id", "meeting_id"))
    assert written == saved == {"live": saved["live"]}


def test_a_model_whose_save_is_heard_is_saved_as_ever(booking):
    """A pre_save receiver (none listens to these models today) hears the row written."""
    heard: list[BookingEvent] = []

    def receiver(sender: Any, instance: BookingEvent, **kwargs: Any) -> None:
        heard.append(instance)

    entry = BookingEvent(booking=booking, kind=BookingEvent.Kind.BOOKED, start=AT, sequence=0)
    pre_save.connect(receiver, sender=BookingEvent)
    try:
        row_insert(entry)
    finally:
        pre_save.disconnect(receiver, sender=BookingEvent)
    assert heard == [entry]
    assert BookingEvent.objects.filter(pk=entry.pk).exists()


def test_an_expression_value_is_left_to_the_orm(booking):
    """A value that is an expression is the ORM's to compile: the row is saved with it."""
    entry = BookingEvent(
        booking=booking, kind=BookingEvent.Kind.BOOKED, start=AT, sequence=Value(7)
    )
    row_insert(entry)
    assert BookingEvent.objects.get(pk=entry.pk).sequence == 7
