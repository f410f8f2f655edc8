"""Fixtures for the sandbox's own tests: a connected Zoom user and a webhook receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from slotlink.sandbox.scopes import GRANULAR, every_scope
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.sandbox.oauth_helpers import REDIRECT_URI

EVERY_ENDPOINT = every_scope(GRANULAR)


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


@pytest.fixture
def configured(zoom_sandbox: ZoomSandbox) -> ZoomSandbox:
    """The sandbox with the app's redirect URI set to the one the OAuth tests use."""
    zoom_sandbox.configure_app(redirect_uri=REDIRECT_URI)
    return zoom_sandbox


@pytest.fixture
def host(zoom_sandbox: ZoomSandbox) -> Iterator[Connected]:
    """A Pro user with a webinar licence, connected."""
    connected = connect(zoom_sandbox, webinar=True)
    yield connected
    connected.api.close()


@pytest.fixture
def basic_host(zoom_sandbox: ZoomSandbox) -> Iterator[Connected]:
    """A Basic (free) user, connected."""
    connected = connect(zoom_sandbox, plan="basic")
    yield connected
    connected.api.close()


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


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            request = Received({k.lower(): v for k, v in self.headers.items()}, body)
            payload = json.loads(body)
            answer = b""
            with receiver.lock:
                if payload.get("event") == "endpoint.url_validation":
                    receiver.validations.append(request)
                    status = 200
                    secret = receiver.answer_validation_with
                    if receiver.validation_answers:
                        right = receiver.validation_answers.pop(0)
                        secret = receiver.answer_validation_with if right else "wrong secret"
                    if secret:
                        answer = validation_answer(payload["payload"]["plainToken"], secret)
                else:
                    receiver.received.append(request)
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/zoom/webhooks/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
