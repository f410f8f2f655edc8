"""The Bookings list (booking_list.py, booking_filters.py): a row per one-on-one booking
and per group session with its seats, search and filters in the URL, pages that keep
them, bad filters shown and filtering nothing, and each viewer's own bookings only."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import quote

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from slotlink.scheduling.booking_list import ROWS_PER_PAGE
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.services.bookings import booking_cancel
from tests.factories import make_member
from tests.scheduling.builders import (
    book,
    free_start_from,
    make_event_type,
    many_bookings,
    next_free_starts,
)

pytestmark = pytest.mark.django_db


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def rows(html: str) -> list[str]:
    """The list's rows, as their text without tags."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    found = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


def listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/360/bookings{query}")
    assert response.status_code == 200, text(response)
    return rows(text(response))


def move(booking: Booking, start: datetime) -> None:
    """Put a booking at `start` (for dates and the past, which the booking page refuses)."""
    length = booking.end - booking.start
    Booking.objects.filter(pk=booking.pk).update(start=start, end=start + length)


@pytest.fixture
def host(member_membership):
    return member_membership.user


@pytest.fixture
def call(organization, host) -> EventType:
    return make_event_type(organization, host, title="Intro call", slug="intro")


@pytest.fixture
def workshop(organization, host) -> EventType:
    return make_event_type(
        organization,
        host,
        title="Workshop",
        slug="workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=5,
    )


def test_a_group_session_is_one_row_with_its_seats(member_client, call, workshop):
    """Three seats of one session are one row, "3 / 5 seats", naming each seat and linking
    to its page, with links to move or cancel the whole session; a one-on-one booking is a
    row of its own. A cancelled seat leaves the count."""
    session_start, alone_start = next_free_starts(workshop, 2)
    seats = [
        book(workshop, session_start, name=f"Seat {n}", email=f"s{n}@example.test")
        for n in (1, 2, 3)
    ]
    alone = book(call, free_start_from(call, alone_start + timedelta(hours=2)), name="Olive One")
    html = text(member_client.get("/360/bookings"))
    found = rows(html)
    assert len(found) == 2
    session_row = next(row for row in found if "Group session" in row)
    assert "3 / 5 seats" in session_row
    assert all(f"Seat {n}" in session_row for n in (1, 2, 3))
    assert all(f'href="/360/bookings/{seat.id}"' in html for seat in seats)
    assert f'data-session="{seats[0].session_id}"' in html
    assert f'data-booking="{alone.id}"' in html
    session_id = seats[0].session_id
    assert f'href="/360/sessions/{session_id}/reschedule">Move the whole session' in html
    assert f'href="/360/sessions/{session_id}/cancel">Cancel the whole session' in html
    booking_cancel(booking=seats[0])
    session_row = next(row for row in listed(member_client) if "Group session" in row)
    assert "2 / 5 seats" in session_row
    assert "Seat 1" not in session_row  # cancelled: under Cancelled


def test_search_finds_invitees_by_name_or_email_in_any_case(member_client, call):
    """The search keeps bookings whose invitee's name or email contains the text, any case."""
    first, second = next_free_starts(call, 2)
    book(call, first, name="Ann Archer", email="ann@example.test")
    book(call, second, name="Bob Baker", email="robert@mail.test")
    assert [row for row in listed(member_client, "?q=aRcHeR") if "Ann Archer" in row]
    assert len(listed(member_client, "?q=aRcHeR")) == 1
    by_email = listed(member_client, "?q=ROBERT@MAIL")
    assert len(by_email) == 1
    assert "Bob Baker" in by_email[0]
    assert listed(member_client, "?q=nobody") == []
    assert "No bookings match these filters." in text(member_client.get("/360/bookings?q=nobody"))


def test_search_ignores_case_in_every_script_and_takes_wildcards_as_characters(member_client, call):
    """ "émile" finds "Émile", "ZOË" finds "zoë" (SQLite folds only ASCII by itself); "%"
    and "_" are characters, not patterns."""
    first, second, third = next_free_starts(call, 3)
    book(call, first, name="Émile Zola", email="emile@example.test")
    book(call, second, name="zoë ünal", email="zoe@example.test")
    book(call, third, name="Percy 100%", email="percy_p@example.test")

    def found(search: str) -> list[str]:
        return [row for row in listed(member_client, f"?q={quote(search)}")]

    assert len(found("émile")) == 1
    assert "Émile Zola" in found("ÉMILE")[0]
    assert "zoë ünal" in found("ZOË ÜN")[0]
    assert len(found("100%")) == 1
    assert "Percy" in found("y_p@")[0]
    assert found("%") == found("100%")
    assert found("r_y") == []


