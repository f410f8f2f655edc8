"""The host's own calendars in scheduling, through the calendar registry with a stand-in
provider: busy times take slots off the booking page (with the event type's buffer
around them), and the booking POST asks the calendars again before it books."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from slotlink.conferencing import calendars
from slotlink.conferencing.calendars import BusyTime, SlotCheck
from slotlink.conferencing.seam import BookingRef
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.selectors import free_slots
from slotlink.scheduling.services.bookings import SlotUnavailable, booking_reschedule
from slotlink.scheduling.services.session_moves import group_session_reschedule
from tests.scheduling.builders import book, make_event_type, next_free_starts
from tests.scheduling.test_public_pages import form_data, offered_starts, page_url

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class CalendarStandIn:
    """A calendar provider whose busy times and live answer a test sets."""

    name: str = "stand-in"
    label: str = "A calendar"
    busy: list[BusyTime] = field(default_factory=list)
    answer: SlotCheck = "free"
    fails: bool = False
    rechecks: list[tuple[int, datetime, datetime, float]] = field(default_factory=list)
    in_use: bool = True  # whether hosts have a calendar a booking concerns

    def busy_times(self, *, host_id: int, since: datetime, until: datetime) -> list[BusyTime]:
        return [b for b in self.busy if b.start < until and b.end > since]

    def slot_recheck(
        self, *, host_id: int, start: datetime, end: datetime, timeout: float
    ) -> SlotCheck:
        self.rechecks.append((host_id, start, end, timeout))
        if self.fails:
            raise RuntimeError("a bug in the provider")
        return self.answer

    def host_in_use_sql(self, host_column: str) -> str:
        return "1 = 1" if self.in_use else "1 = 0"  # every host has the calendars, or none

    def event_written(self, booking: BookingRef) -> None:
        pass

    def event_notes(self, *, booking_id: int, session_id: int | None) -> list:
        return []


@pytest.fixture
def calendar():
    saved = dict(calendars._calendar_providers)
    calendars._calendar_providers.clear()
    stand_in = CalendarStandIn()
    calendars.register_calendar_provider(stand_in)
    yield stand_in
    calendars._calendar_providers.clear()
    calendars._calendar_providers.update(saved)


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day.date(), time(hour, minute), tzinfo=BERLIN)


@pytest.fixture
def buffered(organization, host):
    """Half an hour, with 15 minutes kept free on both sides of it."""
    return make_event_type(organization, host, slug="buffered", buffer_minutes=15)


def day_starts(event_type, day):
    now = timezone.now()
    return [
        slot.start
        for slot in free_slots(event_type=event_type, since=at(day, 8), until=at(day, 13), now=now)
    ]


def test_a_busy_time_in_the_hosts_calendar_removes_its_slots_and_the_buffers(calendar, buffered):
    """A meeting 10:00-11:00 in the host's calendar takes 09:30 to 11:00 off the page: the
    slots overlapping it and those within the event type's 15-minute buffer of it."""
    day = timezone.now().astimezone(BERLIN) + timedelta(days=2)
    before = day_starts(buffered, day)
    calendar.busy = [BusyTime(at(day, 10), at(day, 11))]
    after = day_starts(buffered, day)
    assert sorted(set(before) - set(after)) == [
        at(day, 9, 30),
        at(day, 10),
        at(day, 10, 30),
        at(day, 11),
    ]
    assert set(after) <= set(before)


def test_the_booking_page_leaves_out_the_calendars_busy_times(client, calendar, event_type):
    """The public page offers no start inside a busy time of the host's calendar."""
    day = timezone.now().astimezone(BERLIN) + timedelta(days=2)
    calendar.busy = [BusyTime(at(day, 10), at(day, 11))]
    response = client.get(page_url(event_type), {"date": f"{day:%Y-%m-%d}", "tz": "Europe/Berlin"})
    offered = offered_starts(unescape(response.content.decode()))
    assert at(day, 9, 30).astimezone(UTC).isoformat() in offered
    assert at(day, 10).astimezone(UTC).isoformat() not in offered
    assert at(day, 10, 30).astimezone(UTC).isoformat() not in offered
    assert at(day, 11).astimezone(UTC).isoformat() in offered


