"""The invitee's booking page: days and slots in their zone, the form, its errors, the
confirmation. Bad input gets a clear error and changes nothing."""

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.http import HttpResponse
from django.test import Client

from slotlink.scheduling.models import Booking, EventType, LocationKind
from slotlink.scheduling.services.event_types import event_type_update
from slotlink.zoom.locations import ZOOM
from tests.factories import make_organization
from tests.scheduling.builders import (
    STARTS_AFTER,
    book,
    make_event_type,
    make_host,
    next_free_starts,
    run_queued_tasks,
)

pytestmark = pytest.mark.django_db


def page_url(event_type: EventType) -> str:
    return f"/book/{event_type.organization.slug}/{event_type.slug}"


def form_data(when: datetime, **overrides: str) -> dict[str, str]:
    data = {
        "start": when.isoformat(),
        "time_zone": "Asia/Tokyo",
        "name": "Ivy Invitee",
        "email": "ivy@example.test",
        "phone": "+81 3 1234 5678",
    }
    data.update(overrides)
    return data


def text(response: HttpResponse) -> str:
    """The page as a person reads it (entities such as &#x27; unescaped)."""
    return unescape(response.content.decode())


def offered_starts(html: str) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', html)


def test_the_page_shows_the_days_and_free_slots_in_the_invitees_zone(client, event_type):
    """Slots are labelled in the zone the invitee picked and sent as UTC instants."""
    start = next_free_starts(event_type)[0]
    tokyo = start.astimezone(ZoneInfo("Asia/Tokyo"))
    response = client.get(page_url(event_type), {"tz": "Asia/Tokyo", "date": f"{tokyo:%Y-%m-%d}"})
    html = text(response)
    assert response.status_code == 200
    assert start.isoformat() in offered_starts(html)
    assert f"{tokyo:%H:%M}" in html  # no browser language: the default 24-hour clock
    assert '<option value="Asia/Tokyo" selected ' in html
    assert f"{tokyo:%A, %-d %B}" in html
    assert "time-zone.js" not in html  # the zone is known: no detection needed


def test_a_first_visit_detects_the_browsers_zone_and_falls_back_to_the_hosts(client, event_type):
    """Without a zone the page shows the host's and loads the detection script; an unknown
    zone is ignored."""
    html = client.get(page_url(event_type)).content.decode()
    assert "scheduling/time-zone.js" in html
    assert '<option value="Europe/Berlin" selected ' in html
    html = client.get(page_url(event_type), {"tz": "Mars/Olympus"}).content.decode()
    assert '<option value="Europe/Berlin" selected ' in html


def test_booking_confirms_and_shows_the_confirmation_page(client, event_type):
    """A valid booking redirects to its confirmation, in the invitee's zone."""
    start = next_free_starts(event_type)[0]
    response = client.post(page_url(event_type), form_data(start))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.start, booking.invitee_time_zone, booking.invitee_phone) == (
        start,
        "Asia/Tokyo",
        "+81 3 1234 5678",
    )
    confirmation = client.get(response["Location"])
    html = text(confirmation)
    assert "You're booked" in html
    tokyo = start.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%H:%M}" in html  # no browser language: the default 24-hour clock
    assert "Phone call: <bdi>Hana Host</bdi> calls <bdi>+81 3 1234 5678</bdi>" in html


@pytest.mark.parametrize(
    ("language", "clock"),
    [("en-US,en;q=0.9", r"\d:\d\d [AP]M"), ("de-DE,de;q=0.9,en;q=0.8", r", \d\d:\d\d (?![AP]M)")],
)
def test_the_invitees_emails_read_the_clock_of_the_browser_they_booked_from(
    event_type, mailoutbox, language, clock
):
    """The language of the browser a booking was made from is kept with the booking: the
    invitee's emails read its clock (US English 12-hour, German 24-hour)."""
    start = next_free_starts(event_type)[0]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.post(page_url(event_type), form_data(start)).status_code == 302
    run_queued_tasks()
    (to_invitee,) = [
        email for email in mailoutbox if email.to == ["Ivy Invitee <ivy@example.test>"]
    ]
    assert re.search(clock + r".*\(Asia/Tokyo\)", to_invitee.subject), to_invitee.subject
    assert re.search(clock, to_invitee.body)
    assert ("M (" in to_invitee.subject) == ("en-US" in language)  # one clock, not both