def test_the_event_type_filter_keeps_its_bookings(member_client, call, workshop):
    """Filtering by an event type lists its bookings only."""
    first, second = next_free_starts(call, 2)
    book(call, first, name="Call Person")
    book(workshop, free_start_from(workshop, second + timedelta(hours=2)), name="Workshop Person")
    found = listed(member_client, f"?event_type={call.id}")
    assert len(found) == 1
    assert "Call Person" in found[0]
    found = listed(member_client, f"?event_type={workshop.id}")
    assert len(found) == 1
    assert "Workshop Person" in found[0]


def test_each_status_lists_its_bookings(member_client, call):
    """Upcoming: confirmed and not over; Past: confirmed and over; Cancelled; All. Upcoming
    is the default."""
    starts = next_free_starts(call, 4)
    book(call, starts[0], name="Ahead Person")
    move(book(call, starts[1], name="Gone By"), timezone.now() - timedelta(days=3))
    booking_cancel(booking=book(call, starts[2], name="Called Off"))
    long_ago = book(call, starts[3], name="Off Long Ago")
    booking_cancel(booking=long_ago)
    move(long_ago, timezone.now() - timedelta(days=5))
    everyone = ("Ahead Person", "Gone By", "Called Off", "Off Long Ago")

    def names(query: str) -> set[str]:
        found = " ".join(listed(member_client, query))
        return {name for name in everyone if name in found}

    assert names("") == names("?status=upcoming") == {"Ahead Person"}
    assert names("?status=past") == {"Gone By"}
    assert names("?status=cancelled") == {"Called Off", "Off Long Ago"}
    assert names("?status=all") == set(everyone)


def test_the_date_range_is_days_in_the_viewers_zone(member_client, host, call):
    """From and To are whole days in the viewer's zone, both included: 23:30 and 00:30 in
    Auckland are on different days though both are on one UTC day."""
    host.time_zone = "Pacific/Auckland"  # UTC+13 in March 2031
    host.save()
    first, second = next_free_starts(call, 2)
    late = book(call, first, name="Late Evening")
    early = book(call, second, name="Early Morning")
    move(late, datetime(2031, 3, 10, 10, 30, tzinfo=UTC))  # 23:30 on the 10th there
    move(early, datetime(2031, 3, 10, 11, 30, tzinfo=UTC))  # 00:30 on the 11th there
    tenth = listed(member_client, "?status=all&start=2031-03-10&end=2031-03-10")
    assert len(tenth) == 1
    assert "Late Evening" in tenth[0]
    eleventh = listed(member_client, "?status=all&start=2031-03-11")
    assert len(eleventh) == 1
    assert "Early Morning" in eleventh[0]
    assert len(listed(member_client, "?status=all&end=2031-03-11")) == 2
    assert listed(member_client, "?status=all&end=2031-03-09") == []


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("start=2031-13-45", "Enter a date like 2026-12-24."),
        ("end=next+week", "Enter a date like 2026-12-24."),
        ("start=2026-01-10&end=2026-01-05", "The end date is before the start date."),
        ("start=0001-01-01", "Pick a date between 2000 and 2999."),
        ("end=9999-12-31", "Pick a date between 2000 and 2999."),
        ("status=maybe", "Pick a status from the list."),
        ("event_type=abc", "Pick an event type from the list."),
        ("q=a%00b", "Null characters are not allowed."),
    ],
)
def test_a_bad_filter_says_why_and_filters_nothing(member_client, call, query, error):
    """A filter that can't be read answers 400 with its words beside it; the other filters
    still apply and the bad one filters nothing; the export refuses."""
    book(call, name="Still Listed")
    response = member_client.get(f"/360/bookings?{query}")
    assert response.status_code == 400
    html = text(response)
    assert error in html
    assert "Some filters could not be read" in html
    assert any("Still Listed" in row for row in rows(html))
    export = member_client.get(f"/360/bookings/export.csv?{query}")
    assert export.status_code == 400
    assert export["Content-Type"] == "text/plain; charset=utf-8"
    assert error in export.content.decode()
    assert "Nothing exported" in export.content.decode()


