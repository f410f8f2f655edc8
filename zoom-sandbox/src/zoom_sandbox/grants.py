"""Authorizations and tokens: issuing, rotating, revoking, and the deauthorization event.

A Zoom user authorizes the app (a grant, listed on Marketplace "Added Apps") through a
single-use code, from the authorize pages or from the Marketplace listing; each code
exchange and each refresh issues an access token and a refresh token. Refreshing spends
the refresh token and, as Zoom staff describe it, ends the previous access token too
(`refresh_revokes_access_token`); a new authorization of the same user ends every earlier
token; removing the app or revoking a token ends the grant and tells the app with
`app_deauthorized`.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import Any, Final, Literal

from zoom_sandbox import ids, times
from zoom_sandbox.digests import digest
from zoom_sandbox.runtime import Sandbox
from zoom_sandbox.state import AuthCode, Grant, Token, User, grant_key

log = logging.getLogger("zoom_sandbox")

SWEEP_EVERY = 1000
# Zoom's tokens are JWTs that say when they expired, however old; the sandbox keeps an
# expired access token's record this long, so that it is still answered as expired.
EXPIRED_KEPT_FOR = 24 * 3600
EXPIRED: Final = "expired"


def code_issue(
    sandbox: Sandbox,
    *,
    user: User,
    redirect_uri: str,
    code_challenge: str | None = None,
    code_challenge_method: str = "plain",
) -> str:
    """A single-use authorization code for the app's current scopes; kept by digest."""
    now = sandbox.clock.now()
    codes = sandbox.state.codes
    for stale in [c for c, record in codes.items() if record.expires_at < now]:
        del codes[stale]
    code = ids.opaque(32)
    codes[digest(code)] = AuthCode(
        digest=digest(code),
        client_id=sandbox.app.client_id,
        user_id=user.id,
        redirect_uri=redirect_uri,
        scopes=sandbox.app.scopes,
        expires_at=now + sandbox.app.authorization_code_ttl,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
    )
    sandbox.changed()
    log.info("sandbox.oauth.code-issued user=%s", user.id)
    return code


def tokens_issue(
    sandbox: Sandbox, *, user: User, scopes: str, api_url: str, chain: str
) -> dict[str, Any]:
    app = sandbox.app
    now = sandbox.clock.now()
    access_value = ids.oauth_token("access", user.id, app.client_id, app.access_token_ttl, now)
    refresh_value = ids.oauth_token("refresh", user.id, app.client_id, app.refresh_token_ttl, now)
    access = Token(
        digest=digest(access_value),
        kind="access",
        user_id=user.id,
        client_id=app.client_id,
        scopes=scopes,
        expires_at=now + app.access_token_ttl,
        chain=chain,
    )
    refresh = Token(
        digest=digest(refresh_value),
        kind="refresh",
        user_id=user.id,
        client_id=app.client_id,
        scopes=scopes,
        expires_at=now + app.refresh_token_ttl,
        chain=chain,
    )
    tokens = sandbox.state.tokens
    if len(tokens) % SWEEP_EVERY == 0:
        for key in [k for k, t in tokens.items() if t.expires_at < now - EXPIRED_KEPT_FOR]:
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
    chain = secrets.token_hex(8)
    return tokens_issue(sandbox, user=user, scopes=scopes, api_url=api_url, chain=chain)


def tokens_refresh(sandbox: Sandbox, *, spent: Token, user: User, api_url: str) -> dict[str, Any]:
    """Rotation: the refresh token just used is spent; new tokens continue its chain."""
    tokens = sandbox.state.tokens
    del tokens[spent.digest]
    if sandbox.app.refresh_revokes_access_token and spent.chain:
        for key in [k for k, t in tokens.items() if t.kind == "access" and t.chain == spent.chain]:
            del tokens[key]
    log.info("sandbox.oauth.refreshed user=%s", user.id)
    return tokens_issue(sandbox, user=user, scopes=spent.scopes, api_url=api_url, chain=spent.chain)


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
            token.expires_at = sandbox.clock.now() - 1
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


def access_token(sandbox: Sandbox, value: str) -> Token | Literal["expired"] | None:
    """The live access token `value`; else `EXPIRED`, or None for one never valid here
    (unknown, revoked, a refresh token, another app's)."""
    token = sandbox.state.tokens.get(digest(value))
    if token is None or token.kind != "access" or token.client_id != sandbox.app.client_id:
        return None
    if token.expires_at <= sandbox.clock.now():
        return EXPIRED
    return token
