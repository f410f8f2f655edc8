"""No double booking under real concurrency: threads with their own database connections,
released together, against SQLite and PostgreSQL alike (whichever DATABASE_URL names)."""

import re
import threading
from datetime import datetime

import httpx
import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from slotlink.scheduling.models import Booking, EventType, GroupSession
from slotlink.scheduling.services.bookings import (
    BookingError,
    SlotUnavailable,
    booking_cancel,
    booking_reschedule,
)
from slotlink.scheduling.services.session_moves import group_session_reschedule
from slotlink.scheduling.tasks import send_booking_email
from tests.factories import make_organization
from tests.races import race
from tests.scheduling.builders import book, make_event_type, make_host, next_free_starts
from tests.scheduling.mailbox import link_in

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8


@pytest.fixture
def setup():
    organization = make_organization("Race Inc")
    host = make_host(organization)
    return organization, host


def test_racing_invitees_for_one_slot_exactly_one_wins(setup):
    """Two invitees racing for one slot: exactly one wins (here, eight of them); the others
    are told it was just taken."""
    organization, host = setup
    event_type = make_event_type(organization, host)
    start = next_free_starts(event_type)[0]
    outcomes = race(RACERS, lambda i: book(event_type, start, email=f"racer{i}@example.test"))
    winners = [o for o in outcomes if isinstance(o, Booking)]
    losers = [o for o in outcomes if isinstance(o, SlotUnavailable)]
    assert len(winners) == 1, outcomes
    assert len(losers) == RACERS - 1, outcomes
    assert {loser.message for loser in losers} == {"That time was just taken. Please pick another."}
    assert Booking.objects.filter(start=start).count() == 1


def test_racing_for_overlapping_slots_of_two_event_types_one_wins(setup):
    """The host is one person: racing for overlapping times of two event types, one wins."""
    organization, host = setup
    short = make_event_type(organization, host, slug="short")
    long = make_event_type(organization, host, slug="long", duration_minutes=60)
    start = next_free_starts(short, 3)[2]
    outcomes = race(
        RACERS,
        lambda i: book(short if i % 2 else long, start, email=f"racer{i}@example.test"),
    )
    assert sum(isinstance(o, Booking) for o in outcomes) == 1, outcomes
    assert Booking.objects.count() == 1


def test_a_group_session_never_exceeds_its_capacity(setup):
    """Ten invitees race for a session of three seats: exactly three get one."""
    organization, host = setup
    group = make_event_type(organization, host, kind=EventType.Kind.GROUP, seats_per_session=3)
    start = next_free_starts(group)[0]
    outcomes = race(10, lambda i: book(group, start, email=f"racer{i}@example.test"))
    assert sum(isinstance(o, Booking) for o in outcomes) == 3, outcomes
    assert sum(isinstance(o, SlotUnavailable) for o in outcomes) == 7, outcomes
    assert Booking.objects.filter(start=start, status="confirmed").count() == 3


def test_reschedules_and_a_new_booking_racing_into_one_slot_one_wins(setup):
    """Moving bookings compete for a time like new ones: one of them gets it."""
    organization, host = setup
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 8)
    target = starts[-1]
    movers = [book(event_type, starts[i * 2], email=f"m{i}@example.test") for i in range(3)]

    def act(i: int) -> Booking:
        if i < len(movers):
            return booking_reschedule(booking=movers[i], start=target)
        return book(event_type, target, email="new@example.test")

    outcomes = race(len(movers) + 1, act)
    assert sum(isinstance(o, Booking) for o in outcomes) == 1, outcomes
    assert Booking.objects.filter(start=target).count() == 1