def test_a_page_number_that_is_no_page_shows_a_page(member_client, call):
    """A page number that isn't one gives the first page, one past the end the last."""
    book(call, name="Only One")
    for page in ("abc", "0", "-1", "99999", "1e9"):
        found = listed(member_client, f"?page={page}")
        assert len(found) == 1
        assert "Only One" in found[0]


def test_a_co_worker_sees_none_of_another_hosts_bookings(
    member_client, admin_client, organization, call
):
    """A member lists and exports their own bookings only, whatever they type into the URL:
    a co-worker's event type is refused like an unknown one, and a host filter is not
    theirs to use. An admin sees the organization's, and can filter by host."""
    colleague = make_member(organization, full_name="Cole League").user
    theirs_type = make_event_type(organization, colleague, title="Their call", slug="theirs")
    theirs = book(theirs_type, name="Their Invitee", email="their@example.test")
    book(call, name="My Invitee")
    for query in ("", "?status=all", f"?host={colleague.id}", "?q=Their"):
        page = text(member_client.get(f"/360/bookings{query}"))
        assert "Their Invitee" not in page
        export = member_client.get(f"/360/bookings/export.csv{query}").content.decode("utf-8-sig")
        assert "Their Invitee" not in export
        assert "their@example.test" not in export
    refused = member_client.get(f"/360/bookings?event_type={theirs_type.id}")
    assert refused.status_code == 400
    assert "Their Invitee" not in text(refused)
    assert (
        member_client.get(f"/360/bookings/export.csv?event_type={theirs_type.id}").status_code
        == 400
    )
    assert member_client.get(f"/360/bookings/{theirs.id}").status_code == 404
    assert 'name="host"' not in text(member_client.get("/360/bookings"))
    # An admin sees both, and narrows to one host.
    everyone = " ".join(listed(admin_client))
    assert "Their Invitee" in everyone
    assert "My Invitee" in everyone
    only_theirs = listed(admin_client, f"?host={colleague.id}")
    assert len(only_theirs) == 1
    assert "Their Invitee" in only_theirs[0]


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    """Neither the list nor its export answers anyone not signed in."""
    for url in ("/360/bookings", "/360/bookings/export.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"] or "sign" in response["Location"]


def _page_queries(client: Client, query: str = "") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/360/bookings{query}")
    assert response.status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_however_many_bookings(member_client, call, workshop):
    """One-on-one bookings and session seats added to a page add no query (no N+1)."""
    starts = next_free_starts(call, 12)
    book(call, starts[0])
    book(workshop, starts[2])
    few = _page_queries(member_client, "?q=example")
    for start in starts[4:10]:
        book(call, start)
    for n in range(4):
        book(workshop, starts[11], email=f"seat{n}@example.test")
    assert len(listed(member_client)) == 9
    assert _page_queries(member_client, "?q=example") == few


def test_two_thousand_bookings_are_paginated_and_pages_keep_the_filters(member_client, call):
    """A host with 2,000 bookings gets pages of ROWS_PER_PAGE rows; the next page's link keeps
    the search and status, and the last page holds the last bookings."""
    many_bookings(call, 2000)
    first_page = text(member_client.get("/360/bookings?q=many&status=upcoming"))
    assert len(rows(first_page)) == ROWS_PER_PAGE
    assert "Page 1 of 40" in first_page
    next_link = re.search(r'<a [^>]*rel="next" href="([^"]+)"', first_page)
    assert next_link is not None
    assert next_link.group(1) == "?q=many&status=upcoming&page=2"
    second = rows(text(member_client.get("/360/bookings" + next_link.group(1))))
    assert "Many 0050" in second[0]
    last = rows(text(member_client.get("/360/bookings?q=many&status=upcoming&page=40")))
    assert len(last) == ROWS_PER_PAGE
    assert "Many 1999" in last[-1]
    narrowed = text(member_client.get("/360/bookings?q=many 19&status=upcoming"))
    assert "Page 1 of 2" in narrowed  # Many 1900 to Many 1999
