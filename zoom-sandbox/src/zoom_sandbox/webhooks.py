"""Event notifications to the app, signed and retried the way Zoom does it.

Each request carries `x-zm-request-timestamp` (seconds) and
`x-zm-signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw body}" keyed by the secret
token>`. A delivery that gets a 5xx, no answer within 3 s, or no connection is retried
5, 20 and 60 minutes later (each delay times `webhook_retry_scale`, so tests take
milliseconds), then dropped; 3xx and 4xx are not retried. Each recorded attempt says
how long the sandbox waited before it (`waited_seconds`). Deliveries run as background
tasks: the request that caused an event never waits for it.

Bodies are compact JSON (no spaces, UTF-8 as is), as Zoom sends them: the signature
covers those exact bytes, so a receiver that verifies a re-serialised body fails here as
it would on Zoom.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from zoom_sandbox import times

log = logging.getLogger("zoom_sandbox")

RETRY_DELAYS = (300.0, 1200.0, 3600.0)
ANSWER_WITHIN = 3.0


def compact_json(value: Any) -> bytes:
    """JSON as Zoom sends it: no spaces after `,` and `:`, non-ASCII as UTF-8 rather than
    \\u escapes; what JSON.stringify in Zoom's Node.js verification sample produces."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    id: str
    event: str
    url: str
    body: bytes
    state: str = "pending"  # pending | delivered | failed | skipped
    reason: str | None = None  # why it was skipped: no_url | subscription_disabled
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "url": self.url,
            "state": self.state,
            "reason": self.reason,
            "payload": json.loads(self.body),
            "attempts": self.attempts,
        }


class WebhookSender:
    def __init__(self, settings_getter: Any) -> None:
        self.settings_getter = settings_getter
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=ANSWER_WITHIN)
        return self._client

    def send(
        self, event: str, payload: dict[str, Any], *, url: str, refused: str | None = None
    ) -> Delivery:
        """Deliver `event` to `url` in the background; `refused` says why not to, if so."""
        body = {"event": event, "event_ts": int(time.time() * 1000), "payload": payload}
        delivery = Delivery(id=str(uuid.uuid4()), event=event, url=url, body=compact_json(body))
        self.deliveries.append(delivery)
        reason = refused if url else "no_url"
        if reason:
            delivery.state, delivery.reason = "skipped", reason
            log.info("sandbox.webhook.skipped event=%s reason=%s", event, reason)
            return delivery
        task = asyncio.get_running_loop().create_task(self._deliver(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    async def _deliver(self, delivery: Delivery) -> None:
        for attempt in range(len(RETRY_DELAYS) + 1):
            waited = 0.0
            if attempt:
                waited = RETRY_DELAYS[attempt - 1] * self.settings_getter().webhook_retry_scale
                await asyncio.sleep(waited)
            status, error = await self._post(delivery.url, delivery.body)
            delivery.attempts.append(
                {
                    "at": times.iso_ms(time.time()),
                    "status": status,
                    "error": error,
                    "waited_seconds": round(waited, 3),
                }
            )
            if status is not None and 200 <= status < 300:
                delivery.state = "delivered"
                log.info("sandbox.webhook.delivered event=%s status=%s", delivery.event, status)
                return
            if status is not None and status < 500:
                break
            log.info(
                "sandbox.webhook.retry-scheduled event=%s attempt=%d status=%s error=%s",
                delivery.event,
                attempt + 1,
                status,
                error,
            )
        delivery.state = "failed"
        log.warning("sandbox.webhook.failed event=%s url=%s", delivery.event, delivery.url)

    async def _post(self, url: str, body: bytes) -> tuple[int | None, str | None]:
        timestamp = str(int(time.time()))
        headers = {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Zoom Marketplace/1.0a",
            "x-zm-request-timestamp": timestamp,
            "x-zm-signature": signature(
                self.settings_getter().webhook_secret_token, timestamp, body
            ),
            "x-zm-request-id": str(uuid.uuid4()),
            "x-zm-trackingid": "v=2.0;clid=us05;rid=" + secrets.token_hex(16),
        }
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return None, "timeout"
        except httpx.HTTPError as exc:
            return None, type(exc).__name__
        return response.status_code, None

    async def validate_url(self, url: str) -> dict[str, Any]:
        """Zoom's `endpoint.url_validation` challenge, answered or not, as a result."""
        plain = secrets.token_urlsafe(16)
        secret = self.settings_getter().webhook_secret_token
        expected = hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
        body = compact_json(
            {
                "payload": {"plainToken": plain},
                "event_ts": int(time.time() * 1000),
                "event": "endpoint.url_validation",
            }
        )
        timestamp = str(int(time.time()))
        try:
            response = await self.client.post(
                url,
                content=body,
                headers={
                    "content-type": "application/json; charset=utf-8",
                    "user-agent": "Zoom Marketplace/1.0a",
                    "x-zm-request-timestamp": timestamp,
                    "x-zm-signature": signature(secret, timestamp, body),
                },
            )
        except httpx.HTTPError as exc:
            return {"valid": False, "status": None, "error": type(exc).__name__}
        try:
            answer = response.json()
        except ValueError:
            answer = None
        valid = (
            response.status_code in (200, 204)
            and isinstance(answer, dict)
            and answer.get("plainToken") == plain
            and answer.get("encryptedToken") == expected
        )
        return {"valid": valid, "status": response.status_code, "response": answer}

    def reset(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.deliveries.clear()

    async def stop(self) -> None:
        self.reset()
        if self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None
