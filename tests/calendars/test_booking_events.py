"""A booking's event in the host's "Add bookings to" calendar, on Radicale and Xandikos:
written after commit by its task, moved on reschedule, removed on cancel, written once
when a create's answer is lost, and never over the host's own change."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import httpx
import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from slotlink.accounts.models import Membership
from slotlink.calendars import client
from slotlink.calendars.models import CalendarEvent, ConnectedCalendar
from slotlink.calendars.sync import SWEEP_AFTER, events_due
from slotlink.calendars.tasks import calendars_sweep
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.services.bookings import (
    Invitee,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from tests.calendars.connecting import connect
from tests.calendars.servers import CalDAVServer
from tests.factories import make_member
from tests.fixtures.task_queue import drop_queued_tasks, run_ready_tasks
from tests.local_http import Reply, Seen, local_http
from tests.scheduling.builders import make_event_type, next_free_starts
from tests.scheduling.test_public_pages import form_data, page_url

pytestmark = pytest.mark.django_db

INVITEE = Invitee(name="Ines Invitee", email="ines@example.org", time_zone="Europe/Berlin")


def run_tasks() -> int:
    return run_ready_tasks(rounds=20, only_due=False, only="calendar_event_sync")


def the_event(server: CalDAVServer, calendar_url: str, uid: str):
    text = server.get_ics(client.event_url(calendar_url, uid))
    if text is None:
        return None
    return next(iter(Calendar.from_ical(text).walk("VEVENT")))


@pytest.fixture
def host_with_target(caldav_server: CalDAVServer, member_membership):
    """A host whose connected calendar "Work" is where bookings are added. None of the
    account's calendars counts as busy: the server outlives the test, and the other
    tests' calendars (with their bookings' events) are in the same account."""
    url = caldav_server.new_calendar("Work")
    connection = connect(caldav_server, member_membership)
    connection.calendars.update(is_busy=False)
    ConnectedCalendar.objects.filter(connection=connection, url=url).update(is_target=True)
    return member_membership, url


def a_workshop(membership):
    """A group event type of `membership`'s, three seats a session."""
    return make_event_type(
        membership.organization,
        membership.user,
        title="Workshop",
        kind=EventType.Kind.GROUP,
        seats_per_session=3,
    )


NOTE_EDITED = "You changed this booking's event in your calendar; slotlink left it as you made it."


def logged_in(membership) -> Client:
    browser = Client()
    browser.force_login(membership.user)
    return browser


def booking_page(booking) -> str:
    return settings.BASE_URL.rstrip("/") + reverse("booking-detail", args=[booking.id])


def book(membership, **fields):
    event_type = make_event_type(membership.organization, membership.user, **fields)
    return booking_create(
        event_type=event_type, start=next_free_starts(event_type)[0], invitee=INVITEE
    )


def test_a_booking_becomes_an_event_in_the_chosen_calendar(caldav_server, host_with_target):
    """After commit, the booking's task writes one event under the booking's invite UID:
    its time, the event type and invitee in the summary, the invitee as attendee, the
    location, and the booking's page for the host; nothing before the task runs."""
    membership, calendar_url = host_with_target
    booking = book(
        membership, location_kind="custom_url", location_detail="https://meet.example.org/ada"
    )
    assert caldav_server.hrefs(calendar_url) == []
    assert run_tasks() == 1
    event = the_event(caldav_server, calendar_url, booking.ical_uid)
    assert event is not None
    assert len(caldav_server.hrefs(calendar_url)) == 1
    assert str(event["UID"]) == booking.ical_uid
    assert event.decoded("DTSTART") == booking.start
    assert event.decoded("DTEND") == booking.end
    assert str(event["SUMMARY"]) == "Intro call with Ines Invitee"
    attendees = [str(a) for a in event.get("ATTENDEE")]
    assert "mailto:ines@example.org" in attendees
    assert str(event["LOCATION"]) == "https://meet.example.org/ada"
    assert str(event["DESCRIPTION"]).endswith(f"Booking details: {booking_page(booking)}")
    assert "METHOD" not in caldav_server.get_ics(client.event_url(calendar_url, booking.ical_uid))
    row = CalendarEvent.objects.get(booking_id=booking.id)
    assert row.in_sync
    assert row.etag
    assert row.uid == booking.ical_uid


