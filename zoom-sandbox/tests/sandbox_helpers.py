"""What the sandbox's tests share: a connected Zoom user, a webhook receiver, a free port.

The sandbox's tests are a plain directory (no package, so that they run with the product's
suite and on their own, `cd zoom-sandbox && pytest`, without two `tests` packages
clashing): they import this module by its name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from zoom_sandbox.scopes import GRANULAR, every_scope
from zoom_sandbox.testing import ZoomSandbox

EVERY_ENDPOINT = every_scope(GRANULAR)


def free_port() -> int:
    """A free TCP port on loopback, for a sandbox started as a process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Connected:
    """A sandbox Zoom user who has authorized the app, and an API client with their token."""

    user: dict[str, Any]
    tokens: dict[str, Any]
    api: httpx.Client


def connect(
    zoom_sandbox: ZoomSandbox, *, scopes: str = EVERY_ENDPOINT, **user_fields: Any
) -> Connected:
    """A new user connected with `scopes`; by default each endpoint's own (not `:admin`)
    granular scope, as the sandbox's tests call endpoints the product's app does not ask
    for (test_scopes.py checks the app's own set)."""
    user = zoom_sandbox.create_user(**user_fields)
    tokens = zoom_sandbox.tokens_for(user["id"], scopes=scopes)
    api = httpx.Client(
        base_url=zoom_sandbox.api_base_url,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    return Connected(user=user, tokens=tokens, api=api)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        timestamp = self.headers["x-zm-request-timestamp"]
        message = f"v0:{timestamp}:".encode() + self.body
        expected = "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers["x-zm-signature"])


@dataclass
class WebhookReceiver:
    """A small HTTP server standing in for the app's webhook endpoint.

    Event notifications land in `received`; Zoom's `endpoint.url_validation` checks, which
    the sandbox sends whenever the URL is set, land in `validations` and leave `statuses`
    alone.
    """

    url: str = ""
    received: list[Received] = field(default_factory=list)
    validations: list[Received] = field(default_factory=list)
    # Statuses to answer events with, in order; 200 once they run out.
    statuses: list[int] = field(default_factory=list)
    # The secret to answer checks with (None: answer without the tokens, which fails them).
    answer_validation_with: str | None = None
    # Whether to answer each next check right, in order, before answer_validation_with.
    validation_answers: list[bool] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for_validations(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.validations) < count:
            assert time.monotonic() < deadline, f"only {len(self.validations)} checks arrived"
            time.sleep(0.02)
        with self.lock:
            return list(self.validations)


def validation_answer(plain_token: str, secret: str) -> bytes:
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return json.dumps({"plainToken": plain_token, "encryptedToken": encrypted}).encode()
