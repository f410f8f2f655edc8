"""The public booking POST's queries, counted (issue 20: the POST must not get slower, and
a count is no time): each query it adds is a round trip, and on SQLite most of them are
made while holding the database's one write lock, which every other booking waits for.
docs/benchmarks.md ("Issue 20") says what each query is for and what the count was."""

import pytest
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from slotlink.scheduling.models import Booking, EventType, LocationKind
from slotlink.zoom.models import ZoomMeeting
from tests.scheduling.builders import make_event_type, make_host, next_free_starts
from tests.zoom.meeting_helpers import ZoomHost

pytestmark = pytest.mark.django_db(transaction=True)

# The event type's read, with the organization's blocks of the address and the email
# (scheduling/public_read.py), before the transaction; the transaction's
# begin and commit; the limits counted (their expired rows are a periodic job's); the
# host's hours, read with whether the event type is still on; the host's bookings; the
# booking, its public-booking row, its history entry and its email task written.
# PostgreSQL adds the host's row lock and the limits' two turns, taken in one statement
# (core/turns.py), which SQLite's one write lock makes needless. Whether the host has
# calendars that count as busy or take bookings (issue 21) is read with the event type
# (calendars.host_in_use_sql): a host without (these hosts) costs neither the calendar
# re-check's query nor the "Add bookings to" calendar's lookup.
ZOOM_OFF = {"sqlite": 10, "postgresql": 12}
# Zoom adds: the host's account, routed with the organization's switches in one query
# (zoom/selectors.py), the meeting and its link to the booking; its sync task is written
# in the email task's INSERT (core/task_rows.py: task_rows_batched).
ZOOM_ON = {vendor: count + 3 for vendor, count in ZOOM_OFF.items()}
# With every booking limit off (as in the side-by-side benchmark): nothing is counted, so
# no count, no public-booking row and (PostgreSQL) no turns (scheduling/limits/services.py).
LIMITS_OFF = {"sqlite": ZOOM_OFF["sqlite"] - 2, "postgresql": ZOOM_OFF["postgresql"] - 3}


def post_booking(event_type: EventType, start, email: str):
    return Client(REMOTE_ADDR="203.0.113.5").post(
        f"/book/{event_type.organization.slug}/{event_type.slug}",
        {
            "start": start.isoformat(),
            "time_zone": "Europe/Berlin",
            "name": "Ivy Invitee",
            "email": email,
            "phone": "+1 212 555 0100",
        },
    )


def booked_in_counted_queries(event_type: EventType, django_assert_num_queries, count: int):
    """A first booking (as on a server that has run a while), then the counted one."""
    first, second = next_free_starts(event_type, 2)
    assert post_booking(event_type, first, "ivy@example.test").status_code == 302
    with django_assert_num_queries(count):
        response = post_booking(event_type, second, "ivy.two@example.test")
    assert response.status_code == 302
    return Booking.objects.get(start=second, event_type=event_type)


def test_a_public_booking_without_zoom_takes_ten_queries_on_sqlite(
    organization, django_assert_num_queries
):
    """A booking of a phone event type, limits on (their defaults): 10 queries on SQLite,
    12 on PostgreSQL, with its email task written in its transaction."""
    event_type = make_event_type(
        organization, make_host(organization), location_kind=LocationKind.PHONE
    )
    booking = booked_in_counted_queries(
        event_type, django_assert_num_queries, ZOOM_OFF[connection.vendor]
    )
    assert booking.invitee_email == "ivy.two@example.test"


def test_a_public_booking_with_zoom_takes_three_queries_more(
    host: ZoomHost, django_assert_num_queries
):
    """A booking of a Zoom event type whose host has Zoom connected: the same queries and
    three of Zoom's, and its meeting is waiting for the worker to make it."""
    booking = booked_in_counted_queries(
        host.event_type, django_assert_num_queries, ZOOM_ON[connection.vendor]
    )
    meeting = ZoomMeeting.objects.get(bookings__booking_id=booking.id)
    assert meeting.state == ZoomMeeting.State.PENDING


def test_a_public_booking_with_every_limit_off_takes_eight_queries_on_sqlite(
    organization, settings, django_assert_num_queries
):
    """With all four booking limits off: 8 queries on SQLite (9 at 793060a, which had no
    limits), 9 on PostgreSQL (9); the booking and its email task are written as ever."""
    for name in ("ADDRESS", "EMAIL", "EVENT_TYPE", "ORGANIZATION"):
        setattr(settings, f"BOOKING_LIMIT_PER_{name}", 0)
    event_type = make_event_type(
        organization, make_host(organization), location_kind=LocationKind.PHONE
    )
    booking = booked_in_counted_queries(
        event_type, django_assert_num_queries, LIMITS_OFF[connection.vendor]
    )
    assert booking.invitee_email == "ivy.two@example.test"
    assert DBTaskResult.objects.filter(args_kwargs__args__0=booking.id).exists()