def test_a_booking_on_the_public_page_becomes_an_event_in_the_chosen_calendar(
    caldav_server, host_with_target
):
    """An invitee books on the public page a host whose only picked calendar is where
    bookings go (none counts as busy): the booking's task writes its event there."""
    membership, calendar_url = host_with_target
    event_type = make_event_type(membership.organization, membership.user)
    start = next_free_starts(event_type)[0]
    assert Client().post(page_url(event_type), form_data(start)).status_code == 302
    booking = Booking.objects.get(event_type=event_type)
    assert run_tasks() == 1
    event = the_event(caldav_server, calendar_url, booking.ical_uid)
    assert event is not None
    assert event.decoded("DTSTART") == start


def test_a_seat_booked_on_the_public_page_joins_its_sessions_event_in_a_calendar_since_unpicked(
    caldav_server, host_with_target
):
    """A session's event stays in the calendar it was written to when the host picks no
    calendar for bookings anymore: a seat then booked on the public page still joins it
    as an attendee."""
    membership, calendar_url = host_with_target
    workshop = a_workshop(membership)
    start = next_free_starts(workshop)[0]
    first = booking_create(event_type=workshop, start=start, invitee=INVITEE)
    run_tasks()
    ConnectedCalendar.objects.filter(url=calendar_url).update(is_target=False)
    answer = Client().post(page_url(workshop), form_data(start, email="otto@example.org"))
    assert answer.status_code == 302
    assert run_tasks() == 1
    event = the_event(caldav_server, calendar_url, first.session.ical_uid)
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert {"mailto:ines@example.org", "mailto:otto@example.org"} <= attendees


def test_reschedule_moves_the_event_and_cancel_removes_it(caldav_server, host_with_target):
    """A reschedule moves the same event (same UID, one event), a cancel removes it."""
    membership, calendar_url = host_with_target
    booking = book(membership)
    run_tasks()
    later = booking.start + timedelta(days=1)
    booking_reschedule(booking=booking, start=later)
    run_tasks()
    event = the_event(caldav_server, calendar_url, booking.ical_uid)
    assert event.decoded("DTSTART") == later
    assert len(caldav_server.hrefs(calendar_url)) == 1
    booking.refresh_from_db()
    booking_cancel(booking=booking, reason="ill")
    run_tasks()
    assert caldav_server.hrefs(calendar_url) == []
    assert CalendarEvent.objects.get(booking_id=booking.id).etag == ""


def test_a_lost_sync_task_is_restarted_by_the_sweep(caldav_server, host_with_target):
    """An event whose task was lost (a worker died between commit and enqueue) is left
    alone while its task may still come, then the sweep syncs it: once for the booking,
    again for its reschedule. An event in line with its booking is never swept."""
    membership, calendar_url = host_with_target
    booking = book(membership)
    drop_queued_tasks()  # the task is lost
    row = CalendarEvent.objects.get(booking_id=booking.id)
    assert events_due() == []  # just changed: its own task may still come
    assert events_due(now=timezone.now() + SWEEP_AFTER + timedelta(seconds=1)) == [row.id]
    CalendarEvent.objects.filter(pk=row.pk).update(updated_at=F("updated_at") - SWEEP_AFTER)
    calendars_sweep.call()
    assert run_tasks() == 1
    assert the_event(caldav_server, calendar_url, booking.ical_uid) is not None
    assert events_due(now=timezone.now() + SWEEP_AFTER * 2) == []

    booking_reschedule(booking=booking, start=booking.start + timedelta(days=1))
    drop_queued_tasks()
    assert events_due() == []
    assert events_due(now=timezone.now() + SWEEP_AFTER + timedelta(seconds=1)) == [row.id]


