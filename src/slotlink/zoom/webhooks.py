"""Zoom's event notifications: verify, store once, hand to a task, act.

Zoom signs `v0:{x-zm-request-timestamp}:{raw body}` with the app's secret token
(HMAC-SHA256, hex) and sends it as `x-zm-signature: v0=<hex>` (REFERENCE §4.2). The raw
bytes are what is verified, never a re-serialised body. Timestamps more than 5 minutes
from now are refused, so a captured request cannot be replayed later. Each event is stored
once, keyed by a digest of its event name, time and payload (a redelivery repeats them), and
its handling runs in a task after commit, so the endpoint answers well within Zoom's 3 s.
An event that needs nothing done, such as the echo of slotlink's own meeting or webinar
change, is recognised with one read and stored as handled, without a task.
"""

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from slotlink.core.tasks import enqueue_on_commit
from slotlink.zoom.meetings import drift
from slotlink.zoom.metrics import webhook_event_observe
from slotlink.zoom.models import WebhookEvent
from slotlink.zoom.webhook_events import HANDLERS
from slotlink.zoom.webhook_tasks import webhook_event_handle
from slotlink.zoom.webinars import drift as webinar_drift

log = logging.getLogger("slotlink.zoom")

TIMESTAMP_TOLERANCE_SECONDS = 300
TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,12}")
# Zoom's events nest a few levels (payload > object > participant or occurrences > item).
MAX_NESTING = 16
URL_VALIDATION = "endpoint.url_validation"


class WebhookRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _hmac_hex(message: bytes) -> str:
    secret = settings.ZOOM_WEBHOOK_SECRET_TOKEN.encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signature_verify(*, body: bytes, timestamp: str, signature: str, now: float) -> None:
    if not settings.ZOOM_WEBHOOK_SECRET_TOKEN:
        raise WebhookRefused(401, "no webhook secret token is configured")
    timestamp = timestamp.strip()
    # Epoch seconds in ASCII digits: `isdigit()` alone also takes "²" (which int() refuses)
    # and 400 digits (which overflow a float when compared with now).
    if not TIMESTAMP_PATTERN.fullmatch(timestamp) or not signature:
        raise WebhookRefused(401, "missing signature headers")
    expected = "v0=" + _hmac_hex(b"v0:" + timestamp.encode() + b":" + body)
    if not hmac.compare_digest(expected, signature.strip()):
        raise WebhookRefused(401, "bad signature")
    if abs(int(now) - int(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS:
        raise WebhookRefused(401, "stale timestamp")


def notification_parse(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WebhookRefused(400, "body is not JSON") from None
    if _depth(parsed) > MAX_NESTING:
        raise WebhookRefused(400, "body is nested deeper than any Zoom event")
    if (
        not isinstance(parsed, dict)
        or not isinstance(parsed.get("event"), str)
        or not isinstance(parsed.get("payload"), dict)
    ):
        raise WebhookRefused(400, "body is not a Zoom event")
    return parsed


def _depth(value: Any) -> int:
    """How deeply lists and objects nest, counted without recursion (so a body that
    parses within Python's limit can't exceed it when it is stored or handled)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def url_validation_answer(notification: dict[str, Any]) -> dict[str, str]:
    plain = notification["payload"].get("plainToken")
    if not isinstance(plain, str) or not plain:
        raise WebhookRefused(400, "plainToken missing")
    return {"plainToken": plain, "encryptedToken": _hmac_hex(plain.encode())}


def event_key(notification: dict[str, Any]) -> str:
    identity = {k: notification.get(k) for k in ("event", "event_ts", "payload")}
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def webhook_receive(*, body: bytes, timestamp: str, signature: str) -> dict[str, str] | None:
    """Verify and store one notification; the answer body for a URL validation, else None."""
    try:
        signature_verify(body=body, timestamp=timestamp, signature=signature, now=time.time())
        notification = notification_parse(body)
    except WebhookRefused as refused:
        webhook_event_observe(event="unknown", outcome=f"refused_{refused.status}")
        raise
    name = notification["event"]
    if name == URL_VALIDATION:
        answer = url_validation_answer(notification)
        webhook_event_observe(event=name, outcome="url_validated")
        return answer
    if name not in HANDLERS:
        # Any other name counts as "other": metric labels stay a short, known list.
        webhook_event_observe(event="other", outcome="ignored")
        log.info("zoom.webhook.ignored event=%s", name)
        return None
    key = event_key(notification)
    # An event that needs nothing done (the echo of each of slotlink's own meeting and
    # webinar changes) is recorded as handled now; only the rest are handed to a task.
    settled = SETTLED.get(name.partition(".")[0], _unsettled)(notification)
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                key=key,
                event=name,
                payload=notification,
                handled_at=timezone.now() if settled is not None else None,
                result=settled or "",
            )
            if settled is None:
                enqueue_on_commit(webhook_event_handle, event.id)
    except IntegrityError:
        WebhookEvent.objects.filter(key=key).update(deliveries=F("deliveries") + 1)
        webhook_event_observe(event=name, outcome="redelivered")
        log.info("zoom.webhook.redelivered event=%s", name)
        return None
    webhook_event_observe(event=name, outcome="stored")
    if settled is not None:
        webhook_event_observe(event=name, outcome="handled")
    log.info("zoom.webhook.stored event=%s id=%s settled=%s", name, event.id, settled is not None)
    return None


def _unsettled(notification: dict[str, Any]) -> str | None:
    return None


SETTLED: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "meeting": drift.meeting_event_settled,
    "webinar": webinar_drift.webinar_event_settled,
}
