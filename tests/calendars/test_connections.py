"""Calendar connections against real CalDAV servers (Radicale and Xandikos): connecting
lists the account's calendars, choices, a new password, removal, and what a refused
connection leaves behind (nothing)."""

from __future__ import annotations

import base64
import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from slotlink.calendars.client import CalDAVAccount, CredentialsRefused, calendars
from slotlink.calendars.models import BusyStretch, CalendarConnection, ConnectedCalendar
from slotlink.calendars.services.choices import ChoiceRefused, calendar_choices_save
from slotlink.calendars.services.connections import (
    AlreadyConnected,
    calendar_connection_broken,
    calendar_connection_create,
    calendar_connection_reconnect,
)
from slotlink.calendars.services.removal import calendar_connection_remove
from slotlink.conferencing.calendars import BusyTime, calendar_providers
from tests.calendars.connecting import calendar_named, connect
from tests.calendars.servers import CalDAVServer
from tests.factories import make_member

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 12, 14, 9, tzinfo=UTC)


def nothing_written() -> bool:
    return not CalendarConnection.objects.exists() and not ConnectedCalendar.objects.exists()


def test_connecting_lists_the_accounts_calendars_all_ticked_busy(
    caldav_server: CalDAVServer, member_membership
):
    """Connecting finds the account from the server's bare address and stores every
    calendar it lists, by name and URL, each counting as busy and none chosen for
    bookings; the connection is the host's, in their organization."""
    work = caldav_server.new_calendar("Work")
    home = caldav_server.new_calendar("Home")
    connection = connect(caldav_server, member_membership, label="Work account")
    stored = {c.url: c for c in connection.calendars.all()}
    assert {work, home} <= stored.keys()
    assert (stored[work].name, stored[home].name) == ("Work", "Home")
    assert all(c.is_busy and not c.is_target for c in stored.values())
    assert all(c.host_id == member_membership.user_id for c in stored.values())
    assert (connection.owner_id, connection.organization_id, connection.label) == (
        member_membership.user_id,
        member_membership.organization_id,
        "Work account",
    )
    assert connection.is_connected
    assert connection.server_url.startswith(caldav_server.base_url)


def test_a_wrong_password_is_refused_in_words_and_writes_nothing(
    caldav_server: CalDAVServer, member_membership
):
    """The server's 401 comes back as CredentialsRefused with words for the host, and no
    connection or calendar is stored."""
    with pytest.raises(CredentialsRefused) as refused:
        calendar_connection_create(
            organization=member_membership.organization,
            owner=member_membership.user,
            address=caldav_server.base_url,
            username=caldav_server.username,
            password="not the password",
        )
    assert refused.value.words
    assert nothing_written()


def test_the_same_account_twice_is_refused(caldav_server: CalDAVServer, member_membership):
    """Connecting an account the host already connected (typed another way: its
    principal URL) is refused, and the first connection stays the only one."""
    first = connect(caldav_server, member_membership)
    with pytest.raises(AlreadyConnected):
        calendar_connection_create(
            organization=member_membership.organization,
            owner=member_membership.user,
            address=caldav_server.principal_url,
            username=caldav_server.username,
            password=caldav_server.password,
        )
    assert list(CalendarConnection.objects.all()) == [first]


def test_the_password_is_encrypted_in_the_database(caldav_server: CalDAVServer, member_membership):
    """The raw column holds a ciphertext that contains no part of the password, and the
    model reads the password back for the client."""
    connection = connect(caldav_server, member_membership)
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT password FROM calendars_calendarconnection WHERE id = %s", [connection.id]
        )
        (raw,) = cursor.fetchone()
    assert raw
    assert caldav_server.password not in raw
    assert "horse" not in raw
    assert CalendarConnection.objects.get().password == caldav_server.password


def test_the_password_is_in_no_log(caldav_server: CalDAVServer, member_membership, caplog):
    """Connecting, a refused password and Reconnect log at every level without the
    password, plain or in a Basic authorization header."""
    caplog.set_level(logging.DEBUG)
    connection = connect(caldav_server, member_membership)
    with pytest.raises(CredentialsRefused):
        calendar_connection_reconnect(connection=connection, password="a wrong secret")
    calendar_connection_reconnect(connection=connection, password=caldav_server.password)
    assert caplog.records
    basic = base64.b64encode(f"{caldav_server.username}:{caldav_server.password}".encode())
    logged = "\n".join(
        [
            caplog.text,
            *(repr(r.args) for r in caplog.records),
            *(repr(r.__dict__) for r in caplog.records),
        ]
    )
    for secret in [caldav_server.password, "a wrong secret", basic.decode()]:
        assert secret not in logged