def test_no_target_calendar_writes_nothing(caldav_server, member_membership):
    """A host whose calendars count only as busy (none picked to add bookings to) gets no
    event and no row, and no task is queued."""
    url = caldav_server.new_calendar("Work")
    connect(caldav_server, member_membership).calendars.update(is_busy=False)
    book(member_membership)
    assert run_tasks() == 0
    assert not CalendarEvent.objects.exists()
    assert caldav_server.hrefs(url) == []


def test_a_create_whose_answer_was_lost_is_adopted_not_written_twice(
    caldav_server, host_with_target, monkeypatch
):
    """The first PUT reaches the server, which stores the event, but its answer never
    comes back (a proxy that forwards and then hangs): the task tries again later; the
    retry's 412 finds slotlink's marker in the stored event and adopts it. One event,
    the row in sync with the stored ETag."""
    membership, calendar_url = host_with_target

    def store_then_hang(request: Seen) -> Reply:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        httpx.request(
            request.method,
            caldav_server.base_url + request.path,
            headers=headers,
            content=request.body,
        )
        return Reply(hang=True)

    with local_http(store_then_hang) as lossy:
        real_put = client.event_put
        calls = []

        def put_through_proxy(account, url, uid, ics, etag=None, **kwargs):
            calls.append(etag)
            if len(calls) == 1:
                lossy_url = url.replace(caldav_server.base_url + "/", lossy.url)
                return real_put(account, lossy_url, uid, ics, etag, timeout=1)
            return real_put(account, url, uid, ics, etag, **kwargs)

        monkeypatch.setattr(client, "event_put", put_through_proxy)
        booking = book(membership)
        run_ready_tasks(rounds=1, only_due=True, only="calendar_event_sync")
        row = CalendarEvent.objects.get(booking_id=booking.id)
        assert not row.in_sync
        assert row.attempts == 1
        assert row.etag == ""
        assert len(caldav_server.hrefs(calendar_url)) == 1  # stored, though unanswered
        run_tasks()
    row.refresh_from_db()
    assert row.in_sync
    assert row.host_changed == ""
    assert len(caldav_server.hrefs(calendar_url)) == 1
    stored = client.event_get(
        client.CalDAVAccount(
            caldav_server.base_url, caldav_server.username, caldav_server.password
        ),
        calendar_url,
        booking.ical_uid,
    )
    assert stored is not None
    assert stored[1] == row.etag


def test_the_hosts_edit_is_not_overwritten_and_can_be_put_back(
    caldav_server, host_with_target, organization
):
    """The host changed the event in their calendar: the booking's reschedule gets 412 and
    leaves the host's version as it is; the booking's page tells the host so, with Put it
    back, which only the host may press (a co-worker and an admin get 404). Put back, the
    event is the booking's again."""
    membership, calendar_url = host_with_target
    booking = book(membership)
    run_tasks()
    url = client.event_url(calendar_url, booking.ical_uid)
    text = caldav_server.get_ics(url)
    edited = text.replace("SUMMARY:Intro call with Ines Invitee", "SUMMARY:Mine now")
    caldav_server.put_ics(calendar_url, edited, name=url.rsplit("/", 1)[1].removesuffix(".ics"))
    booking_reschedule(booking=booking, start=booking.start + timedelta(days=1))
    run_tasks()
    assert str(the_event(caldav_server, calendar_url, booking.ical_uid)["SUMMARY"]) == "Mine now"
    row = CalendarEvent.objects.get(booking_id=booking.id)
    assert row.host_changed == CalendarEvent.HostChange.EDITED
    assert row.in_sync
    page_url = reverse("booking-detail", args=[booking.id])
    page = logged_in(membership).get(page_url)
    assert NOTE_EDITED in unescape(page.content.decode())
    put_back = reverse("calendars-event-put-back", args=[row.pk])
    assert f'action="{put_back}"' in page.content.decode()
    for other in (make_member(organization), make_member(organization, role=Membership.Role.ADMIN)):
        assert logged_in(other).post(put_back).status_code == 404
    assert run_tasks() == 0
    answer = logged_in(membership).post(put_back, {"next": page_url})
    assert answer.status_code == 302
    assert answer["Location"] == page_url
    run_tasks()
    assert NOTE_EDITED not in unescape(logged_in(membership).get(page_url).content.decode())
    event = the_event(caldav_server, calendar_url, booking.ical_uid)
    assert str(event["SUMMARY"]) == "Intro call with Ines Invitee"
    assert event.decoded("DTSTART") == booking.start + timedelta(days=1)
    row.refresh_from_db()
    assert row.host_changed == ""
    assert row.in_sync