def test_the_confirmation_link_cannot_be_forged(client, event_type):
    """A tampered confirmation address shows nothing of any booking."""
    booking = book(event_type)
    response = client.get(f"/booked/{booking.id}:forged")
    assert response.status_code == 404
    assert booking.invitee_name not in text(response)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"email": "a@b"}, "Enter an email address like name@example.com."),
        (
            {"name": "x" * 101},
            "1 character over the limit: 101 / 100. Nothing was cut: shorten it.",
        ),
        ({"name": ""}, "This field is required."),
        ({"email": "x" * 250 + "@example.test"}, "9 characters over the limit: 263 / 254"),
        ({"phone": ""}, "This field is required."),
        ({"phone": "call me maybe"}, "Enter a phone number with its country code"),
        (
            {"start": "tomorrow at ten"},
            "That time isn't valid. Please pick one of the times shown.",
        ),
        ({"start": "2030-01-01T10:00:00"}, "That time isn't valid."),  # no offset
        ({"start": ""}, "That time isn't valid."),
        # Beyond what a datetime holds once moved to UTC, or too near its limits to add a
        # meeting's length: refused like any other bad time, never a server error.
        ({"start": "9999-12-31T23:59:59-14:00"}, "That time isn't valid."),
        ({"start": "0001-01-01T00:00:00+14:00"}, "That time isn't valid."),
        ({"start": "9999-12-31T23:45:00+00:00"}, "That time isn't valid."),
        ({"start": "0001-01-01T00:00:00-14:00"}, "That time isn't valid."),
        ({"time_zone": "Mars/Olympus"}, "Pick your time zone from the list."),
    ],
)
def test_bad_input_gets_a_clear_error_and_books_nothing(client, event_type, overrides, error):
    """Malformed emails, over-long fields, missing details and tampered times are refused
    with words a person can act on."""
    response = client.post(
        page_url(event_type), form_data(next_free_starts(event_type)[0], **overrides)
    )
    assert response.status_code == 200
    assert error in text(response)
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("shift", "error"),
    [
        (-timedelta(days=2), "That time has already passed. Please pick another."),
        (timedelta(minutes=10), "That time isn't available. Please pick one of the times shown."),
        (timedelta(days=400), "That time is too far ahead to book yet."),
    ],
)
def test_times_not_offered_are_refused(client, event_type, shift, error):
    """Past times and times outside availability or the horizon book nothing."""
    start = next_free_starts(event_type)[0] + shift
    response = client.post(page_url(event_type), form_data(start))
    assert error in text(response)
    assert not Booking.objects.exists()


def test_a_time_just_taken_says_so_and_offers_fresh_slots(client, event_type):
    """The second invitee for a slot keeps their details, is told the time was just
    taken, and picks from slots without it."""
    start, other = next_free_starts(event_type, 2)
    book(event_type, start)
    data = form_data(start, date=f"{start.astimezone(ZoneInfo('Asia/Tokyo')):%Y-%m-%d}")
    response = client.post(page_url(event_type), data)
    html = text(response)
    assert response.status_code == 409
    assert "That time was just taken. Please pick another." in html
    assert start.isoformat() not in offered_starts(html)
    assert other.isoformat() in offered_starts(html)
    assert 'value="ivy@example.test"' in html  # nothing to type again
    assert Booking.objects.count() == 1


def test_the_invitees_address_refuses_invisible_controls(client, organization, host):
    """Issue 19 (7): the invitee's address took U+202E, which then showed in the host's
    pages and emails; it is refused like a name, and nothing is booked."""
    ask = make_event_type(organization, host, slug="ask", location_kind=LocationKind.ASK_INVITEE)
    start = next_free_starts(ask)[0]
    response = client.post(page_url(ask), form_data(start, address="Caf\u00e9 \u202enietsniE"))
    assert "invisible control characters" in text(response)
    assert not Booking.objects.exists()


def test_the_form_asks_for_a_phone_or_an_address_only_when_the_location_needs_one(
    client, organization, host
):
    """Phone calls ask for a number; "ask the invitee" asks where; others ask for neither."""
    phone = make_event_type(organization, host, slug="phone")
    ask = make_event_type(organization, host, slug="ask", location_kind=LocationKind.ASK_INVITEE)
    zoom = make_event_type(organization, host, slug="zoom", location_kind=ZOOM)

    def fields(event_type: EventType) -> set[str]:
        html = client.get(page_url(event_type), {"tz": "UTC"}).content.decode()
        return set(re.findall(r'name="(phone|address)"', html))

    assert fields(phone) == {"phone"}
    assert fields(ask) == {"address"}
    assert fields(zoom) == set()
    start = next_free_starts(ask)[0]
    response = client.post(page_url(ask), form_data(start, phone="", address=""))
    assert "This field is required." in text(response)
    client.post(page_url(ask), form_data(start, address="Café Einstein"))
    assert Booking.objects.get().invitee_address == "Café Einstein"


def test_unknown_or_switched_off_event_types_are_not_found(client, event_type):
    """Unknown organizations and event types, and inactive ones, answer 404."""
    assert client.get("/book/nope/intro").status_code == 404
    assert client.get(f"/book/{event_type.organization.slug}/nope").status_code == 404
    other_org = make_organization("Globex")
    assert client.get(f"/book/{other_org.slug}/{event_type.slug}").status_code == 404
    start = next_free_starts(event_type)[0]
    event_type_update(event_type=event_type, is_active=False)
    assert client.get(page_url(event_type)).status_code == 404
    assert client.post(page_url(event_type), form_data(start)).status_code == 404
    assert not Booking.objects.exists()


