"""Outbound HTTP to URLs users type: refused addresses at connect time (also behind DNS
names and redirects), the operator's private-network setting, deadlines and size caps.

Each refusal is tried as a real request: were the check missing, the request to a local
server would be answered, and one to an unroutable address would time out instead."""

import ipaddress
import itertools
import time

import pytest

from slotlink.core.outbound import (
    AddressPolicy,
    AddressRefused,
    Outbound,
    ResponseTooLarge,
    TimedOut,
    Unreachable,
)
from tests.local_http import Reply, local_http
from tests.ports import free_port


@pytest.fixture
def hello():
    with local_http(lambda request: Reply(200, b"hello")) as server:
        yield server


def fetch(url: str, policy: AddressPolicy, **options) -> bytes:
    with Outbound(policy=policy, timeout=options.pop("timeout", 3), **options) as outbound:
        return outbound.request("GET", url).body


STRICT = AddressPolicy(allow_private=False)
PRIVATE_ALLOWED = AddressPolicy(allow_private=True)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",  # loopback
        "127.9.9.9",
        "[::1]",
        "[::ffff:127.0.0.1]",  # IPv4 loopback written as IPv6
        "[64:ff9b::7f00:1]",  # ... through NAT64
        "[2002:7f00:1::]",  # ... through 6to4
        "localhost",  # a name resolving to loopback
    ],
)
def test_loopback_is_refused_by_address_and_by_name(hello, host):
    """A server on this machine is not fetched, however its address is written; the words
    say which address was refused."""
    with pytest.raises(AddressRefused, match="private or local network address"):
        fetch(f"http://{host}:{hello.port}/", STRICT)
    assert hello.seen == []


@pytest.mark.parametrize(
    "host",
    [
        "10.1.2.3",
        "192.168.1.1",
        "172.16.0.1",
        "172.31.255.254",
        "100.64.0.1",  # shared address space (CGNAT)
        "169.254.10.10",  # link-local
        "[fc00::1]",  # unique local
        "[fd12:3456::1]",
        "[fe80::1]",  # link-local
        "0.0.0.0",  # noqa: S104 (an address being refused, not bound)
        "224.0.0.1",  # multicast
    ],
)
def test_private_link_local_and_reserved_addresses_are_refused(host):
    """Private, shared, link-local, unspecified and multicast addresses are refused before
    any connection is tried (were one tried, it would time out instead)."""
    with pytest.raises(AddressRefused):
        fetch(f"http://{host}/", STRICT, timeout=1)


