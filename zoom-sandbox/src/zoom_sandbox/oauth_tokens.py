"""The server side of Zoom OAuth: `POST /oauth/token` and `POST /oauth/revoke`.

Both take the app's credentials as HTTP Basic auth, or as `client_id` and
`client_secret` form fields (RFC 6749 §2.3.1 "client_secret_post", which Zoom's Postman
collection uses), and a URL-encoded form (Zoom also reads the query string). Errors use
Zoom's own body, `{"reason": ..., "error": ...}`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import secrets
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox.digests import digest
from zoom_sandbox.errors import OAuthError
from zoom_sandbox.forms import form_fields
from zoom_sandbox.grants import app_remove, grant_authorize, tokens_refresh
from zoom_sandbox.runtime import Sandbox, sandbox_of
from zoom_sandbox.state import AuthCode

log = logging.getLogger("zoom_sandbox")

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def check_client(sandbox: Sandbox, request: Request, params: dict[str, str]) -> None:
    """The app's own credentials: HTTP Basic when the request has it, else form fields."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id, secret = "", ""
    elif scheme:
        client_id, secret = "", ""
    else:
        client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
    app = sandbox.app
    if not (
        client_id
        and secrets.compare_digest(client_id, app.client_id)
        and secrets.compare_digest(secret, app.client_secret)
    ):
        raise OAuthError("Invalid client_id or client_secret", "invalid_client")


async def parameters(request: Request) -> dict[str, str]:
    params = dict(parse_qsl(request.url.query, keep_blank_values=True))
    params.update(await form_fields(request))
    return params


def pkce_matches(record: AuthCode, verifier: str | None) -> bool:
    if record.code_challenge is None:
        return True
    if not verifier:
        return False
    if record.code_challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return secrets.compare_digest(computed, record.code_challenge)
    return secrets.compare_digest(verifier, record.code_challenge)


async def token(request: Request) -> Response:
    sandbox = sandbox_of(request)
    params = await parameters(request)
    check_client(sandbox, request, params)
    grant_type = params.get("grant_type")
    api_url = sandbox.base_url(request)
    if grant_type == "authorization_code":
        body = exchange_code(sandbox, params, api_url)
    elif grant_type == "refresh_token":
        body = refresh(sandbox, params, api_url)
    else:
        raise OAuthError("Unsupported grant type", "unsupported_grant_type")
    return JSONResponse(body, headers=NO_STORE)


def exchange_code(sandbox: Sandbox, params: dict[str, str], api_url: str) -> dict[str, object]:
    record = sandbox.state.codes.get(digest(params.get("code", "")))
    if (
        record is None
        or record.used
        or record.expires_at <= sandbox.clock.now()
        or record.client_id != sandbox.app.client_id
    ):
        log.info("sandbox.oauth.code-rejected")
        raise OAuthError("Invalid authorization code", "invalid_grant")
    # A code works once, whether or not the rest of this exchange is right.
    record.used = True
    sandbox.changed()
    if params.get("redirect_uri") != record.redirect_uri:
        raise OAuthError("Redirect URI mismatch.", "invalid_request")
    if not pkce_matches(record, params.get("code_verifier")):
        raise OAuthError("Invalid code verifier", "invalid_grant")
    user = sandbox.state.users.get(record.user_id)
    if user is None:
        raise OAuthError("The token owner no longer exists.", "invalid_grant")
    return grant_authorize(sandbox, user=user, scopes=record.scopes, api_url=api_url)


def refresh(sandbox: Sandbox, params: dict[str, str], api_url: str) -> dict[str, object]:
    tokens = sandbox.state.tokens
    old = tokens.get(digest(params.get("refresh_token", "")))
    if (
        old is None
        or old.kind != "refresh"
        or old.client_id != sandbox.app.client_id
        or old.expires_at < sandbox.clock.now()
    ):
        log.info("sandbox.oauth.refresh-rejected")
        raise OAuthError("Invalid Token!", "invalid_grant")
    user = sandbox.state.users.get(old.user_id)
    if user is None:
        raise OAuthError("Invalid Token!", "invalid_grant")
    return tokens_refresh(sandbox, spent=old, user=user, api_url=api_url)


async def revoke(request: Request) -> Response:
    sandbox = sandbox_of(request)
    params = await parameters(request)
    check_client(sandbox, request, params)
    record = sandbox.state.tokens.get(digest(params.get("token", "")))
    if record is None or record.client_id != sandbox.app.client_id:
        raise OAuthError("Invalid Token!", "invalid_request")
    user = sandbox.state.users.get(record.user_id)
    if user is not None:
        app_remove(sandbox, user=user)
    return JSONResponse({"status": "success"}, headers=NO_STORE)
