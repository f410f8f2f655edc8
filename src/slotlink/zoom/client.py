"""The one module that talks HTTP to Zoom: OAuth's token and revoke endpoints and REST v2.

Every call states its timeout, is written to the sync log (action, status, Zoom's code
and message, duration; never a token) and either returns Zoom's answer or raises one of
the typed errors in errors.py. Nothing else in slotlink opens a connection to Zoom.

OAuth is Authlib's: the authorize URL (with PKCE S256) and the token request bodies come
from its RFC 6749/7636 functions. Its httpx *integration* is not used: in Authlib 1.9 it
warns that it moves to the `httpx2` fork, and a fork of the transport for one OAuth
client is a poor trade when the protocol parts are transport-free. httpx carries the
requests here, with the same timeouts and error mapping as every REST call.
"""

import base64
import ipaddress
import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.utils import timezone

from slotlink.zoom import ratelimits
from slotlink.zoom.errors import (
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomRejected,
    ZoomScopeMissing,
    ZoomUnauthorized,
    ZoomUnavailable,
)
from slotlink.zoom.metrics import zoom_call_observe
from slotlink.zoom.pacing import pace
from slotlink.zoom.synclog import CallContext, sync_log_record

SCOPE_CODES = {4700, 4711}
MISSING_SCOPES = re.compile(r"scopes?\s*:\s*\[([^\]]*)\]")
# OAuth errors that mean the grant itself is gone: no refresh will bring it back.
DEAD_GRANT_ERRORS = {"invalid_grant", "invalid_token", "invalid_request"}

_client_lock = threading.Lock()
_http: httpx.Client | None = None


def http() -> httpx.Client:
    """One pooled client per process (httpx clients are safe to share between threads)."""
    global _http
    with _client_lock:
        if _http is None:
            _http = httpx.Client(headers={"User-Agent": "slotlink"})
        return _http


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, text: str) -> "TokenSet":
        return cls(**json.loads(text))


