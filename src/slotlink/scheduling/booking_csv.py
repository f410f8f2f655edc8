"""The Bookings list as a CSV file: one line per booking (a group session's seats are a
line each, with the session's id to group them by), exactly the bookings the list's
filters keep, in its order.

- Every cell goes through `core/spreadsheets.py`, so a name like `=HYPERLINK(...)` stays
  text in the host's spreadsheet.
- Times are written in each booking's host's zone, and the zone is named in its own
  column: an admin's export can hold hosts of several zones.
- UTF-8 with a byte order mark: Excel reads a CSV without one in the computer's legacy
  code page (so "Zoë" turns into "ZoÃ«"); with it, Excel and LibreOffice both open the
  file as UTF-8. (A `sep=,` first line would make Excel ignore the mark: none is written.)

A column is a header and how to read its cell from a booking: add one to `COLUMNS`.

The invitee's answers to the booking form's questions are one cell, a line per answer
given ("Question: answer", as asked when they booked): event types ask different
questions, and one export holds many event types, so fixed columns keep every file's
header the same. The guests are one cell too.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from slotlink.core.spreadsheets import SafeCsvWriter
from slotlink.scheduling.models import Booking, location_label
from slotlink.scheduling.questions.answers import answered

BYTE_ORDER_MARK = "\ufeff"
TIME_FORMAT = "%Y-%m-%d %H:%M"  # what Excel and LibreOffice read as a date and time


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Booking], object]


def _answers(booking: Booking) -> str:
    return "\n".join(f"{answer.label}: {answer.text}" for answer in answered(booking.answers))


def _local(instant: datetime, booking: Booking) -> str:
    return f"{instant.astimezone(ZoneInfo(booking.host.time_zone)):{TIME_FORMAT}}"


COLUMNS: list[Column] = [
    Column("booking id", lambda b: b.id),
    Column("group session id", lambda b: b.session_id if b.session_id is not None else ""),
    Column("status", lambda b: b.get_status_display()),
    Column("start", lambda b: _local(b.start, b)),
    Column("end", lambda b: _local(b.end, b)),
    Column("time zone", lambda b: b.host.time_zone),
    Column("event type", lambda b: b.event_type.title),
    Column("host", lambda b: b.host.get_full_name()),
    Column("host email", lambda b: b.host.email),
    Column("invitee name", lambda b: b.invitee_name),
    Column("invitee email", lambda b: b.invitee_email),
    Column("invitee phone", lambda b: b.invitee_phone),
    Column("invitee time zone", lambda b: b.invitee_time_zone),
    Column("location", lambda b: location_label(b.location_kind)),
    Column("cancellation reason", lambda b: b.cancel_reason),
    Column("booked at", lambda b: _local(b.created_at, b)),
    Column("guests", lambda b: ", ".join(b.guest_emails)),
    Column("answers", lambda b: _answers(b)),
]


def bookings_csv_write(out: Writable, bookings: Iterable[Booking]) -> None:
    """Write the byte order mark, the header line and a line per booking to `out`."""
    out.write(BYTE_ORDER_MARK)
    writer = SafeCsvWriter(out)
    writer.writerow(column.header for column in COLUMNS)
    for booking in bookings:
        writer.writerow(column.cell(booking) for column in COLUMNS)
