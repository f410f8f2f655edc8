"""Fixtures for the sandbox's own tests: the running sandbox (zoom_sandbox.pytest_plugin),
a connected Zoom user and a webhook receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sandbox_helpers import Connected, Received, WebhookReceiver, connect, validation_answer
from sandbox_oauth import REDIRECT_URI
from zoom_sandbox.testing import ZoomSandbox

pytest_plugins = ["zoom_sandbox.pytest_plugin"]


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