def test_rotating_the_keys_re_encrypts_the_password(
    caldav_server: CalDAVServer, member_membership, settings
):
    """After a new key is put first, `rotate_encryption_keys` re-encrypts the stored
    password, which still reads back once the old key is dropped."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    connect(caldav_server, member_membership)
    settings.ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.ENCRYPTION_KEYS = [new]
    assert CalendarConnection.objects.get().password == caldav_server.password


def test_choices_tick_busy_and_pick_one_target(caldav_server: CalDAVServer, member_membership):
    """Unticked calendars stop counting as busy and lose their cached stretches and change
    markers; the chosen calendar is the only one bookings are added to."""
    work = caldav_server.new_calendar("Work")
    home = caldav_server.new_calendar("Home")
    connection = connect(caldav_server, member_membership)
    work_calendar, home_calendar = (
        calendar_named(connection, work),
        calendar_named(connection, home),
    )
    ConnectedCalendar.objects.filter(id=home_calendar.id).update(ctag="c1", sync_token="t1")
    BusyStretch.objects.create(
        calendar=home_calendar,
        host=member_membership.user,
        start=MONDAY,
        end=MONDAY + timedelta(hours=1),
    )
    calendar_choices_save(
        connection=connection, busy_ids=[work_calendar.id], target_id=work_calendar.id
    )
    busy = set(ConnectedCalendar.objects.filter(is_busy=True).values_list("url", flat=True))
    assert work in busy
    assert home not in busy
    assert list(ConnectedCalendar.objects.filter(is_target=True).values_list("url", flat=True)) == [
        work
    ]
    home_calendar.refresh_from_db()
    assert (home_calendar.ctag, home_calendar.sync_token) == ("", "")
    assert not BusyStretch.objects.exists()

    calendar_choices_save(
        connection=connection, busy_ids=[work_calendar.id], target_id=home_calendar.id
    )
    assert list(ConnectedCalendar.objects.filter(is_target=True).values_list("url", flat=True)) == [
        home
    ]
    calendar_choices_save(connection=connection, busy_ids=[], target_id=None)
    assert not ConnectedCalendar.objects.filter(is_target=True).exists()
    assert not ConnectedCalendar.objects.filter(is_busy=True).exists()


def test_a_choice_of_another_connections_calendar_is_refused(
    radicale_server: CalDAVServer, xandikos_server: CalDAVServer, member_membership, settings
):
    """A choice naming a calendar of another connection is refused and changes nothing."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    work = connect(radicale_server, member_membership)
    personal = connect(xandikos_server, member_membership)
    theirs = personal.calendars.first()
    before = list(ConnectedCalendar.objects.values_list("id", "is_busy", "is_target"))
    with pytest.raises(ChoiceRefused):
        calendar_choices_save(connection=work, busy_ids=[theirs.id], target_id=None)
    with pytest.raises(ChoiceRefused):
        calendar_choices_save(connection=work, busy_ids=[], target_id=theirs.id)
    assert list(ConnectedCalendar.objects.values_list("id", "is_busy", "is_target")) == before


def test_several_connections_share_one_target(
    radicale_server: CalDAVServer, xandikos_server: CalDAVServer, member_membership, settings
):
    """A host connects a work and a personal account; picking a target in one moves it
    from the other, and saving the other with none leaves it where it is."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    work = connect(radicale_server, member_membership, label="Work")
    personal = connect(xandikos_server, member_membership, label="Personal")
    assert CalendarConnection.objects.filter(owner=member_membership.user).count() == 2
    work_calendar = work.calendars.first()
    personal_calendar = personal.calendars.first()
    calendar_choices_save(connection=work, busy_ids=[work_calendar.id], target_id=work_calendar.id)
    calendar_choices_save(
        connection=personal, busy_ids=[personal_calendar.id], target_id=personal_calendar.id
    )
    assert list(ConnectedCalendar.objects.filter(is_target=True)) == [personal_calendar]
    calendar_choices_save(connection=work, busy_ids=[work_calendar.id], target_id=None)
    assert list(ConnectedCalendar.objects.filter(is_target=True)) == [personal_calendar]


def test_reconnect_takes_a_new_password_and_keeps_the_choices(
    caldav_server: CalDAVServer, member_membership
):
    """A connection whose password the server stopped taking is broken with the server's
    words; a wrong new password changes nothing; the right one is stored (checked with the
    server first), the problem is cleared and the ticks and target stay."""
    calendar_url = caldav_server.new_calendar("Work")
    connection = connect(caldav_server, member_membership)
    chosen = calendar_named(connection, calendar_url)
    calendar_choices_save(connection=connection, busy_ids=[chosen.id], target_id=chosen.id)
    CalendarConnection.objects.filter(id=connection.id).update(password="revoked")
    stale = CalendarConnection.objects.get()
    with pytest.raises(CredentialsRefused) as refused:
        calendars(CalDAVAccount(stale.server_url, stale.username, stale.password))
    calendar_connection_broken(connection=stale, error=refused.value)
    stale.refresh_from_db()
    assert not stale.is_connected
    assert stale.problem_detail == refused.value.words

    with pytest.raises(CredentialsRefused):
        calendar_connection_reconnect(connection=stale, password="also wrong")
    stale.refresh_from_db()
    assert (stale.password, stale.is_connected) == ("revoked", False)

    calendar_connection_reconnect(connection=stale, password=caldav_server.password)
    stale.refresh_from_db()
    assert stale.is_connected
    assert (stale.problem_detail, stale.broken_at) == ("", None)
    assert stale.password == caldav_server.password
    chosen.refresh_from_db()
    assert (chosen.is_busy, chosen.is_target) == (True, True)


def test_reconnect_adds_new_calendars_and_drops_removed_ones(
    caldav_server: CalDAVServer, member_membership
):
    """Calendars made on the server since connecting are added on Reconnect (busy), and
    those deleted there are dropped with their stretches."""
    gone = caldav_server.new_calendar("Old")
    connection = connect(caldav_server, member_membership)
    gone_calendar = calendar_named(connection, gone)
    BusyStretch.objects.create(
        calendar=gone_calendar,
        host=member_membership.user,
        start=MONDAY,
        end=MONDAY + timedelta(hours=1),
    )
    caldav_server.delete(gone)
    fresh = caldav_server.new_calendar("New")
    calendar_connection_reconnect(connection=connection, password=caldav_server.password)
    urls = set(connection.calendars.values_list("url", flat=True))
    assert fresh in urls
    assert gone not in urls
    assert calendar_named(connection, fresh).is_busy
    assert not BusyStretch.objects.exists()


def test_removing_a_connection_deletes_its_calendars_and_busy_stretches(
    radicale_server: CalDAVServer, xandikos_server: CalDAVServer, member_membership, settings
):
    """Removal takes the connection's calendars and cached busy stretches (and its stored
    password) and leaves the host's other connection as it was."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    work = connect(radicale_server, member_membership)
    personal = connect(xandikos_server, member_membership)
    for calendar in ConnectedCalendar.objects.all():
        BusyStretch.objects.create(
            calendar=calendar,
            host=member_membership.user,
            start=MONDAY,
            end=MONDAY + timedelta(hours=1),
        )
    kept = set(personal.calendars.values_list("id", flat=True))
    calendar_connection_remove(connection=work)
    assert list(CalendarConnection.objects.all()) == [personal]
    assert set(ConnectedCalendar.objects.values_list("id", flat=True)) == kept
    assert set(BusyStretch.objects.values_list("calendar_id", flat=True)) == kept


def test_the_provider_gives_the_hosts_busy_times_from_ticked_calendars_only(
    caldav_server: CalDAVServer, organization, member_membership
):
    """The registered CalDAV provider answers busy times from the cache: the host's
    stretches that overlap the window, from ticked calendars, never a co-worker's."""
    (provider,) = [p for p in calendar_providers() if p.name == "caldav"]
    ticked_url = caldav_server.new_calendar("Ticked")
    unticked_url = caldav_server.new_calendar("Unticked")
    connection = connect(caldav_server, member_membership)
    ticked, unticked = (
        calendar_named(connection, ticked_url),
        calendar_named(connection, unticked_url),
    )
    ConnectedCalendar.objects.filter(id=unticked.id).update(is_busy=False)
    coworker = make_member(organization)
    theirs = connect(caldav_server, coworker).calendars.first()
    hour = timedelta(hours=1)
    for calendar, host, start in [
        (ticked, member_membership.user, MONDAY),
        (ticked, member_membership.user, MONDAY + 5 * hour),  # after the window
        (unticked, member_membership.user, MONDAY + hour),
        (theirs, coworker.user, MONDAY + 2 * hour),
    ]:
        BusyStretch.objects.create(calendar=calendar, host=host, start=start, end=start + hour)
    busy = provider.busy_times(
        host_id=member_membership.user_id, since=MONDAY - hour, until=MONDAY + 4 * hour
    )
    assert busy == [BusyTime(MONDAY, MONDAY + hour)]
