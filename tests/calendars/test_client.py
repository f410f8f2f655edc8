"""calendars/client.py against real CalDAV servers (each test runs on Radicale and on
Xandikos): discovery, the failures a host can meet and their words, listing calendars,
reading events by time range, change detection, and exactly-once event writes."""

import pytest

from slotlink.calendars import client
from slotlink.calendars.client import (
    CalDAVAccount,
    CredentialsRefused,
    NotCalDAV,
    ServerUnreachable,
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
