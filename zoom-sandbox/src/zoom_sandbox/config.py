"""The sandbox's start-up settings: the one OAuth app it registers, and its knobs.

The app is registered from the same environment variables the product reads, so
`make run` needs no second copy of the Zoom settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

# The granular scopes the product asks for: what an app created on the Marketplace today
# gets, and what the demo's app is registered with (scopes.py says which endpoint takes
# which). Attendance comes from past webinar participants, which has a user-level scope;
# Zoom's reports have none (an `:admin` scope would need an account admin to install).
DEFAULT_SCOPES = (
    "user:read:user user:read:settings meeting:read:meeting meeting:read:list_meetings "
    "meeting:write:meeting meeting:update:meeting meeting:delete:meeting "
    "webinar:read:webinar webinar:read:list_webinars webinar:write:webinar "
    "webinar:update:webinar webinar:delete:webinar webinar:write:registrant "
    "webinar:read:list_registrants webinar:update:registrant_status "
    "webinar:read:list_past_participants"
)
# An older app's classic scopes, as Zoom's OpenAPI file names them per operation.
CLASSIC_DEFAULT_SCOPES = (
    "meeting:read meeting:write user:read user:write user_info:read "
    "webinar:read webinar:write report:read:admin"
)
DEFAULT_SCOPES_BY_STYLE = {"granular": DEFAULT_SCOPES, "classic": CLASSIC_DEFAULT_SCOPES}
SWITCH_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclass(frozen=True)
class AppSettings:
    """The OAuth app as registered on the Marketplace; changeable at run time."""

    client_id: str = "sandbox-client-id"
    client_secret: str = "sandbox-client-secret"  # noqa: S105 - a sandbox default, not a secret
    redirect_uri: str = "http://127.0.0.1:8000/zoom/callback/"
    webhook_secret_token: str = "sandbox-webhook-secret-token"  # noqa: S105
    # Event notifications go to webhook_url; deauthorizations to deauthorization_url,
    # which Zoom keeps as a separate field but usually holds the same URL.
    webhook_url: str = ""
    deauthorization_url: str = ""
    name: str = "slotlink"
    # "granular" (apps created today) or "classic" (older apps): the names the app's
    # scopes have and its tokens are checked in.
    scope_style: str = "granular"
    scopes: str = DEFAULT_SCOPES
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 90 * 24 * 3600
    # Zoom's codes last 5 minutes; tests shorten it to see one expire.
    authorization_code_ttl: int = 300
    webhook_retry_scale: float = 1.0
    # Zoom staff say a refresh ends the previous access token at once; other sources let
    # it live out its hour. Off, the old token works until it expires.
    refresh_revokes_access_token: bool = True
    # Zoom re-runs endpoint.url_validation this often (72 hours); tests make it short.
    revalidation_interval_seconds: float = 72 * 3600
    # Zoom also notifies the app of changes the app itself made through the API; the
    # switch turns that off, so that only changes made "in Zoom" send events.
    api_change_events: bool = True
    # What meeting.updated / webinar.updated call their "single" | "all" field: `scope` in
    # Zoom's current events reference, `operation` in older published payloads.
    updated_scope_field: str = "scope"

    @property
    def deauthorization_target(self) -> str:
        return self.deauthorization_url or self.webhook_url

    def updated(self, changes: Mapping[str, object]) -> AppSettings:
        changes = dict(changes)
        style = changes.get("scope_style", self.scope_style)
        # Switching style without naming scopes swaps the default set for the other one.
        if "scopes" not in changes and self.scopes == DEFAULT_SCOPES_BY_STYLE[self.scope_style]:
            changes["scopes"] = DEFAULT_SCOPES_BY_STYLE[str(style)]
        return replace(self, **changes)  # type: ignore[arg-type]

    def public(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
            "webhook_secret_token": self.webhook_secret_token,
            "webhook_url": self.webhook_url,
            "deauthorization_url": self.deauthorization_url,
            "name": self.name,
            "scope_style": self.scope_style,
            "scopes": self.scopes,
            "access_token_ttl": self.access_token_ttl,
            "refresh_token_ttl": self.refresh_token_ttl,
            "authorization_code_ttl": self.authorization_code_ttl,
            "webhook_retry_scale": self.webhook_retry_scale,
            "refresh_revokes_access_token": self.refresh_revokes_access_token,
            "revalidation_interval_seconds": self.revalidation_interval_seconds,
            "api_change_events": self.api_change_events,
            "updated_scope_field": self.updated_scope_field,
        }


@dataclass(frozen=True)
class SandboxConfig:
    """Everything `create_app` needs; `from_env` reads it the way `zoom-sandbox` does."""

    app: AppSettings = field(default_factory=AppSettings)
    state_file: Path | None = None
    # Base of join/start URLs; None means "the host the request came in on".
    public_url: str | None = None
    request_log_limit: int = 10_000
    # How long a "timeout" fault holds a request when the client never gives up.
    hang_seconds: float = 120.0
    # Answer to any Host name (hosts.py), and listen beyond loopback (server.py).
    allow_remote: bool = False

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, state_file: str | None = None
    ) -> SandboxConfig:
        env = os.environ if environ is None else environ
        defaults = AppSettings()

        def text(name: str, default: str) -> str:
            value = env.get(name, "").strip()
            return value or default

        webhook_url = text("ZOOM_WEBHOOK_URL", "")
        style = text("SANDBOX_APP_SCOPE_STYLE", defaults.scope_style)
        if style not in DEFAULT_SCOPES_BY_STYLE:
            raise ValueError(f"SANDBOX_APP_SCOPE_STYLE must be granular or classic, not {style}.")
        app = AppSettings(
            client_id=text("ZOOM_CLIENT_ID", defaults.client_id),
            client_secret=text("ZOOM_CLIENT_SECRET", defaults.client_secret),
            redirect_uri=text("ZOOM_REDIRECT_URI", defaults.redirect_uri),
            webhook_secret_token=text("ZOOM_WEBHOOK_SECRET_TOKEN", defaults.webhook_secret_token),
            webhook_url=webhook_url,
            deauthorization_url=text("ZOOM_DEAUTHORIZATION_URL", webhook_url),
            name=text("SANDBOX_APP_NAME", defaults.name),
            scope_style=style,
            scopes=text("SANDBOX_APP_SCOPES", DEFAULT_SCOPES_BY_STYLE[style]),
            access_token_ttl=int(text("SANDBOX_ACCESS_TOKEN_TTL", str(defaults.access_token_ttl))),
            refresh_token_ttl=int(
                text("SANDBOX_REFRESH_TOKEN_TTL", str(defaults.refresh_token_ttl))
            ),
            webhook_retry_scale=float(
                text("SANDBOX_WEBHOOK_RETRY_SCALE", str(defaults.webhook_retry_scale))
            ),
        )
        path = state_file if state_file is not None else env.get("SANDBOX_STATE_FILE", "")
        allow_remote = text("SANDBOX_ALLOW_REMOTE", "0").lower()
        if allow_remote not in SWITCH_VALUES:
            raise ValueError(f"SANDBOX_ALLOW_REMOTE must be 1 or 0, not {allow_remote}.")
        return cls(
            app=app,
            state_file=Path(path) if path else None,
            public_url=text("SANDBOX_PUBLIC_URL", "") or None,
            allow_remote=SWITCH_VALUES[allow_remote],
        )
