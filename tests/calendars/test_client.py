"""calendars/client.py against real CalDAV servers (each test runs on Radicale and on
Xandikos): discovery, the failures a host can meet and their words, listing calendars,
reading events by time range, change detection, and exactly-once event writes."""

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from slotlink.calendars import client
from slotlink.calendars.client import (
    CalDAVAccount,
    CredentialsRefused,
    EventChanged,
    NotCalDAV,
    ServerUnreachable,
    SyncTokenRefused,
)
from tests.calendars.servers import CalDAVServer
from tests.local_http import Reply, local_http
from tests.ports import free_port


def account_of(server: CalDAVServer) -> CalDAVAccount:
    return client.discover(server.base_url, server.username, server.password)


def test_discovery_finds_the_calendar_home_from_the_server_address(caldav_server):
    """The server's bare address (with or without a trailing slash) leads, through
    /.well-known/caldav or the root, to the user's principal and their calendar home."""
    for address in (caldav_server.base_url, caldav_server.base_url + "/"):
        account = client.discover(address, caldav_server.username, caldav_server.password)
        assert account.url == caldav_server.home_url
        assert (account.username, account.password) == ("ada", caldav_server.password)


def test_discovery_finds_the_calendar_home_from_the_principal_url(caldav_server):
    """A host who pastes their principal's URL (or the home's) gets the same account."""
    for address in (caldav_server.principal_url, caldav_server.home_url):
        account = client.discover(address, caldav_server.username, caldav_server.password)
        assert account.url == caldav_server.home_url


def test_a_wrong_password_is_refused_in_words(caldav_server):
    """A wrong app password is CredentialsRefused, with words for the host that do not
    repeat the password."""
    with pytest.raises(CredentialsRefused) as refused:
        client.discover(caldav_server.base_url, caldav_server.username, "not the password")
    assert refused.value.words == "The server refused the username or app password."
    assert "not the password" not in repr(refused.value)


def test_the_password_is_never_in_an_accounts_repr(caldav_server):
    """An account printed in a log or a traceback shows no password."""
    account = account_of(caldav_server)
    assert caldav_server.password not in repr(account)
    assert caldav_server.password not in str(account)


def test_a_web_server_that_is_not_caldav_is_named_so(settings):
    """A plain web server (it answers every request with a page) is NotCalDAV."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    page = Reply(200, b"<html><body>Welcome</body></html>", {"Content-Type": "text/html"})
    with local_http(lambda request: page) as web, pytest.raises(NotCalDAV) as refused:
        client.discover(web.url, "ada", "secret")
    assert refused.value.words.startswith("127.0.0.1 doesn't look like a CalDAV server")
    assert {seen.method for seen in web.seen} == {"PROPFIND"}


def test_a_server_that_is_down_is_unreachable(settings):
    """Nothing listening at the address: ServerUnreachable, naming the host."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    with pytest.raises(ServerUnreachable) as failed:
        client.discover(f"http://127.0.0.1:{free_port()}/", "ada", "secret")
    assert (
        failed.value.words == "slotlink couldn't reach 127.0.0.1: nothing answered at that address."
    )


def test_the_calendars_are_listed_with_name_color_and_tags(caldav_server):
    """calendars() lists each event calendar in the home with its name, its color as
    #rrggbb, that slotlink may write to it, and its ctag and sync token."""
    work = caldav_server.new_calendar("Work", "#3366CCFF")
    home = caldav_server.new_calendar("Home", "#aa0000")
    listed = {c.url: c for c in client.calendars(account_of(caldav_server))}
    assert (listed[work].name, listed[work].color) == ("Work", "#3366cc")
    assert (listed[home].name, listed[home].color) == ("Home", "#aa0000")
    for calendar in (listed[work], listed[home]):
        assert calendar.can_write
        assert calendar.ctag or calendar.sync_token
    assert client.state(account_of(caldav_server), work) == (
        listed[work].ctag,
        listed[work].sync_token,
    )


