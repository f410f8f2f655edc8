"""calendars/client.py when things go wrong between slotlink and the server: a server
that never answers, one that answers too much, XML with a DTD, a server erroring on every
path, a write whose answer is lost after the server stored it; and that no password ever
reaches a log."""

import base64
import logging

import httpx
import pytest

from slotlink.calendars import client
from slotlink.calendars.client import EventChanged, NotCalDAV, ServerUnreachable
from tests.calendars.test_client import account_of, event
from tests.local_http import Reply, Seen, local_http


@pytest.fixture
def private_allowed(settings):
    settings.ALLOW_PRIVATE_NETWORKS = True


def test_a_server_that_never_answers_is_unreachable_in_words(private_allowed):
    """A server that takes the request and says nothing is ServerUnreachable once the
    deadline passes, and the words say so."""
    with (
        local_http(lambda request: Reply(hang=True)) as silent,
        pytest.raises(ServerUnreachable) as failed,
    ):
        client.discover(silent.url, "ada", "secret", timeout=0.5)
    assert failed.value.words == (
        "slotlink couldn't reach 127.0.0.1: the server didn't answer within 0.5 seconds."
    )


def test_an_answer_over_the_size_cap_is_refused(private_allowed, monkeypatch):
    """An answer larger than the client's cap is not read whole: ServerUnreachable."""
    monkeypatch.setattr(client, "MAX_RESPONSE_BYTES", 4096)
    huge = Reply(207, b"<x>" + b"a" * 10_000 + b"</x>", {"Content-Type": "application/xml"})
    with local_http(lambda request: huge) as server, pytest.raises(ServerUnreachable) as failed:
        client.discover(server.url, "ada", "secret")
    assert "larger than 4096 bytes" in failed.value.words


def test_xml_with_a_dtd_is_refused_before_it_is_parsed(private_allowed):
    """An answer declaring entities (a "billion laughs" here) is NotCalDAV, unparsed."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<D:multistatus xmlns:D="DAV:"><D:response><D:href>&b;</D:href></D:response>'
        b"</D:multistatus>"
    )
    reply = Reply(207, laughs, {"Content-Type": "application/xml"})
    with local_http(lambda request: reply) as server, pytest.raises(NotCalDAV) as refused:
        client.discover(server.url, "ada", "secret")
    assert refused.value.words == "127.0.0.1 sent XML with a DTD, which slotlink doesn't read."


def test_a_server_erroring_on_every_path_is_unreachable_with_its_status(private_allowed):
    """Every path answering 503 is ServerUnreachable naming the status, after each of the
    usual paths was tried."""
    with (
        local_http(lambda request: Reply(503, b"down for maintenance")) as server,
        pytest.raises(ServerUnreachable) as failed,
    ):
        client.discover(server.url, "ada", "secret")
    assert failed.value.words == (
        "slotlink couldn't reach 127.0.0.1: it answered 503 Service Unavailable."
    )
    assert [seen.path for seen in server.seen] == [
        "/.well-known/caldav",
        "/",
        "/dav/",
        "/remote.php/dav/",
        "/caldav/",
    ]


def test_a_create_whose_answer_was_lost_is_not_written_twice(caldav_server):
    """A create the server stored but whose answer never came back (a timeout after the
    commit) is not repeated by a retry: the retry is EventChanged, and the calendar
    holds the first write once, for the caller to find with event_get."""
    calendar = caldav_server.new_calendar()
    uid = "booking-lost@slotlink.test"
    ics = event(uid, "20261215T100000Z", "20261215T110000Z")

    def store_then_hang(request: Seen) -> Reply:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        httpx.request(
            request.method,
            caldav_server.base_url + request.path,
            headers=headers,
            content=request.body,
        )
        return Reply(hang=True)

    account = account_of(caldav_server)
    with local_http(store_then_hang) as lossy:
        lossy_calendar = calendar.replace(caldav_server.base_url + "/", lossy.url)
        with pytest.raises(ServerUnreachable):
            client.event_put(account, lossy_calendar, uid, ics, timeout=1)
    with pytest.raises(EventChanged):
        client.event_put(account, calendar, uid, ics)
    stored = client.event_get(account, calendar, uid)
    assert stored is not None
    assert f"UID:{uid}" in stored[0]
    assert len(caldav_server.hrefs(calendar)) == 1


def test_no_password_reaches_the_logs(caldav_server, caplog):
    """With every logger at DEBUG (caldav's, which sets itself to WARNING unless
    PYTHON_CALDAV_DEBUGMODE says otherwise, and httpx's included), discovering with the
    right and a wrong password, listing, reading and writing log neither password, nor
    its Basic auth form: caldav never holds the credentials, Outbound sends them."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="caldav")
    wrong = "wrong horse battery staple"
    account = account_of(caldav_server)
    with pytest.raises(client.CredentialsRefused):
        client.discover(caldav_server.base_url, caldav_server.username, wrong)
    calendar = caldav_server.new_calendar()
    client.calendars(account)
    uid = "booking-log@slotlink.test"
    client.event_put(account, calendar, uid, event(uid, "20261215T100000Z", "20261215T110000Z"))
    client.event_get(account, calendar, uid)
    assert any(record.name == "caldav" for record in caplog.records)
    for password in (caldav_server.password, wrong):
        basic = base64.b64encode(f"{caldav_server.username}:{password}".encode()).decode()
        assert password not in caplog.text
        assert basic not in caplog.text


SYNC_WITHOUT_DATA = b"""<?xml version="1.0"?>
<D:multistatus xmlns:D="DAV:"><D:response><D:href>/cal/a%20b.ics</D:href>
<D:propstat><D:prop><D:getetag>"1"</D:getetag></D:prop>
<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
<D:sync-token>token-2</D:sync-token></D:multistatus>"""

MULTIGET_ANSWER = b"""<?xml version="1.0"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:response><D:href>/cal/a%20b.ics</D:href><D:propstat><D:prop><D:getetag>"1"</D:getetag>
<C:calendar-data>BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:ab\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n
</C:calendar-data></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
</D:multistatus>"""


def test_a_sync_without_calendar_data_fetches_the_events_by_multiget(private_allowed):
    """A server that lists a sync's changes without their data (RFC 6578 lets it) gets a
    calendar-multiget for them, with the hrefs as it wrote them, and the changes carry
    the texts."""

    def server(request: Seen) -> Reply:
        answer = MULTIGET_ANSWER if b"calendar-multiget" in request.body else SYNC_WITHOUT_DATA
        return Reply(207, answer, {"Content-Type": "application/xml"})

    with local_http(server) as dav:
        account = client.CalDAVAccount(dav.url, "ada", "secret")
        changes = client.changes_since(account, dav.url + "cal/", "token-1")
    assert [request.method for request in dav.seen] == ["REPORT", "REPORT"]
    assert b"<D:href>/cal/a%20b.ics</D:href>" in dav.seen[1].body
    assert [href for href, _ in changes.changed] == [dav.url + "cal/a%20b.ics"]
    assert "UID:ab" in changes.changed[0][1]
    assert changes.sync_token == "token-2"
