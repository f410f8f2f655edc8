"""The event subscription's endpoint checks: on set, every 72 hours (scaled), and disabling.

Zoom validates the endpoint when its URL is set and re-validates it every 72 hours; after
6 failures in a row it stops sending events and disables the subscription
(https://developers.zoom.us/docs/api/webhooks/, REFERENCE §4.3).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from sandbox_helpers import Connected, WebhookReceiver
from zoom_sandbox.config import AppSettings, SandboxConfig
from zoom_sandbox.testing import SandboxServer, ZoomSandbox

MEETING = {"topic": "Call", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}
# Zoom's 72 hours, as a test can wait for them.
FAST = 0.02


def wait_for_subscription(
    zoom_sandbox: ZoomSandbox, condition: Callable[[dict[str, Any]], bool], timeout: float = 10
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        subscription = zoom_sandbox.subscription()
        if condition(subscription):
            return subscription
        assert time.monotonic() < deadline, subscription
        time.sleep(0.02)


def test_setting_the_url_validates_it(
    zoom_sandbox: ZoomSandbox, webhook_receiver: WebhookReceiver
) -> None:
    """Zoom sends endpoint.url_validation as soon as the URL is set, then again 72 hours
    later (https://developers.zoom.us/docs/api/webhooks/)."""
    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    assert zoom_sandbox.app()["revalidation_interval_seconds"] == 72 * 3600
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    subscription = wait_for_subscription(zoom_sandbox, lambda s: s["validations"] == 1)
    assert subscription["url"] == webhook_receiver.url
    assert (subscription["enabled"], subscription["validated"]) == (True, True)
    assert subscription["consecutive_failures"] == 0
    assert subscription["last_validation"]["valid"] is True
    assert subscription["last_validation"]["status"] == 200
    assert subscription["next_validation_at"].endswith("Z")
    challenge = webhook_receiver.validations[0]
    assert challenge.json["event"] == "endpoint.url_validation"
    assert challenge.signed_by(zoom_sandbox.webhook_secret_token)


def test_a_url_configured_at_start_up_is_validated(webhook_receiver: WebhookReceiver) -> None:
    """A sandbox started with ZOOM_WEBHOOK_URL checks it at once, as Zoom does when the URL
    is saved (https://developers.zoom.us/docs/api/webhooks/); stopping ends the checks."""
    secret = "start-up-secret"
    webhook_receiver.answer_validation_with = secret
    app = AppSettings(
        webhook_url=webhook_receiver.url,
        webhook_secret_token=secret,
        revalidation_interval_seconds=FAST,
    )
    server = SandboxServer(SandboxConfig(app=app))
    server.start()
    try:
        first = webhook_receiver.wait_for_validations(1)[0]
        assert first.signed_by(secret)
        status = httpx.get(f"{server.base_url}/_sandbox/webhooks/subscription").json()
        assert status["url"] == webhook_receiver.url
        assert status["enabled"] is True
    finally:
        server.stop()


def test_the_endpoint_is_checked_again_on_the_scaled_clock(
    zoom_sandbox: ZoomSandbox, webhook_receiver: WebhookReceiver
) -> None:
    """Zoom re-validates the endpoint every 72 hours; revalidation_interval_seconds scales
    that (https://developers.zoom.us/docs/api/webhooks/)."""
    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, revalidation_interval_seconds=FAST)
    webhook_receiver.wait_for_validations(3)
    subscription = wait_for_subscription(zoom_sandbox, lambda s: s["validations"] >= 3)
    assert subscription["validated"] is True
    assert subscription["revalidation_interval_seconds"] == FAST
    tokens = {r.json["payload"]["plainToken"] for r in webhook_receiver.validations}
    assert len(tokens) == len(webhook_receiver.validations)