def test_an_event_the_host_deleted_is_not_made_again(caldav_server, host_with_target):
    """The host deleted the event: a reschedule doesn't bring it back; the row says it was
    removed."""
    membership, calendar_url = host_with_target
    booking = book(membership)
    run_tasks()
    caldav_server.delete(client.event_url(calendar_url, booking.ical_uid))
    booking_reschedule(booking=booking, start=booking.start + timedelta(days=1))
    run_tasks()
    assert caldav_server.hrefs(calendar_url) == []
    row = CalendarEvent.objects.get(booking_id=booking.id)
    assert row.host_changed == CalendarEvent.HostChange.REMOVED
    page = logged_in(membership).get(reverse("booking-detail", args=[booking.id]))
    assert (
        "You removed this booking's event in your calendar; slotlink left it as you made it."
        in unescape(page.content.decode())
    )


def test_a_group_session_is_one_event_with_its_seats(caldav_server, host_with_target):
    """Two invitees booking one session make one event, under the session's invite UID,
    with both as attendees; one cancelling leaves the event with the other; the last
    cancelling removes it."""
    membership, calendar_url = host_with_target
    workshop = a_workshop(membership)
    start = next_free_starts(workshop)[0]
    first = booking_create(event_type=workshop, start=start, invitee=INVITEE)
    second = booking_create(
        event_type=workshop,
        start=start,
        invitee=Invitee(name="Otto Other", email="otto@example.org", time_zone="UTC"),
    )
    run_tasks()
    session = first.session
    assert session is not None
    assert second.session_id == session.id
    assert len(caldav_server.hrefs(calendar_url)) == 1
    event = the_event(caldav_server, calendar_url, session.ical_uid)
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert {"mailto:ines@example.org", "mailto:otto@example.org"} <= attendees
    assert str(event["SUMMARY"]).startswith("Workshop (2 of 3 seats booked")
    assert not CalendarEvent.objects.filter(booking_id__isnull=False).exists()
    booking_cancel(booking=first)
    run_tasks()
    event = the_event(caldav_server, calendar_url, session.ical_uid)
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert "mailto:ines@example.org" not in attendees
    assert "mailto:otto@example.org" in attendees
    second.refresh_from_db()
    booking_cancel(booking=second)
    run_tasks()
    assert caldav_server.hrefs(calendar_url) == []


def test_a_sessions_own_event_in_a_busy_calendar_leaves_its_seats_bookable(
    caldav_server, host_with_target
):
    """The calendar bookings are added to also counts as busy: the session's event slotlink
    wrote there doesn't make its time taken, so a second invitee still books a seat (the
    POST's live look at the server finds only slotlink's own event)."""
    membership, calendar_url = host_with_target
    ConnectedCalendar.objects.filter(url=calendar_url).update(is_busy=True)
    workshop = a_workshop(membership)
    start = next_free_starts(workshop)[0]
    first = booking_create(event_type=workshop, start=start, invitee=INVITEE)
    run_tasks()
    assert len(caldav_server.hrefs(calendar_url)) == 1
    second = booking_create(
        event_type=workshop,
        start=start,
        invitee=Invitee(name="Otto Other", email="otto@example.org", time_zone="UTC"),
    )
    assert second.session_id == first.session_id
    assert not second.calendar_not_checked
