"""Fixtures for the sandbox's own tests: a connected Zoom user and a webhook receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.sandbox.oauth_helpers import REDIRECT_URI


@dataclass
class Connected:
    """A sandbox Zoom user who has authorized the app, and an API client with their token."""

    user: dict[str, Any]
    tokens: dict[str, Any]
    api: httpx.Client


def connect(zoom_sandbox: ZoomSandbox, **user_fields: Any) -> Connected:
    user = zoom_sandbox.create_user(**user_fields)
    tokens = zoom_sandbox.tokens_for(user["id"])
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
    """A small HTTP server standing in for the app's webhook endpoint."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    # Statuses to answer with, in order; 200 once they run out.
    statuses: list[int] = field(default_factory=list)
    answer_validation_with: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with receiver.lock:
                receiver.received.append(
                    Received({k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
            answer = b""
            payload = json.loads(body)
            if (
                payload.get("event") == "endpoint.url_validation"
                and receiver.answer_validation_with
            ):
                plain = payload["payload"]["plainToken"]
                encrypted = hmac.new(
                    receiver.answer_validation_with.encode(), plain.encode(), hashlib.sha256
                ).hexdigest()
                answer = json.dumps({"plainToken": plain, "encryptedToken": encrypted}).encode()
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