def event(uid: str, start: str, end: str, *, extra: str = "", summary: str = "Busy") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slotlink tests//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261201T090000Z\r\n"
        f"DTSTART:{start}\r\nDTEND:{end}\r\n{extra}SUMMARY:{summary}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def hrefs(server: CalDAVServer, calendar: str) -> list[str]:
    """The calendar's event URLs, "@" written as such (servers differ: %40 or @)."""
    return [unquote(h) for h in server.hrefs(calendar)]


def uids(texts: list[str]) -> set[str]:
    return {
        line.split(":", 1)[1].strip()
        for text in texts
        for line in text.splitlines()
        if line.startswith("UID:")
    }


WEEK_OF_DEC_14 = (datetime(2026, 12, 14, tzinfo=UTC), datetime(2026, 12, 21, tzinfo=UTC))


def test_events_between_returns_the_events_touching_the_range(caldav_server):
    """Events inside the range, overlapping its start, and a weekly event that began weeks
    earlier (its master, with the rule) come back; events wholly before or after it, and
    a recurring event whose series ended before it, don't."""
    calendar = caldav_server.new_calendar()
    for ics in (
        event("inside", "20261215T100000Z", "20261215T110000Z"),
        event("overlapping-start", "20261213T230000Z", "20261214T010000Z"),
        event("weekly", "20261102T090000Z", "20261102T093000Z", extra="RRULE:FREQ=WEEKLY\r\n"),
        event("before", "20261213T100000Z", "20261213T110000Z"),
        event("after", "20261221T000000Z", "20261221T010000Z"),
        event(
            "ended",
            "20261102T090000Z",
            "20261102T093000Z",
            extra="RRULE:FREQ=WEEKLY;UNTIL=20261201T000000Z\r\n",
        ),
    ):
        caldav_server.put_ics(calendar, ics)
    texts = client.events_between(account_of(caldav_server), calendar, *WEEK_OF_DEC_14)
    assert uids(texts) == {"inside", "overlapping-start", "weekly"}
    weekly = next(t for t in texts if "UID:weekly" in t)
    assert "RRULE:FREQ=WEEKLY" in weekly


def test_the_calendars_tags_change_with_its_events_and_only_then(caldav_server):
    """state() gives the same ctag and sync token while nothing changes, and new ones
    after an event is added."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    before = client.state(account, calendar)
    assert client.state(account, calendar) == before
    caldav_server.put_ics(calendar, event("new", "20261215T100000Z", "20261215T110000Z"))
    after = client.state(account, calendar)
    assert after[0] != before[0] or not before[0]
    assert after[1] != before[1] or not before[1]
    assert after != before
    assert client.state(account, calendar) == after


def test_changes_since_a_sync_token_are_the_added_changed_and_removed_events(caldav_server):
    """changes_since() with the last token lists what was added (with its text), then what
    was removed, each time with a new token; with nothing changed, nothing."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    _, token = client.state(account, calendar)
    href = caldav_server.put_ics(calendar, event("one", "20261215T100000Z", "20261215T110000Z"))
    added = client.changes_since(account, calendar, token)
    assert [h for h, _ in added.changed] == [href]
    assert uids([ics for _, ics in added.changed]) == {"one"}
    assert added.deleted == []
    assert added.sync_token != token
    unchanged = client.changes_since(account, calendar, added.sync_token)
    assert (unchanged.changed, unchanged.deleted) == ([], [])
    caldav_server.delete(href)
    removed = client.changes_since(account, calendar, unchanged.sync_token)
    assert (removed.changed, removed.deleted) == ([], [href])


def test_a_sync_token_the_server_doesnt_know_is_refused(caldav_server):
    """A token the server never gave is SyncTokenRefused (the caller reads in full)."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    _, token = client.state(account, calendar)
    with pytest.raises(SyncTokenRefused):
        client.changes_since(account, calendar, token + "-not-issued")


def test_a_create_is_written_once_however_often_it_is_tried(caldav_server):
    """event_put without an etag creates with If-None-Match: *: a second try (a retry
    after a timeout, say) is EventChanged, and the calendar holds the first write once."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    uid = "booking-1@slotlink.test"
    first = event(uid, "20261215T100000Z", "20261215T110000Z", summary="First")
    etag = client.event_put(account, calendar, uid, first)
    assert etag
    with pytest.raises(EventChanged):
        client.event_put(account, calendar, uid, first.replace("First", "Second"))
    url = client.event_url(calendar, uid)
    assert hrefs(caldav_server, calendar) == [url]
    assert "SUMMARY:First" in (caldav_server.get_ics(url) or "")
    got = client.event_get(account, calendar, uid)
    assert got is not None
    assert "SUMMARY:First" in got[0]
    assert got[1] == etag


