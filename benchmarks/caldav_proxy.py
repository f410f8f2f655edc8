"""A small HTTP proxy in front of a CalDAV server that counts the requests it passes and
holds each answer until the server has "answered in" a chosen time.

A benchmark starts it as its own process (so its threads never share a GIL with the load
it measures) and points slotlink's connections at it instead of at the server itself:
every request slotlink makes to the calendar server is then seen here, and the latency of
a slower server is simulated on a real one. The proxy's own paths, never forwarded:

    POST /-proxy/answer-in?ms=500   each answer leaves at least 500 ms after its request
                                    arrived (0: as soon as the server answers)
    GET  /-proxy/counts             {"requests": n, "server_ms": [...], "in_flight": k}:
                                    requests arrived since the last read, how long the
                                    server itself took for those answered since, and how
                                    many are still with the server

    python -m benchmarks.caldav_proxy --port 8123 --upstream http://127.0.0.1:5232
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

CONTROL = "/-proxy/"
# Hop-by-hop headers (RFC 9110 section 7.6.1) are the proxy's own, not passed on.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding"}
)


class Forwarder:
    """The proxy itself: forwards, counts, holds answers."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.answer_in = 0.0
        self.lock = threading.Lock()
        self.requests = 0
        self.in_flight = 0
        self.server_ms: list[float] = []

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        arrived = time.monotonic()
        with self.lock:
            self.requests += 1
            self.in_flight += 1
        upstream = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            upstream.request(method, path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            status, answer_headers = answer.status, answer.getheaders()
        finally:
            upstream.close()
            took = time.monotonic() - arrived
            with self.lock:
                self.in_flight -= 1
                self.server_ms.append(took * 1000)
                answer_in = self.answer_in
        time.sleep(max(0.0, arrived + answer_in - time.monotonic()))
        return status, answer_headers, content

    def counts(self) -> dict[str, Any]:
        with self.lock:
            found = {
                "requests": self.requests,
                "server_ms": self.server_ms,
                "in_flight": self.in_flight,
            }
            self.requests, self.server_ms = 0, []
        return found


def handler_for(proxy: Forwarder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one_request(self) -> None:
            # Every method (PROPFIND, REPORT, PUT...) the same way, without a do_X each.
            try:
                self.raw_requestline = self.rfile.readline(65537)
            except OSError:  # a kept-alive connection the client reset
                self.close_connection = True
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith(CONTROL):
                self.control(body)
            else:
                headers = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() not in HOP_BY_HOP
                }
                try:
                    status, answer_headers, content = proxy.forward(
                        self.command, self.path, headers, body
                    )
                except OSError as failure:
                    self.reply(502, str(failure).encode(), [("Content-Type", "text/plain")])
                else:
                    kept = [
                        (name, value)
                        for name, value in answer_headers
                        if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"
                    ]
                    self.reply(status, content, kept)
            try:
                self.wfile.flush()
            except OSError:
                self.close_connection = True

        def control(self, body: bytes) -> None:
            parts = urlsplit(self.path)
            if parts.path == CONTROL + "answer-in" and self.command == "POST":
                proxy.answer_in = float(parse_qs(parts.query)["ms"][0]) / 1000
                self.reply(204, b"", [])
            elif parts.path == CONTROL + "counts":
                self.reply(
                    200, json.dumps(proxy.counts()).encode(), [("Content-Type", "application/json")]
                )
            else:
                self.reply(404, b"", [])

        def reply(self, status: int, content: bytes, headers: list[tuple[str, str]]) -> None:
            try:
                self.send_response_only(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)
            except OSError:
                # slotlink gave up on this answer (its re-check's time ran out).
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class ProxyControl:
    """The proxy's control, for a benchmark: how fast the server answers, what it passed."""

    def settled(self) -> dict[str, Any]:
        """What the proxy passed since the last read, once no request is with the server
        any more: a re-check that gave up leaves its request there (and its time to
        come), and the next case must not queue behind it."""
        seen = self.counts()
        deadline = time.monotonic() + 180
        while seen["in_flight"] and time.monotonic() < deadline:
            time.sleep(0.2)
            more = self.counts()
            seen["requests"] += more["requests"]
            seen["server_ms"] += more["server_ms"]
            seen["in_flight"] = more["in_flight"]
        return seen

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(timeout=10)

    def answer_in(self, ms: float) -> None:
        self.http.post(f"{self.base}/-proxy/answer-in", params={"ms": ms}).raise_for_status()

    def counts(self) -> dict[str, Any]:
        answer = self.http.get(f"{self.base}/-proxy/counts")
        answer.raise_for_status()
        return dict(answer.json())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="http://host:port of the server")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(Forwarder(args.upstream)))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
