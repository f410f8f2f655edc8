"""Authorizations and tokens: issuing, rotating, revoking, and the deauthorization event.

A Zoom user authorizes the app once (a grant, listed on Marketplace "Added Apps"); each
code exchange and each refresh issues an access token and a refresh token. Refreshing
spends the refresh token; a new authorization of the same user ends every earlier token;
removing the app or revoking a token ends the grant and tells the app with
`app_deauthorized`.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import Any

from slotlink.sandbox import ids, times
from slotlink.sandbox.digests import digest
from slotlink.sandbox.runtime import Sandbox
from slotlink.sandbox.state import Grant, Token, User, grant_key

log = logging.getLogger("slotlink.sandbox")

SWEEP_EVERY = 1000


def tokens_issue(sandbox: Sandbox, *, user: User, scopes: str, api_url: str) -> dict[str, Any]:
    app = sandbox.app
    now = times.now()
    access_value = ids.oauth_token("access", user.id, app.client_id, app.access_token_ttl)
    refresh_value = ids.oauth_token("refresh", user.id, app.client_id, app.refresh_token_ttl)
    access = Token(
        digest=digest(access_value),
        kind="access",
        user_id=user.id,
        client_id=app.client_id,
        scopes=scopes,
        expires_at=now + app.access_token_ttl,
    )
    refresh = Token(
        digest=digest(refresh_value),
        kind="refresh",
        user_id=user.id,
        client_id=app.client_id,
        scopes=scopes,
        expires_at=now + app.refresh_token_ttl,
    )
    tokens = sandbox.state.tokens
    if len(tokens) % SWEEP_EVERY == 0:
        for key in [k for k, t in tokens.items() if t.expires_at < now]:
            del tokens[key]
    tokens[access.digest] = access
    tokens[refresh.digest] = refresh
    sandbox.changed()
    # The only place the tokens themselves ever appear.
    return {
        "access_token": access_value,
        "token_type": "bearer",
        "refresh_token": refresh_value,
        "expires_in": app.access_token_ttl,
        "scope": scopes,
        "api_url": api_url,
    }


def grant_authorize(sandbox: Sandbox, *, user: User, scopes: str, api_url: str) -> dict[str, Any]:
    """A new authorization: earlier tokens of this user for this app stop working."""
    client_id = sandbox.app.client_id
    tokens_drop(sandbox, user_id=user.id, client_id=client_id)
    sandbox.state.grants[grant_key(user.id, client_id)] = Grant(
        user_id=user.id, client_id=client_id, scopes=scopes, authorized_at=times.iso(times.now())
    )
    log.info("sandbox.oauth.authorized user=%s", user.id)
    return tokens_issue(sandbox, user=user, scopes=scopes, api_url=api_url)


def tokens_drop(sandbox: Sandbox, *, user_id: str, client_id: str | None = None) -> int:
    tokens = sandbox.state.tokens
    doomed = [
        key
        for key, token in tokens.items()
        if token.user_id == user_id and (client_id is None or token.client_id == client_id)
    ]
    for key in doomed:
        del tokens[key]
    sandbox.changed()
    return len(doomed)


def tokens_expire(sandbox: Sandbox, *, user_id: str) -> int:
    """Make a user's access tokens expired now, for tests that cannot wait an hour."""
    count = 0
    for token in sandbox.state.tokens.values():
        if token.user_id == user_id and token.kind == "access":
            token.expires_at = times.now() - 1
            count += 1
    sandbox.changed()
    return count


def app_remove(sandbox: Sandbox, *, user: User, client_id: str | None = None) -> bool:
    """Marketplace "Remove" (and `/oauth/revoke`): end the grant, notify the app."""
    client_id = client_id or sandbox.app.client_id
    grant = sandbox.state.grants.pop(grant_key(user.id, client_id), None)
    dropped = tokens_drop(sandbox, user_id=user.id, client_id=client_id)
    if grant is None and not dropped:
        return False
    log.info("sandbox.oauth.deauthorized user=%s", user.id)
    sandbox.webhooks.send(
        "app_deauthorized",
        deauthorized_payload(user, client_id),
        url=sandbox.app.deauthorization_target,
    )
    return True


def deauthorized_payload(user: User, client_id: str) -> dict[str, Any]:
    moment = datetime.now(UTC)
    return {
        "account_id": user.account_id,
        "user_id": user.id,
        "signature": secrets.token_hex(32),
        "deauthorization_time": moment.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}Z",
        "client_id": client_id,
        "event_ts": moment.strftime("%Y-%m-%d %H:%M:%S"),
    }


def access_token(sandbox: Sandbox, value: str) -> Token | None:
    token = sandbox.state.tokens.get(digest(value))
    if token is None or token.kind != "access" or token.expires_at <= times.now():
        return None
    if token.client_id != sandbox.app.client_id:
        return None
    return token
