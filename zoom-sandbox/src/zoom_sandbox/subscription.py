"""The app's event subscription: its endpoint checked, and disabled, the way Zoom does.

Zoom sends `endpoint.url_validation` when the event notification URL is set and again
every 72 hours. After 2 and 4 failures in a row it emails the app's owner (here, a log
line); after 6 it disables the subscription and sends no more events until the URL is
set again. A passed check resets the count. The interval is the app's
`revalidation_interval_seconds`, so tests can make 72 hours milliseconds. Checks run as
background tasks on the sandbox's loop: setting the URL never waits for the endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from zoom_sandbox import times
from zoom_sandbox.config import AppSettings
from zoom_sandbox.webhooks import WebhookSender

log = logging.getLogger("zoom_sandbox")

FAILURES_BEFORE_DISABLED = 6
OWNER_EMAILED_AFTER = (2, 4)


class EventSubscription:
    def __init__(self, sender: WebhookSender, settings_getter: Callable[[], AppSettings]) -> None:
        self.sender = sender
        self.settings_getter = settings_getter
        self._task: asyncio.Task[None] | None = None
        self.url = ""
        self.enabled = True
        self.consecutive_failures = 0
        self.validations = 0
        self.last_validation: dict[str, Any] | None = None
        self.disabled_at: str | None = None
        self.next_validation_at: float | None = None

    @property
    def refusal(self) -> str | None:
        """Why events may not go out now; None while the subscription is enabled."""
        return None if self.enabled else "subscription_disabled"

    def subscribe(self, url: str) -> None:
        """A URL set, or set again: enabled afresh, checked now and every interval after."""
        self._cancel()
        self.url = url
        self.enabled = True
        self.consecutive_failures = 0
        self.validations = 0
        self.last_validation = None
        self.disabled_at = None
        if url:
            self._start(check_first=True)

    def reschedule(self) -> None:
        """The interval changed: the next check is one new interval from now."""
        if self.url and self.enabled:
            self._cancel()
            self._start(check_first=False)

    def record(self, result: dict[str, Any]) -> None:
        """The outcome of one check of `url`, scheduled or asked for through the control API."""
        self.validations += 1
        self.last_validation = {
            "at": times.iso_ms(time.time()),
            "valid": result["valid"],
            "status": result["status"],
            "error": result.get("error"),
        }
        if result["valid"]:
            self.consecutive_failures = 0
            if not self.enabled:
                # Validating the URL again is how a developer turns the subscription back on.
                self.enabled, self.disabled_at = True, None
                self._start(check_first=False)
            return
        self.consecutive_failures += 1
        if self.consecutive_failures in OWNER_EMAILED_AFTER:
            log.warning(
                "sandbox.webhook.validation-failing failures=%d url=%s (Zoom emails the owner)",
                self.consecutive_failures,
                self.url,
            )
        if self.enabled and self.consecutive_failures >= FAILURES_BEFORE_DISABLED:
            self.enabled, self.disabled_at = False, times.iso_ms(time.time())
            self.next_validation_at = None
            log.warning("sandbox.webhook.subscription-disabled url=%s", self.url)
            if self._task is not asyncio.current_task():
                self._cancel()

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "enabled": self.enabled,
            "validated": bool(self.last_validation and self.last_validation["valid"]),
            "consecutive_failures": self.consecutive_failures,
            "validations": self.validations,
            "last_validation": self.last_validation,
            "next_validation_at": (
                times.iso_ms(self.next_validation_at) if self.next_validation_at else None
            ),
            "disabled_at": self.disabled_at,
            "revalidation_interval_seconds": self.settings_getter().revalidation_interval_seconds,
        }

    async def stop(self) -> None:
        task = self._task
        self._cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _start(self, *, check_first: bool) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(check_first))

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.next_validation_at = None

    async def _run(self, check_first: bool) -> None:
        if not check_first:
            await self._wait_interval()
        while True:
            self.record(await self.sender.validate_url(self.url))
            if not self.enabled:
                return
            await self._wait_interval()

    async def _wait_interval(self) -> None:
        interval = self.settings_getter().revalidation_interval_seconds
        self.next_validation_at = time.time() + interval
        await asyncio.sleep(interval)