def test_booking_needs_the_csrf_token(event_type):
    """The booking form is protected against cross-site posts."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(page_url(event_type), form_data(next_free_starts(event_type)[0]))
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_group_slots_show_the_seats_left(client, organization, host):
    """A group session's slot says how many seats are left."""
    group = make_event_type(
        organization, host, slug="group", kind=EventType.Kind.GROUP, seats_per_session=5
    )
    start = next_free_starts(group)[0]
    book(group, start)
    book(group, start, email="two@example.test")
    html = client.get(page_url(group), {"tz": "UTC", "date": start.date().isoformat()}).content
    assert b"3 seats left" in html
    assert b"5 seats left" in html  # the next, empty session


def test_months_can_be_paged_within_the_horizon(client, organization, host):
    """The calendar pages forward to the horizon's month and no further, nor into the
    past."""
    event_type = make_event_type(organization, host, horizon_days=40)
    html = client.get(page_url(event_type), {"tz": "UTC", "month": "2000-01"}).content.decode()
    assert 'aria-label="Previous month"' not in html
    this_month = datetime.now(UTC).strftime("%B %Y")
    assert this_month in html
    far = client.get(page_url(event_type), {"tz": "UTC", "month": "2999-01"}).content.decode()
    assert 'aria-label="Next month"' not in far
    assert 'aria-label="Previous month"' in far


def test_the_organization_page_lists_its_bookable_event_types(client, organization, host):
    """/book/<organization> lists the active event types, with links to book them."""
    make_event_type(organization, host, title="Intro call", slug="intro")
    make_event_type(organization, host, title="Hidden", slug="hidden", is_active=False)
    html = client.get(f"/book/{organization.slug}").content.decode()
    assert f'href="/book/{organization.slug}/intro"' in html
    assert "Hidden" not in html
    assert client.get("/book/nobody-here").status_code == 404


def next_clock_change(zone: ZoneInfo, *, after: datetime) -> date:
    """The next day on which `zone`'s clocks change, whose day before at 09:00 (zone time)
    is still after `after`."""
    day = after.astimezone(zone).date()
    for _ in range(2 * 366):
        day += timedelta(days=1)
        nine = datetime.combine(day, time(9), zone)
        day_before = nine - timedelta(days=1)  # 09:00 on the wall clock, with that day's offset
        if nine.utcoffset() != day_before.utcoffset() and day_before > after:
            return day
    raise AssertionError(f"{zone} no longer changes its clocks")


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (datetime(2026, 11, 21, 10, tzinfo=UTC), date(2027, 3, 14)),  # forward, 2nd Sunday
        (datetime(2027, 3, 13, 13, 59, tzinfo=UTC), date(2027, 3, 14)),  # Sat 08:59 in NY
        (datetime(2027, 3, 13, 14, tzinfo=UTC), date(2027, 11, 7)),  # Sat 09:00: too late
        (datetime(2030, 3, 10, 12, tzinfo=UTC), date(2030, 11, 3)),  # back, 1st Sunday
    ],
)
def test_the_next_clock_change_is_found_from_any_day(after, expected):
    """The DST test below never runs out of dates: it finds the next change of New York's
    clocks whose Saturday is still to come."""
    assert next_clock_change(ZoneInfo("America/New_York"), after=after) == expected


def test_another_hosts_time_zone_is_shown_exactly_across_a_dst_change(client, organization):
    """A New York host's 09:00 on the Sunday its clocks change is offered at the London
    hour one apart from the day before's (spring forward: 2 PM then 1 PM; fall back: 1 PM
    then 2 PM), London being on winter time on both days."""
    new_york, london = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")
    host = make_host(organization, time_zone="America/New_York", email="ny@example.test")
    event_type = make_event_type(organization, host, slug="ny", horizon_days=365)
    change = next_clock_change(new_york, after=datetime.now(UTC) + STARTS_AFTER)
    sunday = datetime.combine(change, time(9), new_york)
    saturday = sunday - timedelta(days=1)
    for nine in (saturday, sunday):
        in_london = nine.astimezone(london)
        assert in_london.utcoffset() == timedelta(0)
        html = client.get(
            page_url(event_type),
            {"tz": "Europe/London", "date": f"{in_london:%Y-%m-%d}", "month": f"{in_london:%Y-%m}"},
        ).content.decode()
        assert nine.astimezone(UTC).isoformat() in offered_starts(html)
    spring = sunday.utcoffset() > saturday.utcoffset()
    assert (saturday.astimezone(UTC).hour, sunday.astimezone(UTC).hour) == (
        (14, 13) if spring else (13, 14)
    )