def test_six_failures_in_a_row_disable_the_subscription(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """After 6 failed validations in a row Zoom disables the subscription and stops sending
    events; setting the URL again turns it back on
    (https://developers.zoom.us/docs/api/webhooks/)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, revalidation_interval_seconds=FAST)
    disabled = wait_for_subscription(zoom_sandbox, lambda s: not s["enabled"])
    assert disabled["consecutive_failures"] == disabled["validations"] == 6
    assert len(webhook_receiver.validations) == 6
    assert disabled["validated"] is False
    assert disabled["disabled_at"].endswith("Z")
    assert disabled["next_validation_at"] is None
    host.api.post("/users/me/meetings", json=MEETING)
    skipped = zoom_sandbox.wait_for_webhooks(1, event="meeting.created")[0]
    assert (skipped["state"], skipped["reason"]) == ("skipped", "subscription_disabled")
    assert skipped["attempts"] == []
    assert webhook_receiver.received == []

    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url)
    enabled = wait_for_subscription(zoom_sandbox, lambda s: s["validated"])
    assert (enabled["enabled"], enabled["consecutive_failures"]) == (True, 0)
    host.api.post("/users/me/meetings", json=MEETING)
    deliveries = zoom_sandbox.wait_for_webhooks(2, event="meeting.created")
    assert deliveries[1]["state"] == "delivered"


def test_a_passed_check_resets_the_failure_count(
    zoom_sandbox: ZoomSandbox, webhook_receiver: WebhookReceiver
) -> None:
    """Only failures in a row count: a passed check starts the count again
    (https://developers.zoom.us/docs/api/webhooks/)."""
    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    webhook_receiver.validation_answers = [False] * 5
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, revalidation_interval_seconds=FAST)
    subscription = wait_for_subscription(zoom_sandbox, lambda s: s["validated"])
    assert subscription["validations"] >= 6
    assert (subscription["enabled"], subscription["consecutive_failures"]) == (True, 0)
    assert subscription["disabled_at"] is None


def test_validate_button_turns_a_disabled_subscription_back_on(
    zoom_sandbox: ZoomSandbox, webhook_receiver: WebhookReceiver
) -> None:
    """Validating the URL again (the Marketplace's Validate button, POST
    /_sandbox/webhooks/validate) counts as a check, and a passed one re-enables
    (https://developers.zoom.us/docs/api/webhooks/)."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, revalidation_interval_seconds=FAST)
    wait_for_subscription(zoom_sandbox, lambda s: not s["enabled"])
    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    assert zoom_sandbox.control.post("/webhooks/validate").json()["valid"] is True
    subscription = zoom_sandbox.subscription()
    assert (subscription["enabled"], subscription["validated"]) == (True, True)
    assert subscription["consecutive_failures"] == 0


def test_deauthorization_is_not_held_back_by_a_disabled_subscription(
    zoom_sandbox: ZoomSandbox, host: Connected, webhook_receiver: WebhookReceiver
) -> None:
    """app_deauthorized goes to the Deauthorization Notification Endpoint URL, which Zoom
    keeps apart from event subscriptions and does not document re-validating
    (https://marketplace.zoom.us/docs/guides/auth/deauthorization/), so it still goes out."""
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, revalidation_interval_seconds=FAST)
    wait_for_subscription(zoom_sandbox, lambda s: not s["enabled"])
    zoom_sandbox.remove_app(host.user["id"])
    delivery = zoom_sandbox.wait_for_webhooks(1, event="app_deauthorized")[0]
    assert delivery["state"] == "delivered"


def test_reset_stops_the_checks(
    zoom_sandbox: ZoomSandbox, webhook_receiver: WebhookReceiver
) -> None:
    """A reset forgets the URL set at run time and stops checking it."""
    webhook_receiver.answer_validation_with = zoom_sandbox.webhook_secret_token
    zoom_sandbox.configure_app(webhook_url=webhook_receiver.url, revalidation_interval_seconds=FAST)
    webhook_receiver.wait_for_validations(2)
    zoom_sandbox.reset()
    subscription = zoom_sandbox.subscription()
    assert (subscription["url"], subscription["validations"]) == ("", 0)
    assert subscription["next_validation_at"] is None
    checked = len(webhook_receiver.validations)
    # Ten intervals: any check still scheduled would have come by now.
    time.sleep(FAST * 10)
    assert len(webhook_receiver.validations) <= checked + 1


def test_interval_must_be_positive(zoom_sandbox: ZoomSandbox) -> None:
    """A zero interval would check the endpoint without pause; the control API refuses it."""
    answer = zoom_sandbox.control.put("/app", json={"revalidation_interval_seconds": 0})
    assert answer.status_code == 400
    assert "revalidation_interval_seconds" in answer.json()["error"]