def test_a_cancel_racing_a_reschedule_leaves_one_consistent_story(setup):
    """Cancel and reschedule of one booking at once: either it moved and then was
    cancelled, or it was cancelled and the move was refused; SEQUENCE counts both."""
    organization, host = setup
    event_type = make_event_type(organization, host)
    first, later = next_free_starts(event_type, 4)[0], next_free_starts(event_type, 4)[3]
    booking = book(event_type, first)
    outcomes = race(
        2,
        lambda i: (
            booking_cancel(booking=booking)
            if i
            else booking_reschedule(booking=booking, start=later)
        ),
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    kinds = list(booking.history.values_list("kind", flat=True))
    if isinstance(outcomes[0], BookingError):
        assert kinds == ["booked", "cancelled"]
    else:
        assert kinds == ["booked", "rescheduled", "cancelled"]
    assert booking.sequence == len(kinds) - 1


def test_over_http_one_invitee_wins_and_the_others_see_fresh_slots(setup, live_server):
    """Through the real web stack, invitees posting the same slot at once: one is booked,
    each other one reads "That time was just taken" and a slot list without that time."""
    organization, host = setup
    event_type = make_event_type(organization, host)
    start: datetime = next_free_starts(event_type)[0]
    page = f"{live_server.url}/book/{organization.slug}/{event_type.slug}"
    query = {"tz": "UTC", "date": start.date().isoformat()}
    clients = [httpx.Client(timeout=30) for _ in range(6)]
    forms = []
    for client in clients:
        response = client.get(page, params=query)
        assert start.isoformat() in response.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        assert token is not None
        forms.append(token.group(1))

    def post(i: int) -> httpx.Response:
        return clients[i].post(
            page,
            data={
                "csrfmiddlewaretoken": forms[i],
                "start": start.isoformat(),
                "time_zone": "UTC",
                "date": start.date().isoformat(),
                "name": f"Racer {i}",
                "email": f"racer{i}@example.test",
                "phone": "+1 212 555 0100",
            },
            headers={"referer": page},
        )

    responses = race(len(clients), post)
    for client in clients:
        client.close()
    statuses = sorted(r.status_code for r in responses if isinstance(r, httpx.Response))
    assert statuses == [302] + [409] * (len(clients) - 1), responses
    for response in responses:
        assert isinstance(response, httpx.Response)
        if response.status_code == 409:
            assert "That time was just taken. Please pick another." in response.text
            assert f'value="{start.isoformat()}"' not in response.text
            assert 'name="start"' in response.text  # fresh slots to pick from
    assert Booking.objects.filter(start=start).count() == 1


class AllReadBeforeAnyWrites:
    """An execute wrapper for racing requests: each waits at the first statement of its
    booking transaction (SQLite's BEGIN, PostgreSQL's first row lock) until every racer has
    got there, so all of them have looked up their link before any of them acts. Requests
    arriving together can always interleave so; this makes the race happen every time."""

    def __init__(self, count: int) -> None:
        self.gate = threading.Barrier(count)
        self.waited = threading.local()

    def __call__(self, execute, sql, params, many, context):
        starts_writing = sql.startswith("BEGIN") or "FOR UPDATE" in sql
        if starts_writing and not getattr(self.waited, "done", False):
            self.waited.done = True
            self.gate.wait(timeout=10)
        return execute(sql, params, many, context)


@pytest.mark.parametrize("links", [["reschedule"] * 4, ["reschedule", "cancel"]])
def test_an_emailed_link_acts_once_however_many_use_it_at_once(setup, links):
    """The same reschedule link posted four times at once, or the reschedule and cancel
    links of one email together: one of them acts and is emailed about; the others get
    "This link doesn't work anymore" and change nothing."""
    organization, host = setup
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 2 * len(links) + 2)
    booking = book(event_type, starts[0])
    send_booking_email.call(booking.id, "booked", 0)
    (email,) = [e for e in mail.outbox if booking.invitee_email in e.to[0]]
    paths = {kind: link_in(email, kind) for kind in ("reschedule", "cancel")}
    all_read = AllReadBeforeAnyWrites(len(links))

    def use(i: int):
        data = {"start": starts[2 * (i + 1)].isoformat(), "time_zone": "UTC", "reason": ""}
        with connection.execute_wrapper(all_read):
            return Client().post(paths[links[i]], data)

    responses = race(len(links), use)
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [302] + [404] * (len(links) - 1), responses
    for response in responses:
        if response.status_code == 404:
            assert "This link doesn't work anymore" in response.content.decode()
    booking.refresh_from_db()
    assert booking.sequence == 1
    assert booking.history.count() == 2
    emails = DBTaskResult.objects.filter(task_path__endswith="send_booking_email")
    assert [r.args_kwargs["args"][1:3] for r in emails if r.args_kwargs["args"][2] > 0] == [
        [booking.history.last().kind, 1]
    ]


def test_a_whole_session_moving_while_invitees_book_its_new_time_stays_one_session(setup):
    """The host moves a session to a time four invitees book at the same moment: the moves
    and bookings queue on the host's lock, so the time ends with one session, within its
    seats, holding every booking there; each racer either succeeded or was refused in
    words (never a database error)."""
    organization, host = setup
    group = make_event_type(organization, host, kind=EventType.Kind.GROUP, seats_per_session=4)
    first, target = next_free_starts(group, 5)[0], next_free_starts(group, 5)[4]
    seats = [book(group, first, email=f"seat{i}@example.test") for i in range(2)]
    session = GroupSession.objects.get()

    def act(i: int) -> object:
        if i == 0:
            return group_session_reschedule(session=session, start=target, by=host)
        return book(group, target, email=f"racer{i}@example.test")

    outcomes = race(5, act)
    assert all(not isinstance(o, BaseException) or isinstance(o, BookingError) for o in outcomes), (
        outcomes
    )
    at_target = GroupSession.objects.filter(event_type=group, start=target)
    assert at_target.count() == 1
    there = Booking.objects.filter(start=target, status="confirmed")
    assert set(there.values_list("session_id", flat=True)) == {at_target.get().pk}
    assert there.count() <= 4
    moved = not isinstance(outcomes[0], BaseException)
    assert moved == (
        Booking.objects.filter(pk__in=[s.pk for s in seats], start=target).count() == 2
    )
