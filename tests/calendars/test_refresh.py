"""The background refresh of a calendar connection, against real CalDAV servers: cheap when
nothing changed (one PROPFIND per ticked calendar, no stretch written), a full read when
something did, and a broken connection shown to its owner and emailed to them once per
break, cleared by the next refresh that works."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from slotlink.calendars.models import BusyStretch, CalendarConnection, ConnectedCalendar
from slotlink.calendars.problems import Problem
from slotlink.calendars.refresh import connection_refresh
from slotlink.calendars.services.choices import calendar_choices_save
from slotlink.calendars.tasks import calendars_refresh_due
from slotlink.core import outbound
from tests.calendars.busy_calendar import BERLIN, at, connect_one, days_ahead, event_ics
from tests.factories import make_member
from tests.scheduling.builders import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(organization):
    return make_member(
        organization, time_zone="Europe/Berlin", full_name="Hana Host", email="hana@example.test"
    )


@pytest.fixture
def requests_made(monkeypatch) -> list[tuple[str, str]]:
    """Every HTTP exchange with a calendar server, as (method, url), in order."""
    made: list[tuple[str, str]] = []
    exchange = outbound.Outbound._exchange

    def counted(self, method, url, *args, **kwargs):
        made.append((method, url))
        return exchange(self, method, url, *args, **kwargs)

    monkeypatch.setattr(outbound.Outbound, "_exchange", counted)
    return made


def stretches_of(host) -> list[tuple[int, object, object]]:
    return list(BusyStretch.objects.filter(host=host).values_list("id", "start", "end"))


def test_a_refresh_with_nothing_changed_asks_only_the_tags_and_writes_no_stretch(
    caldav_server, membership, requests_made
):
    """After a full read, a second refresh makes one PROPFIND of the calendar's ctag and
    sync token and nothing else, and leaves its stretches and markers as they were; once
    an event is added, the next refresh reads the calendar again."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    day = days_ahead(2)
    caldav_server.put_ics(calendar_url, event_ics(at(day, 10), at(day, 11)))
    assert connection_refresh(connection_id=connection.id).read == 1
    kept = stretches_of(membership.user)
    assert [(start, end) for _, start, end in kept] == [(at(day, 10), at(day, 11))]
    calendar = ConnectedCalendar.objects.get(connection=connection, is_busy=True)

    requests_made.clear()
    assert connection_refresh(connection_id=connection.id).unchanged == 1
    assert requests_made == [("PROPFIND", calendar_url)]
    assert stretches_of(membership.user) == kept
    again = ConnectedCalendar.objects.get(id=calendar.id)
    assert (again.ctag, again.sync_token, again.refreshed_at) == (
        calendar.ctag,
        calendar.sync_token,
        calendar.refreshed_at,
    )

    caldav_server.put_ics(calendar_url, event_ics(at(day, 14), at(day, 15)))
    assert connection_refresh(connection_id=connection.id).read == 1
    assert [(s, e) for _, s, e in stretches_of(membership.user)] == [
        (at(day, 10), at(day, 11)),
        (at(day, 14), at(day, 15)),
    ]


def test_a_broken_connection_is_shown_and_emailed_once_and_clears_when_it_works(
    client, caldav_server, membership
):
    """The server refusing the password over two refreshes marks the connection broken
    with the server's words, on the owner's Calendars page, and emails them once; the
    next refresh the server accepts clears it."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    CalendarConnection.objects.filter(id=connection.id).update(password="not the password")
    for _ in range(2):
        assert connection_refresh(connection_id=connection.id).error is not None
        run_queued_tasks()
    broken = CalendarConnection.objects.get(id=connection.id)
    assert broken.problem_code == Problem.CREDENTIALS_REFUSED
    assert broken.problem_detail
    told = [email for email in mail.outbox if email.to == ["hana@example.test"]]
    assert len(told) == 1
    assert "Connection broken" in told[0].body
    client.force_login(membership.user)
    page = client.get("/360/integrations/calendars/").content.decode()
    assert "Connection broken" in page

    CalendarConnection.objects.filter(id=connection.id).update(password=caldav_server.password)
    assert connection_refresh(connection_id=connection.id).error is None
    run_queued_tasks()
    fixed = CalendarConnection.objects.get(id=connection.id)
    assert (fixed.problem_code, fixed.problem_detail, fixed.broken_at) == (Problem.NONE, "", None)
    assert fixed.checked_at is not None
    assert len(mail.outbox) == 1
    assert "Connection broken" not in client.get("/360/integrations/calendars/").content.decode()


def test_the_periodic_job_refreshes_each_due_connection_once_a_period(
    caldav_server, membership, settings
):
    """Run every minute, the job refreshes a connection not refreshed within
    CALENDAR_REFRESH_SECONDS, and leaves it alone until that much has passed again."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    day = days_ahead(2)
    caldav_server.put_ics(calendar_url, event_ics(at(day, 10), at(day, 11)))
    calendars_refresh_due.call()
    run_queued_tasks()
    assert [(s, e) for _, s, e in stretches_of(membership.user)] == [(at(day, 10), at(day, 11))]
    caldav_server.put_ics(calendar_url, event_ics(at(day, 14), at(day, 15)))
    calendars_refresh_due.call()
    run_queued_tasks()
    assert len(stretches_of(membership.user)) == 1  # not due yet
    CalendarConnection.objects.filter(id=connection.id).update(
        tried_at=timezone.now() - timedelta(seconds=settings.CALENDAR_REFRESH_SECONDS)
    )
    calendars_refresh_due.call()
    run_queued_tasks()
    assert len(stretches_of(membership.user)) == 2


def test_the_calendars_page_shows_how_old_the_busy_times_are(client, caldav_server, membership):
    """The owner reads "Busy times as of HH:MM" (their zone) from the last good refresh,
    and a warning once that is older than twice the refresh period."""
    calendar_url = caldav_server.new_calendar()
    connection = connect_one(caldav_server, membership, calendar_url)
    client.force_login(membership.user)
    assert "busy times not read yet" in client.get("/360/integrations/calendars/").content.decode()
    connection_refresh(connection_id=connection.id)
    checked_at = CalendarConnection.objects.get(id=connection.id).checked_at
    page = client.get("/360/integrations/calendars/").content.decode()
    assert f"Busy times as of {checked_at.astimezone(BERLIN):%H:%M}" in page
    assert "older than the 10 minutes" not in page

    CalendarConnection.objects.filter(id=connection.id).update(
        checked_at=checked_at - timedelta(minutes=11)
    )
    page = client.get("/360/integrations/calendars/").content.decode()
    assert "These busy times are older than the 10 minutes slotlink keeps them within" in page


def test_connecting_or_ticking_a_calendar_reads_its_busy_times_at_once(caldav_server, membership):
    """A new connection's busy times are read by a task queued with it, not at the next
    periodic turn; so are those of a calendar ticked again later."""
    calendar_url = caldav_server.new_calendar()
    day = days_ahead(2)
    caldav_server.put_ics(calendar_url, event_ics(at(day, 10), at(day, 11)))
    connection = connect_one(caldav_server, membership, calendar_url)
    run_queued_tasks()
    assert [(s, e) for _, s, e in stretches_of(membership.user)] == [(at(day, 10), at(day, 11))]

    calendar = ConnectedCalendar.objects.get(connection=connection, url=calendar_url)
    calendar_choices_save(connection=connection, busy_ids=[], target_id=None)
    assert stretches_of(membership.user) == []
    calendar_choices_save(connection=connection, busy_ids=[calendar.id], target_id=None)
    run_queued_tasks()
    assert len(stretches_of(membership.user)) == 1