def test_a_time_the_calendar_filled_since_the_page_loaded_is_refused(client, calendar, buffered):
    """The POST asks the host's calendars about the chosen time with its buffers, within
    the recheck's timeout; a busy answer is the taken time's refusal and books nothing."""
    day = timezone.now().astimezone(BERLIN) + timedelta(days=2)
    start = at(day, 10)
    calendar.answer = "busy"
    response = client.post(page_url(buffered), form_data(start))
    assert response.status_code == 409
    assert "That time was just taken. Please pick another." in unescape(response.content.decode())
    assert not Booking.objects.exists()
    assert calendar.rechecks == [
        (
            buffered.host_id,
            start - timedelta(minutes=15),
            start + timedelta(minutes=45),
            2.0,
        )
    ]


@pytest.mark.parametrize("answer", ["free", "unchecked"])
def test_a_free_or_unchecked_time_is_booked_and_unchecked_is_marked(
    client, calendar, event_type, host, answer
):
    """A free answer books as before; an unchecked one (a server down or slow) books too,
    marked "calendar not checked", which the host sees on the booking."""
    day = timezone.now().astimezone(BERLIN) + timedelta(days=2)
    calendar.answer = answer
    response = client.post(page_url(event_type), form_data(at(day, 10)))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.calendar_not_checked == (answer == "unchecked")
    client.force_login(host)
    page = unescape(client.get(f"/360/bookings/{booking.id}").content.decode())
    assert ("Calendar not checked." in page) == (answer == "unchecked")


def test_an_unchecked_time_the_kept_busy_times_fill_is_refused(client, calendar, event_type):
    """When no server could answer, the busy times slotlink kept decide: a time they
    fill (filled after the page loaded) is refused."""
    day = timezone.now().astimezone(BERLIN) + timedelta(days=2)
    calendar.answer = "unchecked"
    calendar.busy = [BusyTime(at(day, 10, 15), at(day, 10, 45))]
    response = client.post(page_url(event_type), form_data(at(day, 10)))
    assert response.status_code == 409
    assert not Booking.objects.exists()


def test_a_provider_that_raises_leaves_the_time_unchecked(client, calendar, event_type):
    """A calendar provider that fails in a way it should have caught doesn't break the
    booking: it is made and marked "calendar not checked"."""
    day = timezone.now().astimezone(BERLIN) + timedelta(days=2)
    calendar.fails = True
    response = client.post(page_url(event_type), form_data(at(day, 10)))
    assert response.status_code == 302
    assert Booking.objects.get().calendar_not_checked


def test_a_reschedule_asks_no_calendar_of_a_host_without_one(calendar, event_type, host):
    """Moving a booking asks the calendar providers nothing when its host has no calendar
    a booking concerns (the booking POST's shortcut); a host with one is asked, and the
    time their calendar filled is refused."""
    first, second, third = next_free_starts(event_type, 3)
    booking = book(event_type, first)
    calendar.rechecks.clear()
    calendar.in_use = False
    booking_reschedule(booking=booking, start=second, by=host)
    assert calendar.rechecks == []
    calendar.in_use, calendar.answer = True, "busy"
    with pytest.raises(SlotUnavailable):
        booking_reschedule(booking=booking, start=third, by=host)
    assert [host_id for host_id, *_ in calendar.rechecks] == [host.id]


def test_a_session_move_asks_no_calendar_of_a_host_without_one(calendar, organization, host):
    """Moving a group session asks the calendar providers nothing when its host has no
    calendar a booking concerns; a host with one is asked, and a busy answer refuses it."""
    group = make_event_type(
        organization, host, slug="workshop", kind=EventType.Kind.GROUP, seats_per_session=5
    )
    first, second, third = next_free_starts(group, 3)
    book(group, first)
    calendar.rechecks.clear()
    calendar.in_use = False
    session = Booking.objects.get().session
    group_session_reschedule(session=session, start=second, by=host)
    assert calendar.rechecks == []
    calendar.in_use, calendar.answer = True, "busy"
    session.refresh_from_db()
    with pytest.raises(SlotUnavailable):
        group_session_reschedule(session=session, start=third, by=host)
    assert [host_id for host_id, *_ in calendar.rechecks] == [host.id]