def test_a_public_address_passes_the_check():
    """A global address is not refused (checked without connecting: the tests are offline)."""
    assert STRICT.refusal(ipaddress.ip_address("93.184.215.14"), 443) is None
    assert (
        STRICT.refusal(ipaddress.ip_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c"), 443) is None
    )


def test_private_networks_are_allowed_when_the_operator_allows_them(hello):
    """With private networks allowed, a server on loopback is fetched."""
    assert fetch(f"http://localhost:{hello.port}/", PRIVATE_ALLOWED) == b"hello"


@pytest.mark.parametrize(
    "host", ["169.254.169.254", "169.254.170.2", "100.100.100.200", "[fd00:ec2::254]"]
)
def test_cloud_metadata_is_refused_even_when_private_networks_are_allowed(host):
    """The metadata endpoints, where clouds hand out instance credentials, are refused
    whatever the operator allows."""
    with pytest.raises(AddressRefused, match="cloud metadata address"):
        fetch(f"http://{host}/latest/meta-data/", PRIVATE_ALLOWED, timeout=1)


def test_the_policy_comes_from_the_setting(settings, hello):
    """Outbound reads SLOTLINK_ALLOW_PRIVATE_NETWORKS (settings.ALLOW_PRIVATE_NETWORKS)."""
    settings.ALLOW_PRIVATE_NETWORKS = False
    with Outbound(timeout=3) as outbound, pytest.raises(AddressRefused):
        outbound.request("GET", hello.url)
    settings.ALLOW_PRIVATE_NETWORKS = True
    with Outbound(timeout=3) as outbound:
        assert outbound.request("GET", hello.url).body == b"hello"


def test_a_redirect_to_a_private_address_is_refused(hello):
    """An allowed server that redirects to a private one gets the redirect refused: every
    hop is checked where it connects."""
    with local_http(lambda r: Reply(302, headers={"Location": hello.url})) as redirector:
        only_the_redirector = AddressPolicy(exceptions=frozenset({("127.0.0.1", redirector.port)}))
        with pytest.raises(AddressRefused):
            fetch(redirector.url, only_the_redirector)
        both = AddressPolicy(
            exceptions=frozenset({("127.0.0.1", redirector.port), ("127.0.0.1", hello.port)})
        )
        assert fetch(redirector.url, both) == b"hello"
    assert len(hello.seen) == 1


def test_a_redirect_to_another_host_does_not_carry_the_password(hello):
    """The password goes to the address the user typed, not to where it redirects."""
    with local_http(lambda r: Reply(307, headers={"Location": hello.url})) as redirector:
        url = f"http://localhost:{redirector.port}/"
        with Outbound(policy=PRIVATE_ALLOWED, auth=("ada", "secret"), timeout=3) as outbound:
            assert outbound.request("GET", url).body == b"hello"
        assert "Authorization" in redirector.seen[0].headers
        assert "Authorization" not in hello.seen[0].headers


def test_an_answer_larger_than_the_cap_is_refused():
    """An answer over the size cap is cut off, with or without a Content-Length."""
    whole = Reply(200, b"x" * 5000)
    chunked = Reply(200, chunks=itertools.repeat(b"x" * 1000))
    for reply in (whole, chunked):
        with (
            local_http(lambda r, reply=reply: reply) as server,
            pytest.raises(ResponseTooLarge, match="larger than 4096 bytes"),
        ):
            fetch(server.url, PRIVATE_ALLOWED, max_bytes=4096)
    with local_http(lambda r: Reply(200, b"x" * 4096)) as server:
        assert len(fetch(server.url, PRIVATE_ALLOWED, max_bytes=4096)) == 4096


def test_a_server_that_never_answers_times_out():
    """A server that accepts the request and says nothing times out, in words."""
    with (
        local_http(lambda r: Reply(hang=True)) as server,
        pytest.raises(TimedOut, match=r"didn't answer within 0\.5 seconds"),
    ):
        fetch(server.url, PRIVATE_ALLOWED, timeout=0.5)


def test_a_server_dripping_its_answer_times_out():
    """A server sending a byte now and then never resets the deadline for the whole answer."""

    def drip():  # ten seconds of bytes: without the deadline, the fetch would succeed
        for _ in range(200):
            time.sleep(0.05)
            yield b"x"

    with local_http(lambda r: Reply(200, chunks=drip())) as server, pytest.raises(TimedOut):
        fetch(server.url, PRIVATE_ALLOWED, timeout=0.5)


def test_a_closed_port_and_an_unknown_name_are_unreachable():
    """Nothing listening, or no such name: Unreachable, in words."""
    with pytest.raises(Unreachable, match=r"couldn't connect to 127\.0\.0\.1"):
        fetch(f"http://127.0.0.1:{free_port()}/", PRIVATE_ALLOWED)
    with pytest.raises(Unreachable, match=r"no server called calendar\.invalid"):
        fetch("http://calendar.invalid/", PRIVATE_ALLOWED)


def test_sessions_share_one_tls_context():
    """The CA bundle is read once per process, not by each session: two sessions verify
    with the same TLS context (reading it costs more than a small request)."""
    with Outbound(policy=STRICT) as one, Outbound(policy=PRIVATE_ALLOWED) as other:
        assert one._http._transport._pool._ssl_context is other._http._transport._pool._ssl_context
