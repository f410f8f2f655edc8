"""Failures on demand: latency, 5xx, timeouts, lost responses after a commit, outages.

Faults apply to everything but the control API (`/_sandbox/`), or only to the path
prefixes in `paths`. A "timeout" holds the request without answering until the client
gives up; "drop after commit" lets a create happen and then holds its response the same
way, so the object exists in Zoom but the client never hears of it. The latency a request
was given is in the request log (`added_latency_ms`), so tests can check it without a clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTROL_PREFIX = "/_sandbox/"
SERVER_ERRORS = (500, 502, 503, 504)


@dataclass
class Faults:
    latency_ms: int = 0
    latency_jitter_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    outage: bool = False
    paths: list[str] = field(default_factory=lambda: ["/"])
    seed: int | None = None

    def __post_init__(self) -> None:
        # The control API checks the fields' kinds (control.FAULTS) before building one.
        self.random = random.Random(self.seed)  # noqa: S311 - chance, not secrecy

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def active(self) -> bool:
        return bool(
            self.outage
            or self.latency_ms
            or self.latency_jitter_ms
            or self.error_rate
            or self.timeout_rate
            or self.drop_after_commit_rate
        )

    def applies_to(self, path: str) -> bool:
        return not path.startswith(CONTROL_PREFIX) and any(path.startswith(p) for p in self.paths)

    def roll(self, rate: float) -> bool:
        return rate > 0 and self.random.random() < rate


def is_create(method: str, path: str) -> bool:
    return method == "POST" and path.startswith("/v2/")


class FaultsMiddleware:
    def __init__(self, app: ASGIApp, faults_getter: Any, hang_seconds: float) -> None:
        self.app = app
        self.faults_getter = faults_getter
        self.hang_seconds = hang_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        faults: Faults = self.faults_getter()
        if scope["type"] != "http" or not faults.active or not faults.applies_to(scope["path"]):
            await self.app(scope, receive, send)
            return
        scope["sandbox.fault"] = None
        if faults.outage:
            scope["sandbox.fault"] = "outage"
            await _answer(send, 503, {"code": 503, "message": "Service Unavailable"})
            return
        delay = faults.latency_ms + faults.random.uniform(0, faults.latency_jitter_ms)
        scope["sandbox.latency_ms"] = delay
        if delay:
            await asyncio.sleep(delay / 1000)
        if faults.roll(faults.error_rate):
            status = faults.random.choice(SERVER_ERRORS)
            scope["sandbox.fault"] = f"error {status}"
            await _answer(send, status, {"code": status, "message": "Internal Server Error"})
            return
        if faults.roll(faults.timeout_rate):
            scope["sandbox.fault"] = "timeout"
            await self._hang(receive, send)
            return
        if is_create(scope["method"], scope["path"]) and faults.roll(faults.drop_after_commit_rate):
            scope["sandbox.fault"] = "dropped after commit"
            swallowed: list[Message] = []

            async def keep(message: Message) -> None:
                swallowed.append(message)

            await self.app(scope, receive, keep)
            scope["sandbox.dropped_response"] = swallowed
            await self._hang(receive, send)
            return
        await self.app(scope, receive, send)

    async def _hang(self, receive: Receive, send: Send) -> None:
        """Answer nothing until the client hangs up (or, failing that, a late 504)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.hang_seconds):
                while (await receive())["type"] != "http.disconnect":
                    pass
                return
        await _answer(send, 504, {"code": 504, "message": "Gateway Timeout"})


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