def authorize_url(*, state: str, code_verifier: str) -> str:
    return str(
        prepare_grant_uri(
            f"{settings.ZOOM_OAUTH_BASE_URL}/oauth/authorize",
            settings.ZOOM_CLIENT_ID,
            "code",
            redirect_uri=settings.ZOOM_REDIRECT_URI,
            state=state,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
    )


def browser_origins() -> list[str]:
    """Where slotlink's forms send the browser in Zoom (the pages' CSP form-action): the
    authorize page (Connect, Reconnect) and a start link (Start webinar as host), which
    Zoom gives on its regional hosts (us02web.zoom.us) as well as on zoom.us."""
    parts = urlsplit(settings.ZOOM_OAUTH_BASE_URL)
    origin = f"{parts.scheme}://{parts.netloc}"
    host = parts.hostname or ""
    if "." not in host or _is_ip_address(host):
        return [origin]
    return [origin, f"{parts.scheme}://*.{parts.netloc}"]


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def token_exchange(*, code: str, code_verifier: str | None, context: CallContext) -> TokenSet:
    """The authorization code for tokens; `code_verifier` None for Marketplace installs."""
    extra = {"code_verifier": code_verifier} if code_verifier else {}
    body = prepare_token_request(
        "authorization_code", code=code, redirect_uri=settings.ZOOM_REDIRECT_URI, **extra
    )
    return _token_call(body, action="token.exchange", context=context)


def token_refresh(*, refresh_token: str, context: CallContext) -> TokenSet:
    body = prepare_token_request("refresh_token", refresh_token=refresh_token)
    return _token_call(body, action="token.refresh", context=context)


def token_revoke(*, token: str, context: CallContext) -> None:
    _oauth_call("/oauth/revoke", {"token": token}, action="token.revoke", context=context)


def api_call(
    method: str,
    path: str,
    *,
    access_token: str,
    action: str,
    context: CallContext,
    json_body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
    label: str = "light",
) -> Any:
    """One REST v2 call: Zoom's JSON answer (None for 204), or a typed error. `label` is
    the endpoint's rate-limit label, whose budget the call waits for (pacing.py)."""
    pace(account=context.zoom_account_id, label=label)
    response = _send(
        action,
        context,
        method,
        f"{settings.ZOOM_API_BASE_URL}{path}",
        headers={"Authorization": f"Bearer {access_token}"},
        json=json_body,
        params=params,
    )
    return response.json() if response.content else None


def _token_call(body: str, *, action: str, context: CallContext) -> TokenSet:
    answer = _oauth_call("/oauth/token", body, action=action, context=context)
    try:
        return TokenSet(
            access_token=str(answer["access_token"]),
            refresh_token=str(answer["refresh_token"]),
            expires_in=int(answer.get("expires_in") or 3600),
            scope=str(answer.get("scope") or ""),
        )
    except (KeyError, TypeError, ValueError):
        raise ZoomUnavailable("Zoom's token answer was not readable.", status=200) from None


def _oauth_call(
    path: str, body: str | dict[str, str], *, action: str, context: CallContext
) -> dict[str, Any]:
    credentials = f"{settings.ZOOM_CLIENT_ID}:{settings.ZOOM_CLIENT_SECRET}".encode()
    response = _send(
        action,
        context,
        "POST",
        f"{settings.ZOOM_OAUTH_BASE_URL}{path}",
        headers={
            "Authorization": "Basic " + base64.b64encode(credentials).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        content=body if isinstance(body, str) else None,
        data=body if isinstance(body, dict) else None,
    )
    answer = _json(response)
    return answer if isinstance(answer, dict) else {}


def _send(
    action: str, context: CallContext, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    started = time.monotonic()
    seconds = settings.ZOOM_HTTP_TIMEOUT_SECONDS
    try:
        response = http().request(
            method, url, timeout=httpx.Timeout(seconds, connect=min(5.0, seconds)), **kwargs
        )
    except httpx.TimeoutException:
        error: ZoomError = ZoomUnavailable("Zoom did not answer in time.")
        _record(action, context, started, error=error)
        raise error from None
    except httpx.HTTPError as failure:
        error = ZoomUnavailable(f"Zoom could not be reached ({type(failure).__name__}).")
        _record(action, context, started, error=error)
        raise error from None
    if response.is_success:
        _record(action, context, started, status=response.status_code)
        return response
    error = _error_for(response, now=timezone.now())
    _record(action, context, started, error=error)
    raise error


def _record(
    action: str,
    context: CallContext,
    started: float,
    *,
    status: int | None = None,
    error: ZoomError | None = None,
) -> None:
    seconds = time.monotonic() - started
    outcome = error.outcome if error else "ok"
    zoom_call_observe(action=action, outcome=outcome, seconds=seconds)
    sync_log_record(
        context=context,
        action=action,
        outcome=outcome,
        http_status=error.status if error else status,
        zoom_code=error.code if error else None,
        message=error.message if error else "",
        duration_ms=int(seconds * 1000),
    )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_for(response: httpx.Response, *, now: datetime) -> ZoomError:
    """Zoom's answer as a typed error: REST bodies are {code, message}, OAuth {reason, error}."""
    status = response.status_code
    body = _json(response)
    body = body if isinstance(body, dict) else {}
    raw_code = body.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    oauth_error = str(body.get("error") or "")
    message = str(body.get("message") or body.get("reason") or "") or f"Zoom answered {status}."
    if oauth_error:
        message = f"{message} ({oauth_error})"
    if code in SCOPE_CODES:
        found = MISSING_SCOPES.search(message)
        missing = [s.strip() for s in found.group(1).split(",") if s.strip()] if found else []
        return ZoomScopeMissing(message, status=status, code=code, missing=missing)
    if status == 429:
        return ZoomRateLimited(
            message,
            status=status,
            code=code,
            retry_at=ratelimits.retry_at(response, message, now=now),
            daily=ratelimits.is_daily(response, message),
        )
    if status >= 500:
        return ZoomUnavailable(message, status=status, code=code)
    if oauth_error == "invalid_client":
        # slotlink's own credentials are wrong: an operator must fix the settings.
        return ZoomRejected(message, status=status, code=code)
    if status == 401 or oauth_error in DEAD_GRANT_ERRORS:
        return ZoomUnauthorized(
            message, status=status, code=code, grant_dead=oauth_error in DEAD_GRANT_ERRORS
        )
    if status == 404:
        return ZoomNotFound(message, status=status, code=code)
    return ZoomRejected(message, status=status, code=code)
