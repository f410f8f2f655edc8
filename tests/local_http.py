"""Small real HTTP servers on loopback for tests of outbound HTTP: each answers with a
function of the request, in a thread, on a free port.

    with local_http(lambda request: Reply(200, b"hello")) as server:
        server.url  # "http://127.0.0.1:<port>/"

`Reply(hang=True)` is a server that never answers: it holds the connection until the
`with` block ends, so no thread outlives its test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """What the server sends: a status, headers, and a body given whole (sent with its
    Content-Length) or as chunks (sent as they come, chunked, without one)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Iterable[bytes] | None = None
    hang: bool = False


@dataclass
class LocalServer:
    port: int
    seen: list[Seen]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@contextmanager
def local_http(answer: Callable[[Seen], Reply]) -> Iterator[LocalServer]:
    released = threading.Event()
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def handle_one(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Seen(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            seen.append(request)
            reply = answer(request)
            if reply.hang:
                released.wait(timeout=60)
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.chunks is None:
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for chunk in reply.chunks:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass  # the client hung up, as it should on an answer too large or too slow

        do_GET = do_POST = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = handle_one

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalServer(server.server_address[1], seen)
    finally:
        released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