def test_a_change_with_a_stale_etag_is_refused_and_leaves_the_hosts_edit(caldav_server):
    """event_put with the etag slotlink last saw replaces its event (If-Match) and gives a
    new etag; once the host edited the event in their calendar, the old etag is
    EventChanged and the host's edit stays."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    uid = "booking-2@slotlink.test"
    etag = client.event_put(
        account, calendar, uid, event(uid, "20261215T100000Z", "20261215T110000Z")
    )
    moved = client.event_put(
        account, calendar, uid, event(uid, "20261216T100000Z", "20261216T110000Z"), etag
    )
    assert moved != etag
    assert "DTSTART:20261216T100000Z" in client.event_get(account, calendar, uid)[0]  # type: ignore[index]
    url = client.event_url(calendar, uid)
    name = url.rsplit("/", 1)[1].removesuffix(".ics")
    caldav_server.put_ics(
        calendar, event(uid, "20261216T100000Z", "20261216T110000Z", summary="Host's"), name=name
    )
    with pytest.raises(EventChanged):
        client.event_put(
            account, calendar, uid, event(uid, "20261217T100000Z", "20261217T110000Z"), moved
        )
    assert "SUMMARY:Host's" in (caldav_server.get_ics(url) or "")


def test_a_delete_removes_only_the_version_slotlink_saw(caldav_server):
    """event_delete with a stale etag is EventChanged and removes nothing; with the
    current one the event is gone; a second delete finds nothing (False), and
    event_get then gives None."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    uid = "booking-3@slotlink.test"
    first = client.event_put(
        account, calendar, uid, event(uid, "20261215T100000Z", "20261215T110000Z")
    )
    current = client.event_put(
        account, calendar, uid, event(uid, "20261215T120000Z", "20261215T130000Z"), first
    )
    with pytest.raises(EventChanged):
        client.event_delete(account, calendar, uid, first)
    assert hrefs(caldav_server, calendar) == [client.event_url(calendar, uid)]
    assert client.event_delete(account, calendar, uid, current) is True
    assert hrefs(caldav_server, calendar) == []
    assert client.event_delete(account, calendar, uid, current) is False
    assert client.event_get(account, calendar, uid) is None


def test_a_sync_names_slotlinks_events_by_their_event_url(caldav_server):
    """An event slotlink wrote shows up in changes_since() under event_url(), however the
    server spells its href (Radicale writes "@" as %40; a space is %20 or not), and so
    does its removal."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    _, token = client.state(account, calendar)
    uid = "booking 4@slotlink.test"
    etag = client.event_put(
        account, calendar, uid, event(uid, "20261215T100000Z", "20261215T110000Z")
    )
    added = client.changes_since(account, calendar, token)
    assert [href for href, _ in added.changed] == [client.event_url(calendar, uid)]
    client.event_delete(account, calendar, uid, etag)
    removed = client.changes_since(account, calendar, added.sync_token)
    assert removed.deleted == [client.event_url(calendar, uid)]


def test_a_calendar_removed_from_the_server_is_named_so(caldav_server):
    """Once the host deletes a calendar on the server, reading it is NotCalDAV with words
    saying it is gone, and the account lists its other calendars without it."""
    account = account_of(caldav_server)
    calendar = caldav_server.new_calendar()
    caldav_server.delete(calendar)
    with pytest.raises(NotCalDAV) as gone:
        client.state(account, calendar)
    assert gone.value.words == f"The calendar at {calendar} is no longer on 127.0.0.1."
    with pytest.raises(NotCalDAV, match=r"is no longer on 127\.0\.0\.1"):
        client.events_between(account, calendar, *WEEK_OF_DEC_14)
    assert calendar not in {c.url for c in client.calendars(account)}
