"""The running sandbox: its state and the machinery around it, in one object.

`create_app` makes one `Sandbox` and hangs it on `app.state.sandbox`; handlers reach it
through `sandbox_of(request)`. A reset puts everything back as it was at start-up.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request

from zoom_sandbox import times
from zoom_sandbox.config import AppSettings, SandboxConfig
from zoom_sandbox.faults import Faults
from zoom_sandbox.persistence import Persister, load_state
from zoom_sandbox.ratelimits import RateLimiter
from zoom_sandbox.requestlog import RequestLog
from zoom_sandbox.state import SandboxState
from zoom_sandbox.subscription import EventSubscription
from zoom_sandbox.webhooks import WebhookSender


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.app: AppSettings = config.app
        self.state: SandboxState
        self.state, outdated = load_state(config.state_file)
        self.persister = Persister(config.state_file)
        if outdated:
            # An older file may hold what this version keeps out of it (raw tokens):
            # rewrite it at the first save rather than at the first change.
            self.changed()
        self.faults = Faults()
        self.clock = times.Clock()
        self.limiter = RateLimiter()
        self.request_log = RequestLog(config.request_log_limit)
        self.webhooks = WebhookSender(lambda: self.app)
        self.subscription = EventSubscription(self.webhooks, lambda: self.app)
        # Signs the pages' CSRF tokens (sessions.py); never stored, so a restart ends the
        # forms open at the time, and nothing outside this process can make a token.
        self.csrf_key = secrets.token_bytes(32)

    def changed(self) -> None:
        """Call after every change to `state`, so the state file catches up."""
        self.persister.mark_dirty()

    def reset(self) -> None:
        self.state = SandboxState()
        self.app = self.config.app
        self.faults = Faults()
        self.clock = times.Clock()
        self.limiter.reset()
        self.request_log.clear()
        self.webhooks.reset()
        # Back to the URL set at start-up, checked afresh; any later checks stop.
        self.subscription.subscribe(self.app.webhook_url)
        self.changed()

    def base_url(self, request: Request) -> str:
        return (self.config.public_url or str(request.base_url)).rstrip("/")

    async def start(self) -> None:
        await self.persister.start(lambda: self.state)
        self.subscription.subscribe(self.app.webhook_url)

    async def stop(self) -> None:
        await self.subscription.stop()
        await self.webhooks.stop()
        await self.persister.stop()

    def summary(self) -> dict[str, Any]:
        return {
            "users": len(self.state.users),
            "meetings": len(self.state.meetings),
            "webinars": len(self.state.webinars),
            "state_file": str(self.config.state_file) if self.config.state_file else None,
        }


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox
