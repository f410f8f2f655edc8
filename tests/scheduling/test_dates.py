"""A host's dates: time off (a day, a range) and other hours on a date. Written through
the Availability page and services/dates.py, honoured by the free slots and by the booking
POST in the host's zone, and seen by nobody but the host."""

import re
from datetime import date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from slotlink.scheduling.date_models import DateOverride, TimeOff
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.selectors import bookable_slot_rules_for, free_slots, slot_rules_for
from slotlink.scheduling.services.bookings import SlotUnavailable, booking_reschedule
from slotlink.scheduling.services.dates import date_override_set, time_off_add
from slotlink.scheduling.services.schedules import weekly_hours_replace
from slotlink.scheduling.slots import SlotProblem, wall_to_utc
from tests.factories import make_member
from tests.scheduling.builders import book, make_event_type, make_host

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
AWAY = "The host is away that day and takes no meetings. Please pick a time on another day."


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def berlin_day(days_ahead: int) -> date:
    return timezone.now().astimezone(BERLIN).date() + timedelta(days=days_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return wall_to_utc(day, time(hour, minute), BERLIN)


def berlin_starts(event_type: EventType, day: date) -> list[str]:
    """The free starts on the host's `day`, as their wall clock shows them."""
    now = timezone.now()
    slots = free_slots(
        event_type=event_type, since=at(day, 0), until=at(day + timedelta(days=1), 0), now=now
    )
    return [f"{slot.start.astimezone(BERLIN):%H:%M}" for slot in slots]


def book_post(event_type: EventType, start: datetime) -> HttpResponse:
    return Client().post(
        f"/book/{event_type.organization.slug}/{event_type.slug}",
        {
            "start": start.isoformat(),
            "time_zone": "Asia/Tokyo",
            "name": "Ivy Invitee",
            "email": "ivy@example.test",
            "phone": "+81 3 1234 5678",
        },
    )


# --- Slots and bookings ------------------------------------------------------------------


def test_free_slots_skip_time_off_and_follow_other_hours_in_the_hosts_zone(organization):
    """A day off and each day of a holiday range have no slots; a date with other hours
    has just those; the days around keep their weekly hours (here, all day)."""
    host = make_host(organization)
    event_type = make_event_type(organization, host)
    time_off_add(host=host, first_day=berlin_day(3), last_day=berlin_day(3))
    time_off_add(host=host, first_day=berlin_day(5), last_day=berlin_day(6), name="Holiday")
    date_override_set(host=host, day=berlin_day(4), hours=[(time(10), time(11))])
    assert berlin_starts(event_type, berlin_day(3)) == []
    assert berlin_starts(event_type, berlin_day(4)) == ["10:00", "10:30"]
    assert berlin_starts(event_type, berlin_day(5)) == []
    assert berlin_starts(event_type, berlin_day(6)) == []
    assert len(berlin_starts(event_type, berlin_day(2))) == 47  # ALL_DAY ends 23:59
    assert len(berlin_starts(event_type, berlin_day(7))) == 47


def test_the_booking_post_refuses_a_day_off_with_words_and_books_nothing(organization):
    """A time on the host's day off is refused saying the host is away that day (not the
    time off's name, which is the host's own), and nothing is booked."""
    host = make_host(organization)
    event_type = make_event_type(organization, host)
    time_off_add(host=host, first_day=berlin_day(3), last_day=berlin_day(3), name="Surgery")
    response = book_post(event_type, at(berlin_day(3), 10))
    assert AWAY in text(response)
    assert "Surgery" not in text(response)
    assert not Booking.objects.exists()


def test_the_booking_post_takes_other_hours_instead_of_the_weekly_ones(organization):
    """On a date with other hours, a weekly-hours time is refused as not available and a
    time in the other hours is booked."""
    host = make_host(organization)
    event_type = make_event_type(organization, host)
    date_override_set(host=host, day=berlin_day(3), hours=[(time(14), time(15))])
    refused = book_post(event_type, at(berlin_day(3), 10))
    assert "That time isn't available. Please pick one of the times shown." in text(refused)
    assert not Booking.objects.exists()
    assert book_post(event_type, at(berlin_day(3), 14, 30)).status_code == 302
    assert Booking.objects.get().start == at(berlin_day(3), 14, 30)


def test_a_booking_cant_be_moved_onto_a_day_off(organization):
    """Rescheduling onto the host's day off is refused as a day off; the booking stays."""
    host = make_host(organization)
    event_type = make_event_type(organization, host)
    booking = book(event_type, at(berlin_day(2), 10))
    time_off_add(host=host, first_day=berlin_day(3), last_day=berlin_day(4))
    with pytest.raises(SlotUnavailable) as refused:
        booking_reschedule(booking=booking, start=at(berlin_day(4), 10))
    assert refused.value.problem == SlotProblem.DAY_OFF
    booking.refresh_from_db()
    assert booking.start == at(berlin_day(2), 10)


# --- Services ----------------------------------------------------------------------------


def test_time_off_that_ends_before_it_starts_or_overlaps_is_refused(organization):
    """A range whose last day is before its first, or that overlaps time off the host has
    (named in the error), is refused and nothing is written."""
    host = make_host(organization)
    time_off_add(host=host, first_day=date(2027, 1, 4), last_day=date(2027, 1, 8), name="Ski")
    with pytest.raises(ValidationError, match=r"The last day \(Sun 3 Jan 2027\) is before"):
        time_off_add(host=host, first_day=date(2027, 1, 5), last_day=date(2027, 1, 3))
    with pytest.raises(ValidationError, match=r"overlaps time off you already have \(Ski, Mon"):
        time_off_add(host=host, first_day=date(2027, 1, 8), last_day=date(2027, 1, 9))
    assert TimeOff.objects.count() == 1


def test_other_hours_that_overlap_or_are_empty_are_refused(organization):
    """Ranges that overlap, or none at all, are refused and the date keeps what it had."""
    host = make_host(organization)
    day = date(2027, 1, 4)
    date_override_set(host=host, day=day, hours=[(time(9), time(10))])
    with pytest.raises(ValidationError, match="these ranges overlap"):
        date_override_set(host=host, day=day, hours=[(time(9), time(12)), (time(11), time(13))])
    with pytest.raises(ValidationError, match="add it as a day off instead"):
        date_override_set(host=host, day=day, hours=[])
    assert list(DateOverride.objects.values_list("start", "end")) == [(time(9), time(10))]


# --- The Availability page ---------------------------------------------------------------


def test_the_host_adds_lists_and_removes_time_off_and_other_hours(member_client, member_membership):
    """Time off (one day, a named range) and other hours are added on the page, listed by
    date with a remove button each, and removed."""
    day, first, last = berlin_day(10), berlin_day(20), berlin_day(22)
    assert member_client.post("/360/availability/time-off", {"time_off-first_day": day})
    response = member_client.post(
        "/360/availability/time-off",
        {"time_off-first_day": first, "time_off-last_day": last, "time_off-name": "Holiday"},
    )
    assert response.status_code == 302
    response = member_client.post(
        "/360/availability/dates", {"override-day": berlin_day(12), "override-hours": "9-12, 2pm-4"}
    )
    assert response.status_code == 302
    user = member_membership.user
    assert list(TimeOff.objects.filter(host=user).values_list("first_day", "last_day", "name")) == [
        (day, day, ""),
        (first, last, "Holiday"),
    ]
    html = text(member_client.get("/360/availability"))
    assert "09:00-12:00, 14:00-16:00" in html
    assert f"{first:%a} {first.day} {first:%b %Y} to {last:%a} {last.day} {last:%b %Y}" in html
    holiday = TimeOff.objects.get(name="Holiday")
    removed = member_client.post(f"/360/availability/time-off/{holiday.id}/remove")
    assert removed.status_code == 302
    member_client.post(f"/360/availability/dates/{berlin_day(12)}/remove")
    assert list(TimeOff.objects.values_list("first_day", flat=True)) == [day]
    assert not DateOverride.objects.exists()


def test_past_time_off_and_other_hours_are_not_listed(member_client, member_membership):
    """Time off that has ended and other hours on past dates drop off the page."""
    user = member_membership.user
    time_off_add(host=user, first_day=date(2026, 1, 5), last_day=date(2026, 1, 9), name="Gone")
    date_override_set(host=user, day=date(2026, 1, 12), hours=[(time(7), time(8))])
    html = text(member_client.get("/360/availability"))
    assert "Gone" not in html
    assert "07:00-08:00" not in html
    assert "No time off to come." in html


@pytest.mark.parametrize(
    ("url", "data", "error"),
    [
        (
            "/360/availability/time-off",
            {"time_off-first_day": "2027-02-30"},
            "Enter a date like 2026-12-24.",
        ),
        (
            "/360/availability/time-off",
            {"time_off-first_day": "24/12/2027"},
            "Enter a date like 2026-12-24.",
        ),
        (
            "/360/availability/time-off",
            {"time_off-first_day": "2027-01-05", "time_off-last_day": "2027-01-03"},
            "The last day (Sun 3 Jan 2027) is before the first (Tue 5 Jan 2027).",
        ),
        (
            "/360/availability/time-off",
            {"time_off-first_day": "2026-01-05"},
            "Mon 5 Jan 2026 has passed. Pick today or a later day.",
        ),
        (
            "/360/availability/time-off",
            {"time_off-first_day": "2027-01-05", "time_off-name": "x" * 101},
            "1 character over the limit: 101 / 100",
        ),
        (
            "/360/availability/dates",
            {"override-day": "2027-01-05", "override-hours": "9-12, 11-13"},
            "Read “9-12” and “11-13” as ranges that overlap.",
        ),
        (
            "/360/availability/dates",
            {"override-day": "2027-01-05", "override-hours": "17-9"},
            "but the end must come after",
        ),
        (
            "/360/availability/dates",
            {"override-day": "2027-01-05", "override-hours": ""},
            "This field is required.",
        ),
        (
            "/360/availability/dates",
            {"override-day": "", "override-hours": "9-5"},
            "This field is required.",
        ),
    ],
)
def test_bad_dates_and_hours_get_clear_errors_and_write_nothing(
    member_client, member_membership, url, data, error
):
    """Impossible or non-ISO dates, a range ending before it starts, a past day, a long
    name, overlapping or reversed or missing hours: the page says what is wrong (400) and
    nothing is written."""
    response = member_client.post(url, data)
    assert response.status_code == 400
    assert error in text(response)
    assert not TimeOff.objects.exists()
    assert not DateOverride.objects.exists()


def test_overlapping_time_off_is_refused_on_the_page(member_client, member_membership):
    """Time off overlapping what the host has is refused, naming it; nothing is added."""
    time_off_add(
        host=member_membership.user,
        first_day=date(2027, 1, 4),
        last_day=date(2027, 1, 8),
        name="Ski",
    )
    response = member_client.post(
        "/360/availability/time-off", {"time_off-first_day": "2027-01-08"}
    )
    assert response.status_code == 400
    assert "This overlaps time off you already have (Ski, Mon 4 Jan 2027 to Fri" in text(response)
    assert TimeOff.objects.count() == 1


# --- Who sees what -----------------------------------------------------------------------


def test_a_co_worker_neither_sees_nor_removes_a_hosts_dates(organization, member_membership):
    """An admin of the same organization sees none of a member's time off or other hours on
    their own Availability page, and removing them answers 404 (or touches only their own
    dates): the member's stay."""
    member = member_membership.user
    time_off = time_off_add(
        host=member, first_day=berlin_day(10), last_day=berlin_day(11), name="Private thing"
    )
    date_override_set(host=member, day=berlin_day(12), hours=[(time(6), time(7))])
    admin = make_member(organization, role="admin", full_name="Ada Admin").user
    client = Client()
    client.force_login(admin)
    html = text(client.get("/360/availability"))
    assert "Private thing" not in html
    assert "06:00-07:00" not in html
    assert client.post(f"/360/availability/time-off/{time_off.id}/remove").status_code == 404
    client.post(f"/360/availability/dates/{berlin_day(12)}/remove")
    assert TimeOff.objects.filter(host=member).count() == 1
    assert DateOverride.objects.filter(host=member).count() == 1
    assert re.search(r"time-off/\d+/remove", html) is None


def test_the_bookings_one_query_adds_up_its_rows_rather_than_multiplying_them(organization):
    """Under the host's lock the booking reads its rules in one query: with 14 weekly
    ranges, 2 time off and 6 other hours' ranges near the start it returns 23 rows (one
    for the event type's switch), not the 168 of a join of the three, and the same rules
    as the reads of the booking page."""
    host = make_host(organization)
    event_type = make_event_type(organization, host, always_open=False)
    weekly = [(d, time(9), time(12)) for d in range(7)] + [
        (d, time(13), time(17)) for d in range(7)
    ]
    weekly_hours_replace(schedule=event_type.schedule, intervals=weekly)
    start = at(berlin_day(3), 10)
    time_off_add(host=host, first_day=berlin_day(2), last_day=berlin_day(2))
    time_off_add(host=host, first_day=berlin_day(5), last_day=berlin_day(12))
    for day in (berlin_day(3), berlin_day(4)):
        hours = [(time(8), time(9)), (time(10), time(11)), (time(14), time(15))]
        date_override_set(host=host, day=day, hours=hours)
    with CaptureQueriesContext(connection) as queries:
        rules = bookable_slot_rules_for(event_type=event_type, host=host, start=start)
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(query["sql"])
        assert len(cursor.fetchall()) == 23
    assert rules == slot_rules_for(event_type=event_type, host=host, since=start, until=start)
