"""The safe way to fetch a URL a user typed (a calendar server's address, say).

A typed URL could point slotlink at its own network: the database, a router's admin page,
the cloud's metadata endpoint with its credentials. So the address is checked where the
socket is opened, not before: the host name is resolved once, every address it resolves
to is checked, and the connection goes to the very address that was checked, so a DNS
answer that changes between a check and the connect (DNS rebinding) has nothing to slip
through. Each redirect hop opens its own connection through the same check. Loopback,
private, link-local, shared (CGNAT), multicast and reserved addresses are refused (IPv6
too, and IPv4 written inside IPv6) unless the operator allows private networks
(SLOTLINK_ALLOW_PRIVATE_NETWORKS, for a calendar server on the same machine or LAN); cloud
metadata addresses are refused even then.

Every request has a deadline for the whole exchange and a cap on the answer's size.
Failures come out as `OutboundError`s carrying words for the person who typed the URL.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Where clouds answer with instance credentials: all of IPv4 link-local (AWS, GCP, Azure,
# Oracle at 169.254.169.254, AWS ECS at 169.254.170.2), Alibaba's and AWS's IPv6 one.
METADATA_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("169.254.0.0/16", "100.100.100.200/32", "fd00:ec2::254/128")
)
# IPv6 prefixes that carry an IPv4 address inside (NAT64, 6to4 and Teredo handled below).
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundError(Exception):
    """A URL could not be fetched; `words` say why, for the person who typed it."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


class AddressRefused(OutboundError):
    """The URL leads to an address slotlink does not connect to."""


class Unreachable(OutboundError):
    """No answer: the name does not resolve, the connection fails or is cut."""


class TimedOut(Unreachable):
    """No complete answer within the deadline."""


class ResponseTooLarge(OutboundError):
    """The answer is larger than the cap."""


class TooManyRedirects(OutboundError):
    """The redirects went on past the cap, or to something other than http(s)."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses a connection may go to. `allow_private` is the operator's
    setting; `exceptions` are (address, port) pairs allowed even so (tests use it to
    allow one local server and no other)."""

    allow_private: bool = False
    exceptions: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls) -> AddressPolicy:
        return cls(allow_private=settings.ALLOW_PRIVATE_NETWORKS)

    def refusal(self, address: IPAddress, port: int) -> str | None:
        """Why `address` is refused, in words, or None when it may be used."""
        if isinstance(address, ipaddress.IPv6Address):
            inner = _embedded_ipv4(address)
            if inner is not None:
                return self.refusal(inner, port)
        if any(address in network for network in METADATA_NETWORKS):
            return "a cloud metadata address"
        if address.is_multicast or address.is_unspecified:
            return "not a server's address"
        if (str(address), port) in self.exceptions or self.allow_private:
            return None
        if not address.is_global:
            return "a private or local network address"
        return None


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network layer with the address check at connect time."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve(host, port)
        # Any refused address refuses the host: a name that resolves to a public and a
        # private address must not get the private one on a retry or fallback.
        for address in addresses:
            reason = self.policy.refusal(address, port)
            if reason is not None:
                shown = host if host == str(address) else f"{host} ({address})"
                raise AddressRefused(f"slotlink doesn't connect to {shown}: it is {reason}.")
        failure: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise AddressRefused("slotlink doesn't connect to local sockets.")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"There is no server called {host}.") from error
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        # A scope id ("fe80::1%eth0") is not part of the address being judged.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings, made once: reading the CA bundle takes ~100 ms,
    which every session would otherwise pay (a calendar refresh is one small request).
    An SSLContext is safe to share between threads and connections."""
    return httpx.create_ssl_context()


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on the guarded network layer. httpx does not take a network
    backend, so the connection pool it builds is replaced by one that does (same TLS
    settings, no proxies: a proxy would be the only address checked)."""

    def __init__(self, policy: AddressPolicy) -> None:
        super().__init__(retries=0, verify=_tls_context())
        ssl_context = self._pool._ssl_context
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=10,
            network_backend=_GuardedBackend(policy),
        )


@dataclass(frozen=True)
class Answer:
    """A complete answer: status, headers, body and the URL it came from (after redirects)."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str


class Outbound:
    """A session for URLs users type. `timeout` bounds each request's whole exchange
    (redirects included); `max_bytes` caps each answer's body. `auth` (Basic) is sent to
    the first URL's origin only: a redirect to another host gets no password."""

    def __init__(
        self,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_RESPONSE_BYTES,
        policy: AddressPolicy | None = None,
    ) -> None:
        self.auth = auth
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._http = httpx.Client(
            transport=_GuardedTransport(policy or AddressPolicy.from_settings()),
            timeout=timeout,
            trust_env=False,
            follow_redirects=False,
            # Uncompressed answers, so the size cap counts what is actually held.
            headers={"User-Agent": "slotlink", "Accept-Encoding": "identity"},
        )

    def __enter__(self) -> Outbound:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        follow_redirects: bool = True,
    ) -> Answer:
        deadline = time.monotonic() + self.timeout
        origin = _origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise TooManyRedirects(f"slotlink only follows http and https addresses: {url}")
            auth = self.auth if _origin(url) == origin else None
            answer = self._exchange(method, url, headers, content, auth, deadline)
            location = answer.headers.get("Location")
            if not (follow_redirects and answer.status in REDIRECTS and location):
                return answer
            url = str(httpx.URL(answer.url).join(location))
            if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
                method, content = "GET", None
        raise TooManyRedirects(f"{origin} redirected more than {MAX_REDIRECTS} times.")

    def _exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        auth: tuple[str, str] | None,
        deadline: float,
    ) -> Answer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timed_out()
        try:
            with self._http.stream(
                method,
                url,
                headers=headers,
                content=content,
                auth=auth,
                timeout=remaining,
            ) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise self._too_large()
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise self._too_large()
                    # A server dripping bytes resets the read timeout on each one; the
                    # deadline is for the whole answer.
                    if time.monotonic() > deadline:
                        raise self._timed_out()
                return Answer(response.status_code, response.headers, bytes(body), url)
        except httpx.TimeoutException as error:
            raise self._timed_out() from error
        except httpx.TransportError as error:
            host = urlsplit(url).hostname or url
            raise Unreachable(f"slotlink couldn't connect to {host}.") from error

    def _timed_out(self) -> TimedOut:
        return TimedOut(f"The server didn't answer within {self.timeout:g} seconds.")

    def _too_large(self) -> ResponseTooLarge:
        limit = self.max_bytes // (1024 * 1024)
        size = f"{limit} MB" if limit else f"{self.max_bytes} bytes"
        return ResponseTooLarge(f"The server's answer was larger than {size}.")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return (parts.scheme, parts.hostname or "", parts.port)
