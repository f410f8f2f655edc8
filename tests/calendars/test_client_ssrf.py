"""The server address is typed by a user, so calendars/client.py connects only where the
operator allows (ALLOW_PRIVATE_NETWORKS off here): loopback, private addresses, names
that resolve to them and redirects to them are refused before anything is sent there.

Each refused server is a real one on loopback that would answer, so a missing check
would show as a request it received (or as a different error)."""

import socket

import pytest

from slotlink.calendars import client
from slotlink.calendars.client import AddressRefused
from slotlink.core.outbound import AddressPolicy
from tests.local_http import Reply, local_http


@pytest.fixture(autouse=True)
def private_networks_refused(settings):
    settings.ALLOW_PRIVATE_NETWORKS = False


@pytest.fixture
def caldav_looking():
    """A loopback server answering every request as a CalDAV server would, with a
    principal and a calendar home (were it reached, discovery would succeed)."""
    body = (
        b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" '
        b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:response><D:href>/ada/</D:href>'
        b"<D:propstat><D:prop><D:current-user-principal><D:href>/ada/</D:href>"
        b"</D:current-user-principal><C:calendar-home-set><D:href>/ada/</D:href>"
        b"</C:calendar-home-set></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>"
        b"</D:response></D:multistatus>"
    )
    reply = Reply(207, body, {"Content-Type": "application/xml; charset=utf-8"})
    with local_http(lambda request: reply) as server:
        yield server


def test_the_fixture_server_would_be_discovered_if_allowed(caldav_looking):
    """With its exact address allowed, the loopback server is discovered: so the refusals
    below are the address check's doing, not a broken server."""
    only_it = AddressPolicy(exceptions=frozenset({("127.0.0.1", caldav_looking.port)}))
    account = client.discover(caldav_looking.url, "ada", "secret", policy=only_it)
    assert account.url == f"http://127.0.0.1:{caldav_looking.port}/ada/"


@pytest.mark.parametrize("host", ["127.0.0.1", "[::ffff:127.0.0.1]", "localhost"])
def test_loopback_is_refused_by_address_and_by_name(caldav_looking, host):
    """A server on slotlink's own machine is refused, written as an address or as a name
    that resolves to loopback; nothing reaches it, and the words say why."""
    with pytest.raises(AddressRefused) as refused:
        client.discover(f"http://{host}:{caldav_looking.port}/", "ada", "secret")
    assert "it is a private or local network address" in refused.value.words
    assert caldav_looking.seen == []


def test_an_email_domain_resolving_to_loopback_is_refused():
    """An email address stands for its domain; one whose name resolves to loopback is
    refused like the address itself (nothing is sent to https://localhost/)."""
    with pytest.raises(AddressRefused, match="doesn't connect to localhost"):
        client.discover("ada@localhost", "ada", "secret")


@pytest.mark.parametrize("host", ["10.1.2.3", "192.168.0.10", "172.16.5.4", "[fd12::1]"])
def test_private_addresses_are_refused(host):
    """A private network address is refused before a connection is tried (were one
    tried, it would time out instead)."""
    with pytest.raises(AddressRefused, match="private or local network address"):
        client.discover(f"http://{host}/", "ada", "secret", timeout=2)


@pytest.mark.parametrize("address", ["10.20.30.40", "192.168.1.5", "fd00::5"])
def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch, address):
    """A public-looking name whose DNS answer is a private address (an intranet server, or
    DNS rebinding) is refused like the address, before any connection. Nothing here
    resolves a name to a private address, so the resolver (outside slotlink) is replaced
    for that one name; every other name resolves as usual."""
    resolve = socket.getaddrinfo
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def intranet_dns(host, port, *args, **kwargs):
        if host == "calendar.intranet.example":
            return [(family, socket.SOCK_STREAM, 6, "", (address, port or 443))]
        return resolve(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", intranet_dns)
    with pytest.raises(AddressRefused, match="private or local network address"):
        client.discover("https://calendar.intranet.example/", "ada", "secret", timeout=2)
    with pytest.raises(AddressRefused, match="private or local network address"):
        client.discover("ada@calendar.intranet.example", "ada", "secret", timeout=2)


def test_cloud_metadata_is_refused_even_with_private_networks_allowed(settings):
    """The cloud's metadata address, where instance credentials are handed out, is
    refused whatever the operator allows."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    with pytest.raises(AddressRefused, match="cloud metadata address"):
        client.discover("http://169.254.169.254/", "ada", "secret", timeout=2)


def test_a_redirect_to_a_private_address_is_refused(caldav_looking):
    """An allowed server whose /.well-known/caldav (and every other path) redirects to a
    private one gets the redirect refused: every hop is checked where it connects. The
    password goes to the allowed server only."""
    target = caldav_looking.url
    with local_http(lambda request: Reply(301, headers={"Location": target})) as redirector:
        only_the_redirector = AddressPolicy(exceptions=frozenset({("127.0.0.1", redirector.port)}))
        with pytest.raises(AddressRefused, match="private or local network address"):
            client.discover(redirector.url, "ada", "secret", policy=only_the_redirector)
        assert redirector.seen[0].path == "/.well-known/caldav"
    assert caldav_looking.seen == []


def test_an_accounts_later_requests_are_checked_too(caldav_looking):
    """An account discovered while its server was allowed is refused once it isn't: each
    request checks the address again (calendars() here)."""
    only_it = AddressPolicy(exceptions=frozenset({("127.0.0.1", caldav_looking.port)}))
    account = client.discover(caldav_looking.url, "ada", "secret", policy=only_it)
    seen = len(caldav_looking.seen)
    with pytest.raises(AddressRefused):
        client.calendars(account)
    assert len(caldav_looking.seen) == seen
