"""Which names the sandbox answers to: this machine's, against DNS rebinding.

Listening on loopback does not keep web pages out. A page on evil.example can point its
own name at 127.0.0.1 once the browser has loaded it; its scripts then reach the sandbox
as the page's own origin and could read `GET /_sandbox/app` (the app's client secret and
webhook secret) or drive the control API. The browser still sends `Host: evil.example`,
so the sandbox answers only to names that mean this machine (loopback addresses and
`localhost`, any port) and to the host of SANDBOX_PUBLIC_URL. `--allow-remote`
(SANDBOX_ALLOW_REMOTE) lifts this, as it lifts the check on the listening address, for a
sandbox other machines reach by their own name for it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# A Host header: a name or an IPv4 address, or an IPv6 address in brackets; then a port.
_HOST_HEADER = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[^:\[\]@/\s]+))(?::\d*)?")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def host_of_header(header: str) -> str | None:
    """The host a Host header names, without its port; None when it is no host at all."""
    found = _HOST_HEADER.fullmatch(header)
    if found is None:
        return None
    return (found.group("ipv6") or found.group("name")).lower()


class LocalHostsOnlyMiddleware:
    """Refuses, with 421 and the reason, a request whose Host is not one of this machine's
    names or `public_url`'s host."""

    def __init__(self, app: ASGIApp, *, public_url: str | None) -> None:
        self.app = app
        public_host = urlsplit(public_url).hostname if public_url else None
        self.also_allowed = {public_host.lower()} if public_host else set()

    def allows(self, header: str | None) -> bool:
        host = host_of_header(header) if header else None
        return host is not None and (is_loopback(host) or host in self.also_allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The sandbox serves no websockets; lifespan messages carry no Host.
        if scope["type"] != "http" or self.allows(Headers(scope=scope).get("host")):
            await self.app(scope, receive, send)
            return
        refusal = PlainTextResponse(
            "This Zoom sandbox answers only to this machine's own names (127.0.0.1, "
            "localhost, [::1]) and to SANDBOX_PUBLIC_URL's host, so that a web page cannot "
            "reach it under a name of its own (DNS rebinding). Open it as "
            "http://127.0.0.1:<port>/, or start it with --allow-remote "
            "(SANDBOX_ALLOW_REMOTE=1) if other names must reach it.\n",
            status_code=421,
        )
        await refusal(scope, receive, send)
