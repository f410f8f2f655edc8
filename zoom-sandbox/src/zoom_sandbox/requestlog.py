"""The request log: every request made to the sandbox's Zoom side, with both bodies.

Tests and the demo read it at `GET /_sandbox/requests` to see exactly what the product
sent and what "Zoom" answered, how long it took and what faults did to it (including the
latency they added). Bodies are kept raw and decoded only when read, so logging costs the
hot path next to nothing; what is read has every secret's value redacted (redaction.py).
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zoom_sandbox import times
from zoom_sandbox.faults import CONTROL_PREFIX
from zoom_sandbox.redaction import redact, redact_text

TEXT_LIMIT = 4000


@dataclass
class Entry:
    at: float
    method: str
    path: str
    query: str
    status: int | None
    request_body: bytes
    request_type: str
    response_body: bytes
    response_type: str
    duration_ms: float
    fault: str | None
    added_latency_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": times.iso_ms(self.at),
            "method": self.method,
            "path": self.path,
            "query": redact(dict(parse_qsl(self.query, keep_blank_values=True))),
            "status": self.status,
            "request_body": _decode(self.request_body, self.request_type),
            "response_body": _decode(self.response_body, self.response_type),
            "duration_ms": round(self.duration_ms, 2),
            "fault": self.fault,
            "added_latency_ms": round(self.added_latency_ms, 2),
        }


class RequestLog:
    def __init__(self, limit: int) -> None:
        self.entries: deque[Entry] = deque(maxlen=limit)

    def clear(self) -> None:
        self.entries.clear()

    def select(
        self, *, method: str | None = None, path: str | None = None, path_prefix: str | None = None
    ) -> list[dict[str, Any]]:
        return [
            entry.as_dict()
            for entry in self.entries
            if (method is None or entry.method == method.upper())
            and (path is None or entry.path == path)
            and (path_prefix is None or entry.path.startswith(path_prefix))
        ]


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.time()
        # Durations on a monotonic clock, so they compare with the latency faults added.
        began = time.perf_counter()
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        status: list[int] = []
        response_type: list[str] = []

        async def logged_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request_chunks.append(message.get("body", b""))
            return message

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                response_type.append(_header(message.get("headers", []), b"content-type"))
            elif message["type"] == "http.response.body":
                response_chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, logged_receive, logged_send)
        finally:
            dropped = scope.get("sandbox.dropped_response")
            if dropped and not status:
                # The client never saw it, but the log says what "Zoom" committed.
                for message in dropped:
                    if message["type"] == "http.response.start":
                        status.append(message["status"])
                        response_type.append(_header(message.get("headers", []), b"content-type"))
                    else:
                        response_chunks.append(message.get("body", b""))
            self.log.entries.append(
                Entry(
                    at=started,
                    method=scope["method"],
                    path=scope["path"],
                    query=scope.get("query_string", b"").decode("latin-1"),
                    status=status[0] if status else None,
                    request_body=b"".join(request_chunks),
                    request_type=_header(scope.get("headers", []), b"content-type"),
                    response_body=b"".join(response_chunks),
                    response_type=response_type[0] if response_type else "",
                    duration_ms=(time.perf_counter() - began) * 1000,
                    fault=scope.get("sandbox.fault"),
                    added_latency_ms=scope.get("sandbox.latency_ms", 0.0),
                )
            )


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _decode(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            return redact(json.loads(text))
        except ValueError:
            pass
    elif "x-www-form-urlencoded" in content_type:
        return redact(dict(parse_qsl(text, keep_blank_values=True)))
    # Redacted whole: cut first, a secret could lose the name that marks it.
    text = redact_text(text)
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"
